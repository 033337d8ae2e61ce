/**
 * Puts findings on an EventBridge bus (the account's default bus unless told otherwise) as events
 * with source `layerwatch` and detail-type `Lambda Layer Finding`, the finding JSON as detail, so
 * that rules route them anywhere (SIEM, ticketing, Step Functions, other accounts). PutEvents takes
 * 10 entries and 256 KB a request; a finding too large for one entry is cut (strings, lists) and
 * marked `truncated`. Entries EventBridge reports as failed are retried alone; what still fails is
 * thrown as an `EventBridgePutError` naming each finding, so that the caller retries or dead-letters.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { Finding } from '../domain/finding.js';
import { shrink } from '../domain/render/shrink.js';
import type { DeclaredCall } from './calls.js';
import { errorMessage, errorName } from './errors.js';

export const EVENT_SOURCE = 'layerwatch';
export const DETAIL_TYPE = 'Lambda Layer Finding';
export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

export interface FailedEntry {
  findingId: string;
  code: string;
  message: string;
}

export class EventBridgePutError extends Error {
  override name = 'EventBridgePutError';
  constructor(
    message: string,
    readonly failed: FailedEntry[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface EventBridgeSinkOptions {
  /** @default 'default' */
  eventBusName?: string;
  /** Attempts for entries EventBridge reports as failed (first try included). @default 3 */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  /** @default 500 */
  backoffMs?: number;
}

/** An entry's size as EventBridge counts it: time (14), source, detail-type, detail, resources. */
export function entrySize(e: PutEventsRequestEntry): number {
  const bytes = (s: string | undefined) => (s ? Buffer.byteLength(s, 'utf8') : 0);
  return (
    (e.Time ? 14 : 0) +
    bytes(e.Source) +
    bytes(e.DetailType) +
    bytes(e.Detail) +
    (e.Resources ?? []).reduce((n, r) => n + bytes(r), 0)
  );
}

/** The finding's detail, cut (and marked) until the entry fits alone in a request. */
function detailOf(finding: Finding, room: number): string {
  const whole = JSON.stringify(finding);
  if (Buffer.byteLength(whole, 'utf8') <= room) return whole;
  for (const [chars, items] of [
    [2000, 50],
    [500, 20],
    [200, 10],
  ] as const) {
    const cut = JSON.stringify({ ...shrink(finding, chars, items).value, truncated: true });
    if (Buffer.byteLength(cut, 'utf8') <= room) return cut;
  }
  throw new EventBridgePutError(`finding ${finding.findingId} does not fit in an EventBridge event`, [
    { findingId: finding.findingId, code: 'TooLarge', message: 'over 256 KB even when cut' },
  ]);
}

export function entryOf(finding: Finding, eventBusName: string): PutEventsRequestEntry {
  // The function, the layer, and the layerwatch resource a tampering call touched (when its ARN is known).
  const resources = [
    finding.function?.arn,
    finding.layer?.versionArn ?? finding.layer?.layerArn,
    finding.target?.arn,
  ].filter((r): r is string => typeof r === 'string');
  const time = Date.parse(finding.event.time);
  const entry: PutEventsRequestEntry = {
    EventBusName: eventBusName,
    Source: EVENT_SOURCE,
    DetailType: DETAIL_TYPE,
    Resources: resources,
    ...(Number.isNaN(time) ? {} : { Time: new Date(time) }),
  };
  entry.Detail = detailOf(finding, MAX_REQUEST_BYTES - entrySize(entry));
  return entry;
}

/** Groups entries into requests of at most 10 entries and 256 KB. */
export function requestsOf<T extends { entry: PutEventsRequestEntry }>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entrySize(item.entry);
    if (current.length > 0 && (current.length === MAX_ENTRIES || bytes + size > MAX_REQUEST_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

interface Item {
  findingId: string;
  entry: PutEventsRequestEntry;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class EventBridgeFindingSink {
  /** What this adapter sends (see calls.ts). The resource is the event bus. */
  static readonly calls: readonly DeclaredCall[] = [{ action: 'events:PutEvents', resource: 'event-bus' }];

  private readonly bus: string;
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly backoffMs: number;

  constructor(
    private readonly client: EventBridgeClient,
    options: EventBridgeSinkOptions = {},
  ) {
    this.bus = options.eventBusName ?? 'default';
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.sleep = options.sleep ?? defaultSleep;
    this.backoffMs = options.backoffMs ?? 500;
  }

  /** Puts one event per finding or throws; returns how many were put. */
  async put(findings: readonly Finding[]): Promise<{ sent: number }> {
    const items = findings.map((f) => ({ findingId: f.findingId, entry: entryOf(f, this.bus) }));
    const failed: FailedEntry[] = [];
    let cause: unknown;
    for (const request of requestsOf(items)) {
      try {
        failed.push(...(await this.putRequest(request)));
      } catch (error) {
        cause ??= error;
        const message = `${errorName(error)}: ${errorMessage(error)}`;
        failed.push(...request.map((i) => ({ findingId: i.findingId, code: errorName(error), message })));
      }
    }
    if (failed.length > 0)
      throw new EventBridgePutError(
        `${failed.length} of ${findings.length} finding(s) not put on event bus ${this.bus} (${failed
          .slice(0, 3)
          .map((f) => `${f.findingId}: ${f.code} ${f.message}`)
          .join('; ')})`,
        failed,
        { cause },
      );
    return { sent: findings.length };
  }

  private async putRequest(request: Item[]): Promise<FailedEntry[]> {
    let pending = request;
    let failed: FailedEntry[] = [];
    for (let attempt = 1; attempt <= this.attempts && pending.length > 0; attempt += 1) {
      if (attempt > 1) await this.sleep(this.backoffMs * 2 ** (attempt - 2));
      const out = await this.client.send(new PutEventsCommand({ Entries: pending.map((i) => i.entry) }));
      if (!out.FailedEntryCount) return [];
      const results = out.Entries ?? [];
      // Results are in request order; a result with an ErrorCode (or none at all) is a failure.
      const named = pending.filter((_, i) => !results[i]?.EventId || results[i]?.ErrorCode);
      // Failures EventBridge counts but does not place: any entry may be one of them.
      const again = named.length > 0 ? named : pending;
      failed = again.map((item) => {
        const r = results[pending.indexOf(item)];
        return { findingId: item.findingId, code: r?.ErrorCode ?? 'Unknown', message: r?.ErrorMessage ?? '' };
      });
      pending = again;
    }
    return failed;
  }
}
