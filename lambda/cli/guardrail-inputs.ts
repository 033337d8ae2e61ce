/**
 * `guardrail`'s inputs: function configuration documents (taken whole, before the readers) and
 * CloudTrail history read by scan's own walk, readers and normalize, into the guardrail's inventory.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  addConfigurationDocument,
  type Inventory,
  isFunctionConfiguration,
} from '../domain/guardrail/inventory.js';
import type { LambdaEvent } from '../domain/model.js';
import type { Io } from './command.js';
import { EventCollector, emptyStats } from './scan.js';
import { readInputs } from './scan-inputs.js';
import { DEFAULT_MAX_RECORD_BYTES, type SourceProblem } from './source-types.js';
import { findInputs, type Inputs } from './walk.js';

export interface History {
  events: LambdaEvent[];
  problems: SourceProblem[];
  /** Function configuration documents read. */
  configurations: number;
  files: number;
}

/** Takes the local files that are function configurations out of `inputs` into the inventory. */
function takeConfigurations(inputs: Inputs, inventory: Inventory): number {
  let taken = 0;
  inputs.files = inputs.files.filter((file) => {
    if (/\.gz$/i.test(file)) return true;
    let doc: unknown;
    try {
      if (statSync(file).size > DEFAULT_MAX_RECORD_BYTES) return true;
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return true; // not one JSON document (JSON Lines, CSV, unreadable): the readers take it or name the problem
    }
    if (!isFunctionConfiguration(doc)) return true;
    addConfigurationDocument(inventory, doc, file);
    taken += 1;
    return false;
  });
  return taken;
}

/** Reads PATHs as scan does; with an inventory, function configurations are taken into it. */
export async function readHistory(
  paths: readonly string[],
  io: Io,
  inventory: Inventory | null,
): Promise<History> {
  const problems: SourceProblem[] = [];
  const stats = emptyStats();
  const collector = new EventCollector(stats, problems);
  const inputs = findInputs(paths, problems);
  const configurations = inventory ? takeConfigurations(inputs, inventory) : 0;
  const options = {
    prefilter: true,
    maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
    threads: null,
    filter: { sinceMs: null, untilMs: null, accounts: [], regions: [] },
    s3SkipBeforeMs: null,
  };
  await readInputs(inputs, options, io, { stats, problems, collector, tick: () => undefined });
  return { events: collector.sorted(), problems, configurations, files: stats.files + configurations };
}
