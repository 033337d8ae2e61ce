/**
 * The checks of `layerwatch verify`: each answers one question about a deployed detector and, when
 * the answer is no, says how to fix it. They read through a DeploymentReader and decide nothing else.
 */
import type { MetricQuery, StackState, TrailState } from '../adapters/deployment-reader.js';
import { isNotFound, isolate, type PartOutcome } from './parts.js';

export interface Check {
  /**
   * `pass`; `fail` (exit 1; a resource that was deleted fails with its fix); `error`: the check could
   * not read its answer (exit 2 unless --allow-partial); `skip`: not run, and why; `info` (reported,
   * not a failure: a part the deployment turned off).
   */
  status: 'pass' | 'fail' | 'error' | 'skip' | 'info';
  name: string;
  detail: string;
  fix?: string;
}

/** A check's outcome in the table every multi-part command shares. */
export function outcomeOf(c: Check): PartOutcome {
  if (c.status === 'error') return { part: c.name, status: 'failed', detail: c.detail };
  if (c.status === 'skip') return { part: c.name, status: 'skipped', detail: c.detail };
  return { part: c.name, status: 'done', detail: c.detail };
}

const READ_FIX =
  'check that your credentials may make the read calls README lists under Watching itself (layerwatch verify) and that the region is enabled, then run verify again';

/**
 * Runs one check alone. A resource that is not there (deleted: ResourceNotFoundException, NotFound,
 * NonExistentQueue...) fails the check with `restore`; any other error makes it a check that could
 * not be read, named with AWS's error and the region. The other checks go on either way.
 */
export async function guarded(
  name: string,
  region: string,
  restore: string,
  run: () => Promise<Check | Check[]>,
): Promise<Check[]> {
  const r = await isolate(name, run, region);
  if (r.ok) return Array.isArray(r.value) ? r.value : [r.value];
  const error = r.outcome.error ?? 'Error';
  if (isNotFound(error))
    return [{ status: 'fail', name, detail: `not found in ${region} (${error}): deleted?`, fix: restore }];
  return [
    { status: 'error', name, detail: `could not be read in ${region}: ${r.outcome.detail}`, fix: READ_FIX },
  ];
}

/** Checks not run because what they depend on failed. */
export function skipped(names: readonly string[], why: string): Check[] {
  return names.map((name) => ({ status: 'skip', name, detail: why }));
}

const REDEPLOY = 'deploy the stack again (npx cdk deploy) to restore it, then run layerwatch verify';

/** What the checks need to read (DeploymentReader implements it; tests may pass fakes). */
export interface DeploymentView {
  stack(name: string, region: string): Promise<StackState | null>;
  rule(name: string, region: string): Promise<{ state: string; targets: number }>;
  topic(arn: string): Promise<{ confirmed: string[]; pending: number; keyId: string | null }>;
  keyState(keyId: string, region: string): Promise<string>;
  trails(region: string): Promise<TrailState[]>;
  queueDepth(url: string, region: string): Promise<number>;
  metric(region: string, query: MetricQuery): Promise<{ time: Date; sum: number }[]>;
}

export interface VerifyTarget {
  stack: string;
  region: string;
  now: Date;
}

const HOUR = 3_600_000;
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function stackCheck(name: string, region: string, stack: StackState | null): Check {
  if (!stack) {
    return {
      status: 'fail',
      name: `stack ${name}`,
      detail: `not found in ${region}`,
      fix: `deploy it (npx cdk deploy), or name the stack and region: layerwatch verify --stack NAME --region REGION`,
    };
  }
  const healthy = /_COMPLETE$/.test(stack.status) && !/ROLLBACK|DELETE/.test(stack.status);
  return healthy
    ? { status: 'pass', name: `stack ${name}`, detail: `${stack.status} in ${region}` }
    : {
        status: 'fail',
        name: `stack ${name}`,
        detail: `${stack.status} in ${region}`,
        fix: 'read the stack events (aws cloudformation describe-stack-events) and deploy again',
      };
}

export async function ruleChecks(view: DeploymentView, stack: StackState, region: string): Promise<Check[]> {
  const names = list(stack.outputs.RuleNames);
  if (names.length === 0) {
    return [
      {
        status: 'fail',
        name: 'rules',
        detail: 'the stack names no rules (output RuleNames)',
        fix: 'deploy the current version of layerwatch',
      },
    ];
  }
  const checks = await Promise.all(
    names.map((name) => guarded(`rule ${name}`, region, REDEPLOY, () => ruleCheck(view, name, region))),
  );
  return checks.flat();
}

async function ruleCheck(view: DeploymentView, name: string, region: string): Promise<Check> {
  const r = await view.rule(name, region);
  if (r.state !== 'ENABLED')
    return {
      status: 'fail',
      name: `rule ${name}`,
      detail: r.state,
      fix: `aws events enable-rule --name ${name} --region ${region}`,
    };
  if (r.targets === 0)
    return {
      status: 'fail',
      name: `rule ${name}`,
      detail: 'enabled, with no target',
      fix: 'deploy the stack again to restore its targets',
    };
  return { status: 'pass', name: `rule ${name}`, detail: `enabled, ${r.targets} target(s)` };
}

export async function topicChecks(view: DeploymentView, stack: StackState): Promise<Check[]> {
  const arns = [
    ...new Set(
      [stack.outputs.AlertTopicArn, stack.outputs.OperationsTopicArn].filter((a): a is string => !!a),
    ),
  ];
  const perTopic = await Promise.all(arns.map((arn) => topicAndKeyChecks(view, arn)));
  return perTopic.flat();
}

async function topicAndKeyChecks(view: DeploymentView, arn: string): Promise<Check[]> {
  const region = arn.split(':')[3] ?? '';
  let keyId: string | null = null;
  const topic = await guarded(`topic ${arn}`, region, REDEPLOY, async () => {
    const t = await view.topic(arn);
    keyId = t.keyId;
    return t.confirmed.length > 0
      ? { status: 'pass', name: `topic ${arn}`, detail: `${t.confirmed.length} confirmed subscription(s)` }
      : {
          status: 'fail',
          name: `topic ${arn}`,
          detail: `no confirmed subscription${t.pending > 0 ? ` (${t.pending} waiting for confirmation)` : ''}: alerts reach nobody`,
          fix: 'confirm the subscription email, or subscribe: aws sns subscribe --topic-arn ARN --protocol email --notification-endpoint ADDRESS',
        };
  });
  if (topic[0]?.status === 'error')
    return [...topic, ...skipped([`key of ${arn}`], 'the topic could not be read, so its key is unknown')];
  if (topic[0]?.status === 'fail' && /not found/.test(topic[0].detail))
    return [...topic, ...skipped([`key of ${arn}`], 'the topic is gone, so its key was not read')];
  const key: string | null = keyId;
  if (!key) return topic;
  const keyCheck = await guarded(
    `key of ${arn}`,
    region,
    `the topic's key ${key} is gone: deploy the stack again with a key that exists (-c alertTopicKeyArn) or none`,
    async (): Promise<Check> => {
      const state = await view.keyState(key, region);
      return state === 'Enabled'
        ? { status: 'pass', name: `key of ${arn}`, detail: 'enabled' }
        : {
            status: 'fail',
            name: `key of ${arn}`,
            detail: `${state}: the topic cannot encrypt, so nothing is published`,
            fix: `aws kms cancel-key-deletion / enable-key --key-id ${key}`,
          };
    },
  );
  return [...topic, ...keyCheck];
}

export const TRAIL_FIX =
  'aws cloudtrail start-logging --name TRAIL, and log management events (read/write or write-only); or deploy with -c createTrail=true';

export async function trailCheck(view: DeploymentView, region: string): Promise<Check> {
  const trails = (await view.trails(region)).filter(
    (t) => t.multiRegion || t.organization || t.homeRegion === region,
  );
  const good = trails.find((t) => t.logging && t.writeManagementEvents);
  if (good)
    return {
      status: 'pass',
      name: `trail in ${region}`,
      detail: `${good.name} logs write management events`,
    };
  const why =
    trails.length === 0
      ? 'no trail covers this region'
      : trails
          .map(
            (t) =>
              `${t.name}: ${t.logging ? 'logging' : 'stopped'}, ${t.writeManagementEvents ? 'writes' : 'no write management events'}`,
          )
          .join('; ');
  return {
    status: 'fail',
    name: `trail in ${region}`,
    detail: `${why}: EventBridge receives no Lambda API calls here`,
    fix: TRAIL_FIX,
  };
}

export async function queueChecks(
  view: DeploymentView,
  outputs: Record<string, string>,
  region: string,
): Promise<Check[]> {
  const queues = Object.entries(outputs).filter(([k]) => /QueueUrl$/.test(k));
  const checks = await Promise.all(
    queues.map(([key, url]) =>
      guarded(`queue ${key}`, region, REDEPLOY, async (): Promise<Check> => {
        const depth = await view.queueDepth(url, region);
        return depth === 0
          ? { status: 'pass', name: `queue ${key}`, detail: 'empty' }
          : {
              status: 'fail',
              name: `queue ${key}`,
              detail: `${depth} message(s): events or alerts that were not delivered`,
              fix: 'read them and re-drive (README: Operations, Re-drive)',
            };
      }),
    ),
  );
  return checks.flat();
}

export async function heartbeatChecks(
  view: DeploymentView,
  stack: StackState,
  region: string,
  now: Date,
): Promise<Check[]> {
  const regions = list(stack.outputs.HeartbeatRegions);
  if (regions.length === 0) {
    return [
      {
        status: 'info',
        name: 'heartbeat',
        detail: 'turned off in this deployment (-c heartbeat=false): blindness is not watched',
      },
    ];
  }
  const checks = await Promise.all(
    regions.map((r) =>
      guarded(`heartbeat ${r}`, region, blindFix(r), () => heartbeatCheck(view, r, region, now)),
    ),
  );
  return checks.flat();
}

async function heartbeatCheck(view: DeploymentView, r: string, region: string, now: Date): Promise<Check> {
  const points = await view.metric(region, {
    namespace: 'LayerWatch',
    name: 'Heartbeat',
    dimensions: { service: 'layerwatch', Region: r },
    start: new Date(now.getTime() - 24 * HOUR),
    end: now,
    periodSeconds: 300,
  });
  const last = points.filter((p) => p.sum > 0).at(-1);
  if (!last)
    return {
      status: 'fail',
      name: `heartbeat ${r}`,
      detail: 'none in the last 24 hours: layerwatch is blind there',
      fix: blindFix(r),
    };
  const age = Math.round((now.getTime() - last.time.getTime()) / 60_000);
  return age <= 120
    ? { status: 'pass', name: `heartbeat ${r}`, detail: `last one ${age} min ago` }
    : {
        status: 'fail',
        name: `heartbeat ${r}`,
        detail: `last one ${age} min ago (expected hourly)`,
        fix: blindFix(r),
      };
}

function blindFix(region: string): string {
  return `check the trail logs management events in ${region}, the rules are enabled, and the forwarder stack there (layerwatch verify --region ${region} --stack LayerWatchForwarder-${region})`;
}

export async function handlerErrorsCheck(
  view: DeploymentView,
  stack: StackState,
  region: string,
  now: Date,
): Promise<Check> {
  const handler = stack.outputs.HandlerName;
  if (!handler)
    return {
      status: 'fail',
      name: 'handler errors',
      detail: 'the stack names no handler (output HandlerName)',
    };
  const points = await view.metric(region, {
    namespace: 'AWS/Lambda',
    name: 'Errors',
    dimensions: { FunctionName: handler },
    start: new Date(now.getTime() - 24 * HOUR),
    end: now,
    periodSeconds: 3600,
  });
  const errors = points.reduce((n, p) => n + p.sum, 0);
  return errors === 0
    ? { status: 'pass', name: 'handler errors', detail: 'none in the last 24 hours' }
    : {
        status: 'fail',
        name: 'handler errors',
        detail: `${errors} in the last 24 hours`,
        fix: `read the handler's log: aws logs tail /aws/lambda/${handler} --since 24h --filter-pattern ERROR`,
      };
}
