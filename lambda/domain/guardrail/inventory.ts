/**
 * What a guardrail is made from: every layer version in use (attached, created with, published, or
 * in a function's configuration) and the accounts the history shows as the organization's own
 * (every account a recorded call was made in, every account a configured function lives in).
 * Pure: records are normalized events (cloudtrail.ts) and parsed configuration documents.
 */
import { type LayerArnParts, parseFunctionArn, parseLayerArn } from '../arn.js';
import { isFunctionEvent, type LambdaEvent } from '../model.js';

/** How a layer version was seen. */
export type LayerSighting = 'attached' | 'created with' | 'published' | 'configured' | 'in the state table';

export interface LayerUse {
  /** The layer version ARN, as seen. */
  arn: string;
  parts: LayerArnParts;
  seen: Set<LayerSighting>;
  /** Function ARNs that carried it (none for a publish). */
  functions: Set<string>;
}

export interface Inventory {
  /** By layer version ARN. */
  layers: Map<string, LayerUse>;
  /** Own account id -> its partition. */
  accounts: Map<string, string>;
  /** Entries of a layer list that are not layer version ARNs: named, never dropped silently. */
  unreadable: string[];
}

export function emptyInventory(): Inventory {
  return { layers: new Map(), accounts: new Map(), unreadable: [] };
}

/** An ARN's partition, and an account id (constants: a literal is a new object per evaluation). */
const ARN_PARTITION = /^arn:([a-z0-9-]+):/;
const ACCOUNT_ID = /^\d{12}$/;

function partitionOfArn(arn: string): string {
  return ARN_PARTITION.exec(arn)?.[1] ?? 'aws';
}

export function addAccount(inventory: Inventory, account: string, partition: string): void {
  if (ACCOUNT_ID.test(account) && !inventory.accounts.has(account))
    inventory.accounts.set(account, partition);
}

export function addLayer(inventory: Inventory, arn: string, how: LayerSighting, fn: string | null): void {
  const parts = parseLayerArn(arn);
  if (parts === null || parts.version === null) {
    inventory.unreadable.push(`${how}: "${arn}" is not a layer version ARN`);
    return;
  }
  const use = inventory.layers.get(arn) ?? { arn, parts, seen: new Set(), functions: new Set() };
  use.seen.add(how);
  if (fn !== null) use.functions.add(fn);
  inventory.layers.set(arn, use);
}

/** Adds what one normalized CloudTrail event shows. */
export function addEvent(inventory: Inventory, event: LambdaEvent): void {
  const partition = isFunctionEvent(event)
    ? event.fn.partition
    : partitionOfArn('layer' in event ? event.layer.layerArn : (event.actor.arn ?? ''));
  addAccount(inventory, event.meta.account, partition);
  if (isFunctionEvent(event)) {
    const how = event.kind === 'CreateFunction' ? 'created with' : 'attached';
    for (const list of [event.requested, event.responded]) {
      if (list.state === 'list') for (const arn of list.layers) addLayer(inventory, arn, how, event.fn.arn);
      if (list.state === 'unreadable')
        inventory.unreadable.push(
          `${event.meta.name} ${event.meta.id}: layer list unreadable (${list.detail})`,
        );
    }
  } else if (event.kind === 'PublishLayerVersion' && event.layer.versionArn !== null) {
    addLayer(inventory, event.layer.versionArn, 'published', null);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One function configuration as the Lambda API answers it (`FunctionArn`, `Layers[].Arn`). */
function addConfiguration(inventory: Inventory, conf: Record<string, unknown>, where: string): void {
  const fn = typeof conf.FunctionArn === 'string' ? parseFunctionArn(conf.FunctionArn) : null;
  if (fn === null) {
    inventory.unreadable.push(`${where}: no FunctionArn`);
    return;
  }
  addAccount(inventory, fn.account, fn.partition);
  if (conf.Layers === undefined) return;
  if (!Array.isArray(conf.Layers)) {
    inventory.unreadable.push(`${where}: Layers is not a list`);
    return;
  }
  conf.Layers.forEach((layer, i) => {
    if (isObject(layer) && typeof layer.Arn === 'string')
      addLayer(inventory, layer.Arn, 'configured', fn.arn);
    else inventory.unreadable.push(`${where} Layers[${i}]: no Arn`);
  });
}

/** A function's current layers as the deployment's state table holds them (its baseline). */
export function addBaseline(inventory: Inventory, functionArn: string, layers: readonly string[]): void {
  const fn = parseFunctionArn(functionArn);
  if (fn === null) {
    inventory.unreadable.push(`state table: "${functionArn}" is not a function ARN`);
    return;
  }
  addAccount(inventory, fn.account, fn.partition);
  for (const arn of layers) addLayer(inventory, arn, 'in the state table', fn.arn);
}

/**
 * True for `aws lambda get-function-configuration` output (one configuration) and
 * `aws lambda list-functions` output (`{"Functions": [...]}`).
 */
export function isFunctionConfiguration(doc: unknown): boolean {
  return isObject(doc) && (Array.isArray(doc.Functions) || typeof doc.FunctionArn === 'string');
}

/** Adds a configuration document; `where` names it in problems. */
export function addConfigurationDocument(inventory: Inventory, doc: unknown, where: string): void {
  if (!isObject(doc)) return;
  if (Array.isArray(doc.Functions)) {
    doc.Functions.forEach((conf, i) => {
      if (isObject(conf)) addConfiguration(inventory, conf, `${where} Functions[${i}]`);
      else inventory.unreadable.push(`${where} Functions[${i}]: not an object`);
    });
  } else addConfiguration(inventory, doc, where);
}
