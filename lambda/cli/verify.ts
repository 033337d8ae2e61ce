/**
 * `layerwatch verify`: proves, on demand, that a deployed detector can see and be heard. A checklist,
 * each line passed or failed with its fix. Exit 0 when all pass, 1 when a check fails, 2 when the
 * checks cannot run (no credentials, AWS unreachable, bad arguments).
 */
import { DeploymentReadError, type StackState } from '../adapters/deployment-reader.js';
import type { AlertMessage } from '../domain/render/alert.js';
import { renderAlert } from '../domain/render/alert.js';
import { testFinding } from '../domain/test-alert.js';
import {
  type Check,
  type DeploymentView,
  handlerErrorsCheck,
  heartbeatChecks,
  queueChecks,
  ruleChecks,
  stackCheck,
  topicChecks,
  trailCheck,
} from './verify-checks.js';

export interface VerifyArgs {
  stack: string;
  region: string;
  sendTestAlert: boolean;
}

export interface VerifyDeps {
  view: DeploymentView;
  /** Publishes the test alert to a topic (SNS Publish with the caller's credentials). */
  publish(topicArn: string, alert: AlertMessage): Promise<string>;
  now: () => Date;
  out: (line: string) => void;
  /** Where usage errors and the reason the checks cannot run go. @default out */
  err?: (line: string) => void;
}

export const VERIFY_USAGE = `usage: layerwatch verify [--stack NAME] [--region REGION] [--send-test-alert]

Checks a deployed detector with your AWS credentials (read-only, except --send-test-alert):
the stack, its rules and targets, confirmed topic subscriptions, the topic keys, a trail logging
write management events in every covered region, empty dead-letter and failure queues, the last
heartbeat of each region, the handler's recent errors, and in multi-region mode each forwarder.
  --stack NAME        the detector stack (default LayerWatch)
  --region REGION     its region (default: AWS_REGION, or the profile's)
  --send-test-alert   publish a test finding, marked [TEST], to the alert topic
Exit: 0 all pass, 1 a check failed, 2 the checks could not run.`;

export function parseVerifyArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): VerifyArgs {
  const args: VerifyArgs = {
    stack: 'LayerWatch',
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '',
    sendTestAlert: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      i += 1;
      return v;
    };
    if (a === '--stack') args.stack = value();
    else if (a === '--region') args.region = value();
    else if (a === '--send-test-alert') args.sendTestAlert = true;
    else throw new UsageError(`unknown argument ${a}`);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(args.region))
    throw new UsageError('name the region: --region REGION (or set AWS_REGION)');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(args.stack))
    throw new UsageError(`"${args.stack}" is not a stack name`);
  return args;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Every check of the detector stack (and forwarders); a check that cannot read fails the run with 2. */
export async function verifyDeployment(
  view: DeploymentView,
  args: VerifyArgs,
  now: Date,
): Promise<{ checks: Check[]; stack: StackState | null }> {
  const stack = await view.stack(args.stack, args.region);
  const checks = [stackCheck(args.stack, args.region, stack)];
  if (!stack) return { checks, stack };
  const covered = (stack.outputs.CoveredRegions ?? args.region).split(',').filter(Boolean);
  const groups = await Promise.all([
    ruleChecks(view, stack, args.region),
    topicChecks(view, stack),
    Promise.all(covered.map((r) => trailCheck(view, r))),
    queueChecks(view, stack.outputs, args.region),
    heartbeatChecks(view, stack, args.region, now),
    handlerErrorsCheck(view, stack, args.region, now).then((c) => [c]),
    forwarderChecks(view, stack, args.region),
  ]);
  return { checks: [...checks, ...groups.flat()], stack };
}

async function forwarderChecks(view: DeploymentView, stack: StackState, home: string): Promise<Check[]> {
  const regions = (stack.outputs.ForwarderRegions ?? '').split(',').filter((r) => r && r !== home);
  const perRegion = await Promise.all(
    regions.map(async (r) => {
      const name = `LayerWatchForwarder-${r}`;
      const fwd = await view.stack(name, r);
      const checks = [stackCheck(name, r, fwd)];
      if (fwd) checks.push(...(await ruleChecks(view, fwd, r)), ...(await queueChecks(view, fwd.outputs, r)));
      return checks;
    }),
  );
  return perRegion.flat();
}

export function formatCheck(c: Check): string {
  const mark = c.status === 'pass' ? 'PASS' : c.status === 'fail' ? 'FAIL' : 'INFO';
  return `${mark}  ${c.name}: ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`;
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
    return 2;
  }
  try {
    const now = deps.now();
    const { checks, stack } = await verifyDeployment(deps.view, args, now);
    for (const c of checks) deps.out(formatCheck(c));
    const failed = checks.filter((c) => c.status === 'fail').length;
    if (args.sendTestAlert && stack?.outputs.AlertTopicArn) {
      const topic = stack.outputs.AlertTopicArn;
      const [, partition, , , account] = topic.split(':');
      const id = await deps.publish(
        topic,
        renderAlert(testFinding(account ?? '', args.region, partition ?? 'aws', now)),
      );
      deps.out(
        `SENT  test alert to ${topic} (message ${id}): it should arrive by email and in Slack within a minute`,
      );
    }
    deps.out(
      failed === 0
        ? `layerwatch verify: all ${checks.length} checks passed`
        : `layerwatch verify: ${failed} of ${checks.length} checks failed`,
    );
    return failed === 0 ? 0 : 1;
  } catch (error) {
    const why =
      error instanceof DeploymentReadError
        ? error.message
        : `${(error as Error).name}: ${(error as Error).message}`;
    (deps.err ?? deps.out)(`layerwatch verify: cannot run the checks: ${why}`);
    return 2;
  }
}
