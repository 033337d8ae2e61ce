/** The handler's environment, read once at cold start. */
import { type DetectionSettings, parseSettings, SettingsError } from './domain/settings.js';

export interface HandlerConfig {
  topicArn: string;
  baselineTable: string;
  settings: DetectionSettings;
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

export function readConfig(env: Record<string, string | undefined>): HandlerConfig {
  const missing = ['ALERT_TOPIC_ARN', 'BASELINE_TABLE'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new ConfigurationError(`layerwatch handler: missing environment variable(s) ${missing.join(', ')}`);
  }
  let settings: DetectionSettings;
  try {
    settings = parseSettings(env.LAYERWATCH_SETTINGS ? JSON.parse(env.LAYERWATCH_SETTINGS) : undefined);
  } catch (error) {
    const why = error instanceof SettingsError ? error.message : 'not valid JSON';
    throw new ConfigurationError(`layerwatch handler: LAYERWATCH_SETTINGS: ${why}`, { cause: error });
  }
  return { topicArn: env.ALERT_TOPIC_ARN as string, baselineTable: env.BASELINE_TABLE as string, settings };
}
