/**
 * Delivery of one finding to every sink. The first sink is the alert topic (its id is the result's
 * `messageId`); the others (Security Hub, EventBridge...) come after it in the list.
 *
 * Each sink is isolated: all are tried, concurrently, and a failing one never keeps the others from
 * delivering. When any failed, the invocation fails after all have settled, so that Lambda retries
 * it, and before the baseline is recorded, so that the retry sees the same change and finds the
 * same finding. Each delivery runs under its own idempotency key (event + sink): on that retry the
 * sinks that delivered answer their stored id and send nothing, and only the failed ones deliver
 * again. An alert therefore goes out once, a secondary sink cannot block or repeat it, and no sink
 * loses the finding. The one repeat left: a sink that delivered but whose record could not be
 * written delivers again on the retry (at least once, never lost).
 */
import type { FindingSink, Once, Stored } from '../adapters/ports.js';
import type { Finding } from '../domain/finding.js';
import type { Telemetry } from './telemetry.js';

/** Runs one sink's delivery at most once (the handler: per event and sink; the sweep: directly). */
export type DeliveryGuard = <T extends Stored>(sink: string, work: () => Promise<T>) => Promise<Once<T>>;

/** No idempotency: the delivery runs every time (the sweep, whose events never repeat). */
export const unguarded: DeliveryGuard = async (_sink, work) => ({ result: await work(), replayed: false });

export interface Delivery {
  sink: string;
  /** The sink's id for the finding (SNS message id). */
  id: string;
  /** Delivered by an earlier attempt; nothing was sent now. */
  replayed: boolean;
}

export interface Settled {
  /** In the order of the sinks; the first sink's delivery (if it succeeded) comes first. */
  deliveries: Delivery[];
  failures: unknown[];
}

export class SinkDeliveryError extends AggregateError {
  override name = 'SinkDeliveryError';
}

/**
 * Delivers to every sink and waits for all; a failure is logged and counted, never thrown here, so
 * that the caller accounts for what went out before it fails the invocation (`throwIfFailed`).
 * Throws when no sink is configured: a finding must go somewhere.
 */
export async function deliverToSinks(
  finding: Finding,
  sinks: readonly FindingSink[],
  guard: DeliveryGuard,
  t: Telemetry,
): Promise<Settled> {
  if (sinks.length === 0) throw new Error('no finding sink is configured');
  const settled = await Promise.allSettled(
    sinks.map(async (sink): Promise<Delivery> => {
      const { result, replayed } = await guard(sink.name, () => sink.deliver(finding));
      return { sink: sink.name, id: result, replayed };
    }),
  );
  const failures: unknown[] = [];
  const deliveries: Delivery[] = [];
  for (const [i, s] of settled.entries()) {
    if (s.status === 'fulfilled') {
      deliveries.push(s.value);
      continue;
    }
    const sink = (sinks[i] as FindingSink).name;
    failures.push(s.reason);
    t.logger.error('Finding not delivered', {
      sink,
      findingId: finding.findingId,
      error: s.reason instanceof Error ? `${s.reason.name}: ${s.reason.message}` : String(s.reason),
    });
    t.count('DeliveryFailures', { sink });
  }
  return { deliveries, failures };
}

/** Fails the invocation if a sink failed: with that sink's own error, or all of them when several did. */
export function throwIfFailed({ failures }: Settled, findingId: string): void {
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1)
    throw new SinkDeliveryError(failures, `finding ${findingId}: ${failures.length} sinks failed`);
}
