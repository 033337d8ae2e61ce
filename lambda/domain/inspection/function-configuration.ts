/**
 * A function's configuration as GetFunctionConfiguration returns it (and `aws lambda
 * get-function-configuration` prints it; `get-function`'s {"Configuration": ...} is accepted too),
 * validated once at the edge, and what it says about code that runs besides the handler.
 */
import { execHookVariables } from './exec-hook-variable.js';
import type { InspectionGap, InspectionSignal } from './model.js';

export interface FunctionConfiguration {
  functionName: string | null;
  runtime: string | null;
  /** The handler as configured (`module.function` for Python), or null. */
  handler: string | null;
  variables: Record<string, string>;
  /** Layer version ARNs, in the order Lambda extracts them. */
  layers: string[];
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(doc: Record<string, unknown>, key: string): string | null {
  const value = doc[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ConfigurationError(`${key} is not a string`);
  return value;
}

function variablesOf(doc: Record<string, unknown>): Record<string, string> {
  const env = doc.Environment;
  if (env === undefined || env === null) return {};
  if (!isObject(env)) throw new ConfigurationError('Environment is not an object');
  const vars = env.Variables;
  if (vars === undefined || vars === null) return {};
  if (!isObject(vars)) throw new ConfigurationError('Environment.Variables is not an object');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== 'string')
      throw new ConfigurationError(`Environment.Variables.${name} is not a string`);
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function layersOf(doc: Record<string, unknown>): string[] {
  const layers = doc.Layers;
  if (layers === undefined || layers === null) return [];
  if (!Array.isArray(layers)) throw new ConfigurationError('Layers is not an array');
  return layers.map((layer, i) => {
    const arn = isObject(layer) ? layer.Arn : layer;
    if (typeof arn !== 'string') throw new ConfigurationError(`Layers[${i}] has no Arn`);
    return arn;
  });
}

/** Parses a configuration document; throws ConfigurationError naming what is wrong. */
export function parseFunctionConfiguration(value: unknown): FunctionConfiguration {
  const doc = isObject(value) && isObject(value.Configuration) ? value.Configuration : value;
  if (!isObject(doc)) throw new ConfigurationError('not a JSON object');
  if (!('FunctionName' in doc || 'FunctionArn' in doc || 'Environment' in doc || 'Layers' in doc))
    throw new ConfigurationError('not a function configuration (no FunctionName, Environment or Layers)');
  return {
    functionName: optionalString(doc, 'FunctionName'),
    runtime: optionalString(doc, 'Runtime'),
    handler: optionalString(doc, 'Handler'),
    variables: variablesOf(doc),
    layers: layersOf(doc),
  };
}

export interface ConfigurationReport {
  signals: InspectionSignal[];
  gaps: InspectionGap[];
}

/** The variables' signals; the layers' content is a gap until their archives are read. */
export function inspectConfiguration(config: FunctionConfiguration): ConfigurationReport {
  return {
    signals: execHookVariables(config.variables),
    gaps: config.layers.map((arn) => ({
      path: arn,
      reason: 'layer content not inspected: inspect its archive (GetLayerVersion Content.Location) as a zip',
    })),
  };
}
