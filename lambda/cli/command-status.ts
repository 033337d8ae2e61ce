/** `layerwatch status`: the operations dashboard's answers in the terminal (see status.ts). */

import { CLI_CALLS } from '../adapters/client-options.js';
import { DeploymentReader, regionalClients } from '../adapters/deployment-reader.js';
import { OperationsReader } from '../adapters/operations-reader.js';
import { type Command, EXIT } from './command.js';
import { exitFor, isNotFound, isolate, type PartOutcome, partsLine } from './parts.js';
import {
  alarmLines,
  findingsLine,
  handlerLine,
  parseStatusArgs,
  queueParts,
  STATUS_USAGE,
  type StatusArgs,
  type StatusContext,
  type StatusLine,
  type StatusView,
  seeingLines,
  sweepLine,
} from './status.js';
import { terminalText } from './terminal-text.js';

export interface StatusDeps {
  view: StatusView;
  now: () => Date;
  out: (line: string) => void;
  err?: (line: string) => void;
}

const PROBLEMS: readonly StatusLine['mark'][] = ['BLIND', 'WAITING', 'ALARM'];

/** One part, read alone: what it throws becomes its ERROR line and its failed outcome. */
async function part(
  name: string,
  region: string,
  run: () => Promise<StatusLine | StatusLine[]>,
  outcomes: PartOutcome[],
): Promise<StatusLine[]> {
  const r = await isolate(name, run, region);
  if (r.ok) {
    outcomes.push({ part: name, status: 'done', detail: '' });
    return Array.isArray(r.value) ? r.value : [r.value];
  }
  outcomes.push(r.outcome);
  return [{ mark: 'ERROR', part: name, detail: `could not be read in ${region}: ${r.outcome.detail}` }];
}

function skip(name: string, why: string, outcomes: PartOutcome[]): StatusLine {
  outcomes.push({ part: name, status: 'skipped', detail: why });
  return { mark: 'SKIP', part: name, detail: why };
}

/** The stack and its alarms first (every other part needs them), then every part at once. */
async function statusLines(
  view: StatusView,
  args: StatusArgs,
  now: Date,
  outcomes: PartOutcome[],
): Promise<{ seeing: StatusLine[]; telling: StatusLine[] }> {
  const { region } = args;
  const read = await isolate(`stack ${args.stack}`, () => view.stack(args.stack, region), region);
  if (!read.ok || !read.value) {
    const missing = read.ok || isNotFound(read.outcome.error ?? '');
    outcomes.push(
      missing ? { part: `stack ${args.stack}`, status: 'done', detail: 'not found' } : read.outcome,
    );
    const line: StatusLine = missing
      ? { mark: 'BLIND', part: `stack ${args.stack}`, detail: `not found in ${region}: nothing is watching` }
      : {
          mark: 'ERROR',
          part: `stack ${args.stack}`,
          detail: `could not be read in ${region}: ${read.ok ? '' : read.outcome.detail}`,
        };
    return { seeing: [line], telling: [skip('the rest', 'the stack is unknown', outcomes)] };
  }
  outcomes.push({ part: `stack ${args.stack}`, status: 'done', detail: '' });
  const alarms = await isolate('alarms', () => view.alarms(`${args.stack}-`, region), region);
  const window = { start: new Date(now.getTime() - args.hours * 3_600_000), end: now, periodSeconds: 3600 };
  const c: StatusContext = {
    view,
    args,
    stack: read.value,
    alarms: alarms.ok ? alarms.value : [],
    window,
    now,
  };
  outcomes.push(alarms.ok ? { part: 'alarms', status: 'done', detail: '' } : alarms.outcome);
  const groups = await Promise.all([
    alarms.ok
      ? part('heartbeat', region, () => seeingLines(c), outcomes)
      : [skip('heartbeat', `the alarms could not be read (${alarms.outcome.detail})`, outcomes)],
    part('sweep', region, () => sweepLine(c), outcomes),
    part('findings', region, () => findingsLine(c), outcomes),
    ...queueParts(c).map((q) => part(q.part, region, q.run, outcomes)),
    part('handler', region, () => handlerLine(c), outcomes),
  ]);
  const [heartbeat = [], sweep = [], ...rest] = groups;
  const alarmStates = alarms.ok
    ? alarmLines(alarms.value)
    : [
        {
          mark: 'ERROR',
          part: 'alarms',
          detail: `could not be read in ${region}: ${alarms.outcome.detail}`,
        } as const,
      ];
  return { seeing: [...heartbeat, ...sweep], telling: [...rest.flat(), ...alarmStates] };
}

export async function runStatus(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  deps: StatusDeps,
): Promise<number> {
  let args: StatusArgs;
  try {
    args = parseStatusArgs(argv, env);
  } catch (error) {
    (deps.err ?? deps.out)(`layerwatch status: ${(error as Error).message}\n${STATUS_USAGE}`);
    return EXIT.incomplete;
  }
  const outcomes: PartOutcome[] = [];
  const { seeing, telling } = await statusLines(deps.view, args, deps.now(), outcomes);
  const show = (l: StatusLine) => deps.out(`  ${l.mark.padEnd(7)} ${l.part}: ${l.detail}`);
  deps.out(`layerwatch status: stack ${args.stack} in ${args.region}, the last ${args.hours} h`);
  deps.out('Is it seeing?');
  seeing.forEach(show);
  deps.out('Is it telling?');
  telling.forEach(show);
  const all = [...seeing, ...telling];
  const count = (mark: StatusLine['mark']) => all.filter((l) => l.mark === mark).length;
  deps.out(
    `layerwatch status: ${count('BLIND')} blind, ${count('WAITING')} queue(s) holding messages, ${count('ALARM')} other alarm(s) firing; ${partsLine('parts', outcomes)}`,
  );
  return exitFor({
    failOnReached: all.some((l) => PROBLEMS.includes(l.mark)),
    incomplete: outcomes.some((o) => o.status !== 'done'),
    allowPartial: args.allowPartial,
  });
}

export const statusCommand: Command = {
  name: 'status',
  synopsis: 'layerwatch status [--stack NAME] [--region REGION] [--hours N]',
  help: () => `${STATUS_USAGE}\n`,
  run: (args, io) => {
    if (args.includes('-h') || args.includes('--help')) {
      io.stdout.write(`${STATUS_USAGE}\n`);
      return Promise.resolve(0);
    }
    const clients = regionalClients({}, CLI_CALLS);
    const deployment = new DeploymentReader(clients);
    const operations = new OperationsReader(clients);
    return runStatus(args, process.env, {
      view: {
        stack: (name, region) => deployment.stack(name, region),
        queueDepth: (url, region) => deployment.queueDepth(url, region),
        alarms: (prefix, region) => operations.alarms(prefix, region),
        metrics: (namespace, name, region) => operations.metrics(namespace, name, region),
        series: (region, queries, window) => operations.series(region, queries, window),
      },
      now: () => new Date(),
      // Names and reasons from AWS (alarms, stacks, dimensions) are escaped.
      out: (line) => io.stdout.write(`${terminalText(line)}\n`),
      err: (line) => io.stderr.write(`${line.split('\n').map(terminalText).join('\n')}\n`),
    });
  },
};
