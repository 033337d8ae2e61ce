/**
 * `layerwatch exposure`: did a finding's layer run? Per qualifier that runs it, Lambda's
 * invocations, errors and duration since the attach, and the execution role its code could use.
 * Read-only (the revert plan prints the same part).
 */

import { messageOf } from '../adapters/errors.js';
import { runningOf } from '../domain/revert/plan.js';
import { type RevertRequest, requestOfFunction } from '../domain/revert/request.js';
import { type Command, EXIT, UsageError } from './command.js';
import { liveDeps } from './command-revert.js';
import { exposureReport } from './exposure-report.js';
import { timeOption } from './option-values.js';
import { mergeRequests, readRequests } from './revert-input.js';
import type { RevertDeps } from './revert-run.js';
import { terminalText } from './terminal-text.js';

export const EXPOSURE_USAGE = `usage: layerwatch exposure FINDING... | --function ARN --layer LAYER_VERSION_ARN... [--since TIME]

Did the layer's code run? For each qualifier that runs the finding's layers ($LATEST, each alias
with the version it routes to, each version called by its number): Lambda's invocations, errors and
duration since the attach (CloudWatch, namespace AWS/Lambda, by Resource and ExecutedVersion), and
the execution role the code could use. Read-only, with your AWS credentials.
  FINDING         a finding as JSON (a file, JSON Lines or a JSON array, - for stdin)
  --function ARN  a function instead, with --layer (repeatable) and --since (default: the last 14 days)
Exit: 0 the code did not run since the attach, 1 it ran somewhere, 2 a usage error or a read that
failed (whether it ran is then unknown).`;

interface ExposureArgs {
  findings: string[];
  functionArn: string | null;
  layers: string[];
  since: string | null;
}

export function parseExposureArgs(argv: readonly string[]): ExposureArgs {
  const args: ExposureArgs = { findings: [], functionArn: null, layers: [], since: null };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (a === '--function' || a === '--layer' || a === '--since') {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      i += 1;
      if (a === '--function') args.functionArn = v;
      else if (a === '--layer') args.layers.push(v);
      else args.since = new Date(timeOption('since', v) as number).toISOString();
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else args.findings.push(a);
  }
  if (args.findings.length > 0 === (args.functionArn !== null))
    throw new UsageError('give FINDING... or --function ARN');
  return args;
}

async function requestsOf(args: ExposureArgs, deps: RevertDeps): Promise<RevertRequest[] | string[]> {
  if (args.functionArn !== null) {
    const r = requestOfFunction(args.functionArn, args.layers, args.since);
    if (typeof r === 'string') return [r];
    return [r];
  }
  const read = await readRequests(args.findings, deps.io);
  for (const p of read.skipped) deps.err(`layerwatch exposure: skipped: ${p}`);
  return read.problems.length > 0 ? read.problems : mergeRequests(read.requests);
}

export async function runExposure(args: ExposureArgs, deps: RevertDeps): Promise<number> {
  const requests = await requestsOf(args, deps);
  if (requests.some((r) => typeof r === 'string')) {
    for (const p of requests) deps.err(`layerwatch exposure: ${p}`);
    return EXIT.incomplete;
  }
  let ran = false;
  let failed = false;
  for (const request of requests as RevertRequest[]) {
    let snapshot: Awaited<ReturnType<RevertDeps['port']['snapshot']>>;
    try {
      snapshot = await deps.port.snapshot(request.functionArn);
    } catch (error) {
      deps.err(`layerwatch exposure: ${messageOf(error)}`);
      failed = true;
      continue;
    }
    const running = runningOf(snapshot, request.subjects);
    deps.out(`function ${snapshot.arn}${request.findingId ? ` (finding ${request.findingId})` : ''}`);
    deps.out(`  layers: ${request.subjects.join(', ')}`);
    if (!deps.exposure) continue;
    const report = await exposureReport({ snapshot, running, request }, deps.exposure, deps.now());
    for (const line of report.lines) deps.out(line);
    ran ||= report.exposures.some((e) => e.invocations > 0);
    failed ||= report.failed;
  }
  if (ran) return EXIT.failOn;
  return failed ? EXIT.incomplete : EXIT.ok;
}

export const exposureCommand: Command = {
  name: 'exposure',
  synopsis: 'layerwatch exposure FINDING... | --function ARN --layer ARN... [--since TIME]',
  help: () => `${EXPOSURE_USAGE}\n`,
  async run(argv, io) {
    if (argv.includes('-h') || argv.includes('--help')) {
      io.stdout.write(`${EXPOSURE_USAGE}\n`);
      return EXIT.ok;
    }
    let args: ExposureArgs;
    try {
      args = parseExposureArgs(argv);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`${terminalText(`layerwatch exposure: ${error.message}`)}\n\n${EXPOSURE_USAGE}\n`);
      return EXIT.incomplete;
    }
    return runExposure(args, await liveDeps(io));
  },
};
