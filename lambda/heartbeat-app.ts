/**
 * The heartbeat (scheduled hourly): touches the canary function of every covered region. A region
 * that cannot be touched is logged and fails the run (its Lambda error metric); its heartbeat alarm
 * fires anyway when no heartbeat reaches the detector, which is what matters: whether the detector sees.
 */
import type { Logger } from '@aws-lambda-powertools/logger';

export interface HeartbeatDeps {
  toucher: { touch(canaryArn: string, region: string, now: Date): Promise<void> };
  /** The canary function of each covered region. */
  canaries: readonly { region: string; arn: string }[];
  logger: Logger;
  now?: () => Date;
}

export function createHeartbeat(deps: HeartbeatDeps): () => Promise<{ touched: string[] }> {
  return async () => {
    const now = deps.now?.() ?? new Date();
    const results = await Promise.allSettled(
      deps.canaries.map((c) => deps.toucher.touch(c.arn, c.region, now)),
    );
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ region: deps.canaries[i]?.region, error: r.reason }] : [],
    );
    for (const f of failed) {
      deps.logger.error('Heartbeat not sent', { region: f.region, error: (f.error as Error).message });
    }
    const touched = deps.canaries.map((c) => c.region).filter((r) => !failed.some((f) => f.region === r));
    deps.logger.info('Heartbeat sent', { regions: touched });
    if (failed.length > 0) {
      throw new AggregateError(
        failed.map((f) => f.error as Error),
        `layerwatch heartbeat: ${failed.length} region(s) could not be touched: ${failed.map((f) => f.region).join(', ')}`,
      );
    }
    return { touched };
  };
}

/** The canaries from HEARTBEAT_CANARIES (`region=arn,...`), read once at cold start. */
export function readCanaries(value: string | undefined): { region: string; arn: string }[] {
  const canaries = (value ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((entry) => {
      const [region, arn] = entry.split('=');
      if (!region || !arn?.startsWith('arn:'))
        throw new Error(`layerwatch heartbeat: HEARTBEAT_CANARIES entry "${entry}" is not region=arn`);
      return { region, arn };
    });
  if (canaries.length === 0) throw new Error('layerwatch heartbeat: HEARTBEAT_CANARIES is empty');
  return canaries;
}
