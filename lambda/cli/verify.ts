/**
 * `layerwatch verify`: proves, on demand, that a deployed detector can see and be heard. A checklist,
 * each line passed, failed with its fix, could not be read (AWS's error and the region), or skipped
 * and why; every check runs whatever the others answered. Exit 0 when all pass, 1 when a check
 * fails, 2 when a check could not be read (unless --allow-partial) or the arguments are wrong.
 */
import type { StackState } from '../adapters/deployment-reader.js';
import type { AlertMessage } from '../domain/render/alert.js';
import { renderAlert } from '../domain/render/alert.js';
import { testFinding } from '../domain/test-alert.js';
import { EXIT } from './command.js';
import { parseStackOptions } from './option-values.js';
import { exitFor, isNotFound, isolate } from './parts.js';
import {
  type Check,
  type DeploymentView,
  guarded,
  handlerErrorsCheck,
  heartbeatChecks,
  outcomeOf,
  queueChecks,
  ruleChecks,
  skipped,
  stackCheck,
  TRAIL_FIX,
  topicChecks,
  trailCheck,
} from './verify-checks.js';

export interface VerifyArgs {
  stack: string;
  region: string;
  sendTestAlert: boolean;
  allowPartial: boolean;
}

export interface VerifyDeps {
  view: DeploymentView;
  /** Publishes the test alert to a topic (SNS Publish with the caller's credentials). */
  publish(topicArn: string, alert: AlertMessage): Promise<string>;
  now: () => Date;
  out: (line: string) => void;
  /** Where usage errors go. @default out */
  err?: (line: string) => void;
}

export const VERIFY_USAGE = `usage: layerwatch verify [--stack NAME] [--region REGION] [--send-test-alert] [--allow-partial]

Checks a deployed detector with your AWS credentials (read-only, except --send-test-alert):
the stack, its rules and targets, confirmed topic subscriptions, the topic keys, a trail logging
write management events in every covered region, empty dead-letter and failure queues, the last
heartbeat of each region, the handler's recent errors, and in multi-region mode each forwarder.
Each check runs alone: a resource that was deleted fails its check with the fix; a check that
cannot read its answer says AWS's error and the region (ERROR); the others still run.
  --stack NAME        the detector stack (default LayerWatch)
  --region REGION     its region (default: AWS_REGION, or the profile's)
  --send-test-alert   publish a test finding, marked [TEST], to the alert topic
  --allow-partial     exit 0 (not 2) when a check could not be read; it is still reported
Exit: 0 all pass, 1 a check failed (this wins over 2), 2 a check could not be read or a usage error.`;

export function parseVerifyArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): VerifyArgs {
  let sendTestAlert = false;
  const options = parseStackOptions(argv, env, (a) => {
    if (a !== '--send-test-alert') return false;
    sendTestAlert = true;
    return true;
  });
  return { ...options, sendTestAlert };
}

/** The checks that need the stack's outputs, named for the lines that say they were skipped. */
const NEEDS_STACK = ['rules', 'topics', 'trails', 'queues', 'heartbeat', 'handler errors', 'forwarders'];

/** Reads a stack; a failed read is the stack check's outcome (error), and null. */
async function readStack(
  view: DeploymentView,
  name: string,
  region: string,
): Promise<{ check: Check[]; stack: StackState | null }> {
  let stack: StackState | null = null;
  const check = await guarded(`stack ${name}`, region, 'deploy it (npx cdk deploy)', async () => {
    stack = await view.stack(name, region);
    return stackCheck(name, region, stack);
  });
  return { check, stack };
}

/**
 * Every check of the detector stack (and forwarders). Each runs alone: one that cannot read its
 * answer is reported (`error`, with AWS's error and the region) and the others still run; a
 * resource that is gone fails its check with the fix.
 */
export async function verifyDeployment(
  view: DeploymentView,
  args: VerifyArgs,
  now: Date,
): Promise<{ checks: Check[]; stack: StackState | null }> {
  const { check, stack } = await readStack(view, args.stack, args.region);
  if (!stack) {
    const why = check[0]?.status === 'error' ? 'the stack could not be read' : 'the stack was not found';
    return { checks: [...check, ...skipped(NEEDS_STACK, `${why}, so its outputs are unknown`)], stack };
  }
  const s: StackState = stack;
  const covered = (s.outputs.CoveredRegions ?? args.region).split(',').filter(Boolean);
  const redeploy = 'deploy the stack again (npx cdk deploy)';
  const groups = await Promise.all([
    ruleChecks(view, s, args.region),
    topicChecks(view, s),
    Promise.all(covered.map((r) => guarded(`trail in ${r}`, r, TRAIL_FIX, () => trailCheck(view, r)))),
    queueChecks(view, s.outputs, args.region),
    heartbeatChecks(view, s, args.region, now),
    guarded('handler errors', args.region, redeploy, () => handlerErrorsCheck(view, s, args.region, now)),
    forwarderChecks(view, s, args.region),
  ]);
  return { checks: [...check, ...groups.flat(2)], stack };
}

async function forwarderChecks(view: DeploymentView, stack: StackState, home: string): Promise<Check[]> {
  const regions = (stack.outputs.ForwarderRegions ?? '').split(',').filter((r) => r && r !== home);
  const perRegion = await Promise.all(
    regions.map(async (r) => {
      const name = `LayerWatchForwarder-${r}`;
      const { check, stack: fwd } = await readStack(view, name, r);
      if (!fwd) return check;
      return [...check, ...(await ruleChecks(view, fwd, r)), ...(await queueChecks(view, fwd.outputs, r))];
    }),
  );
  return perRegion.flat();
}

const MARKS: Record<Check['status'], string> = {
  pass: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  skip: 'SKIP',
  info: 'INFO',
};

export function formatCheck(c: Check): string {
  return `${MARKS[c.status].padEnd(4)}  ${c.name}: ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`;
}

/** The summary: every kind of outcome counted. */
export function summaryOf(checks: readonly Check[]): string {
  const n = (status: Check['status']) => checks.filter((c) => c.status === status).length;
  const [failed, unread, skips] = [n('fail'), n('error'), n('skip')];
  if (failed + unread + skips === 0) return `layerwatch verify: all ${checks.length} checks passed`;
  return `layerwatch verify: ${checks.length} checks: ${n('pass')} passed, ${failed} failed, ${unread} could not be read, ${skips} skipped, ${n('info')} info`;
}

export async function runVerify(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  deps: VerifyDeps,
): Promise<number> {
  let args: VerifyArgs;
  try {
    args = parseVerifyArgs(argv, env);
  } catch (error) {
    (deps.err ?? deps.out)(`layerwatch verify: ${(error as Error).message}\n${VERIFY_USAGE}`);
    return EXIT.incomplete;
  }
  const now = deps.now();
  const { checks, stack } = await verifyDeployment(deps.view, args, now);
  if (args.sendTestAlert) checks.push(await sendTestAlert(deps, args, stack, now));
  for (const c of checks) deps.out(formatCheck(c));
  deps.out(summaryOf(checks));
  const outcomes = checks.map(outcomeOf);
  return exitFor({
    failOnReached: checks.some((c) => c.status === 'fail'),
    incomplete: outcomes.some((o) => o.status !== 'done'),
    allowPartial: args.allowPartial,
  });
}

/** The test alert is one more part: sent, or failed with AWS's error, or skipped without a topic. */
async function sendTestAlert(
  deps: VerifyDeps,
  args: VerifyArgs,
  stack: StackState | null,
  now: Date,
): Promise<Check> {
  const topic = stack?.outputs.AlertTopicArn;
  const name = 'test alert';
  if (!topic) return { status: 'skip', name, detail: 'no alert topic is known (stack missing or unread)' };
  const [, partition, , , account] = topic.split(':');
  const alert = renderAlert(testFinding(account ?? '', args.region, partition ?? 'aws', now));
  const sent = await isolate(name, () => deps.publish(topic, alert), args.region);
  if (!sent.ok)
    return {
      status: isNotFound(sent.outcome.error ?? '') ? 'fail' : 'error',
      name,
      detail: `not sent to ${topic}: ${sent.outcome.detail}`,
      fix: "grant sns:Publish on the topic (and the key's kms:GenerateDataKey*), or deploy the stack again if the topic is gone",
    };
  return {
    status: 'pass',
    name,
    detail: `sent to ${topic} (message ${sent.value}): it should arrive by email and in Slack within a minute`,
  };
}
