/**
 * `layerwatch guardrail`: a pipeline of named steps: arguments (guardrail-args), settings, inputs
 * (guardrail-inputs: scan's walk, readers and normalize), inventory and policy (domain/guardrail),
 * replay, output (guardrail-report). It writes a policy; it never attaches one.
 */
import { writeFile } from 'node:fs/promises';
import { replay } from '../domain/guardrail/evaluate.js';
import { addEvent, emptyInventory, type Inventory } from '../domain/guardrail/inventory.js';
import { buildGuardrail, type Guardrail, GuardrailError, policyText } from '../domain/guardrail/policy.js';
import type { DetectionSettings } from '../domain/settings.js';
import { type Command, EXIT, type Io } from './command.js';
import { loadSettings } from './command-scan.js';
import {
  GUARDRAIL_SYNOPSIS,
  type GuardrailArgs,
  guardrailHelp,
  parseGuardrailArgs,
} from './guardrail-args.js';
import { type History, readHistory } from './guardrail-inputs.js';
import { replayText, summaryText } from './guardrail-report.js';
import { readStateTable } from './guardrail-state-table.js';
import { AWS_HUNT_CLIENTS, type HuntClients, readHuntSource } from './hunt-source.js';
import { isPartial, type SourceProblem } from './source-types.js';
import { terminalText } from './terminal-text.js';

const NAME = 'layerwatch guardrail';

function fail(io: Io, message: string): number {
  io.stderr.write(terminalText(`${NAME}: ${message}`));
  io.stderr.write('\n');
  return EXIT.incomplete;
}

function parse(args: readonly string[], io: Io): GuardrailArgs | number {
  try {
    const parsed = parseGuardrailArgs(args);
    if (parsed !== 'help') return parsed;
    io.stdout.write(guardrailHelp());
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(terminalText(`${NAME}: ${(error as Error).message}`));
    io.stderr.write(`\n\n${guardrailHelp()}`);
    return EXIT.incomplete;
  }
}

function problemLines(problems: readonly SourceProblem[]): string {
  return problems
    .filter((p) => p.kind !== 'note')
    .map((p) => terminalText(`${NAME}: ${p.file}${p.position ? ` ${p.position}` : ''}: ${p.message}`))
    .map((line) => `${line}\n`)
    .join('');
}

/** Builds the guardrail from INPUT; returns the exit code on a failure. */
async function generate(
  args: GuardrailArgs,
  settings: DetectionSettings,
  io: Io,
  out: string[],
): Promise<{ guardrail: Guardrail; partial: boolean } | number> {
  const inventory: Inventory = emptyInventory();
  let baselines = 0;
  if (args.stateTable !== null) {
    try {
      baselines = await readStateTable(args.stateTable, args.region, inventory);
    } catch (error) {
      const cause = (error as Error).cause;
      const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : (error as Error).message;
      return fail(io, `--state-table ${args.stateTable}: ${why}`);
    }
  }
  const history = await readHistory(args.paths, io, inventory);
  for (const event of history.events) addEvent(inventory, event);
  out.push(problemLines(history.problems));
  try {
    const guardrail = buildGuardrail(inventory, {
      format: args.format,
      pinVersions: args.pinVersions,
      allow: args.allow,
      exemptPrincipals: args.exemptPrincipals,
      organizationAccounts: [...new Set([...args.accounts, ...settings.organizationAccounts])],
      publishers: settings.knownPublishers,
    });
    const read = {
      files: history.files,
      events: history.events.length,
      configurations: history.configurations,
      baselines,
    };
    out.push(summaryText(guardrail, args.format, inventory, read));
    return { guardrail, partial: history.problems.some(isPartial) };
  } catch (error) {
    if (!(error instanceof GuardrailError)) throw error;
    io.stderr.write(out.join(''));
    return fail(io, error.message);
  }
}

/** The replayed history: --replay's files and the live source's records, one list in time order. */
async function replayed(args: GuardrailArgs, io: Io, out: string[], clients: HuntClients): Promise<History> {
  const history = await readHistory(args.replay, io, null);
  if (args.replaySource === null) return history;
  const live = await readHuntSource(args.replaySource, io, clients);
  const o = args.replaySource;
  const where =
    o.source === 'athena'
      ? `the Athena query over ${o.table} (${o.callRegions[0]})`
      : `the Event history of ${o.callRegions.join(', ')}`;
  out.push(
    `${NAME}: replay: ${where}: ${live.stats.records} record(s) read, ${live.events.length} Lambda event(s) kept\n`,
  );
  if (live.parts !== null) out.push(`${NAME}: replay: ${live.parts}\n`);
  // A call in both (a saved copy of the same history) is judged once.
  const seen = new Set(history.events.map((e) => JSON.stringify(e)));
  const events = [...history.events, ...live.events.filter((e) => !seen.has(JSON.stringify(e)))];
  events.sort((a, b) => a.meta.timeMs - b.meta.timeMs);
  return { ...history, events, problems: [...history.problems, ...live.problems] };
}

/** Runs the command with `clients` for the live replay (tests inject them). */
export async function guardrail(
  args: GuardrailArgs,
  io: Io,
  clients: HuntClients = AWS_HUNT_CLIENTS,
): Promise<number> {
  let settings: DetectionSettings;
  try {
    settings = await loadSettings(args.config);
  } catch (error) {
    return fail(io, `--config ${args.config}: ${(error as Error).message}`);
  }
  const out: string[] = [];
  const generated = await generate(args, settings, io, out);
  if (typeof generated === 'number') return generated;
  const { guardrail } = generated;
  let partial = generated.partial;
  let code: number = EXIT.ok;
  if (args.replay.length > 0 || args.replaySource !== null) {
    const history = await replayed(args, io, out, clients);
    out.push(problemLines(history.problems));
    const result = replay(guardrail.policy, history.events);
    out.push(replayText(result));
    partial ||= history.problems.some(isPartial);
    if (result.calls.some((c) => c.verdict === 'unevaluated')) code = EXIT.incomplete;
    if (result.calls.some((c) => c.verdict === 'denied')) code = EXIT.failOn;
  }
  io.stdout.write(`${policyText(guardrail.policy)}\n`);
  if (args.summary !== null) await writeFile(args.summary, out.join(''));
  else io.stderr.write(out.join(''));
  if (code === EXIT.ok && partial && !args.allowPartial) return EXIT.incomplete;
  return code;
}

export const guardrailCommand: Command = {
  name: 'guardrail',
  synopsis: GUARDRAIL_SYNOPSIS,
  help: guardrailHelp,
  async run(args, io) {
    const parsed = parse(args, io);
    if (typeof parsed === 'number') return parsed;
    return guardrail(parsed, io);
  },
};
