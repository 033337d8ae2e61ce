/**
 * Reads the last 90 days of an account and region's management events from CloudTrail's event
 * history (LookupEvents), for hunts without a trail. LookupEvents takes one lookup attribute per
 * call and matches event names exactly, so the reader makes one pass per name CloudTrail logs for
 * the watched calls (Lambda's operations with a version suffix, and older records without),
 * following NextToken, and stays within CloudTrail's limit of 2 LookupEvents calls a second through
 * an injected rate limiter (rate-limit.ts: a token before each page, a burst of one, so each page
 * starts at least 500 ms after the one before). It yields each event's `CloudTrailEvent` parsed:
 * the same record a trail file holds.
 *
 * By name, not by event source: a lookup by `EventSource` returns every call of the service, reads
 * included (KMS's Decrypt, CloudTrail's own LookupEvents...), thousands of pages where the watched
 * names hold a few events. A name with no event costs one call.
 */
import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { TAMPER_EVENT_NAMES } from '../domain/cloudtrail-tamper.js';
import type { DeclaredCall } from './calls.js';
import { type RateLimiter, TokenBucket } from './rate-limit.js';

/** Every name CloudTrail gives the operations layerwatch analyzes. */
export const LAYER_EVENT_NAMES = [
  'UpdateFunctionConfiguration20150331v2',
  'UpdateFunctionConfiguration20150331',
  'UpdateFunctionConfiguration',
  'CreateFunction20150331',
  'CreateFunction',
  'PublishLayerVersion20181031',
  'PublishLayerVersion',
  'AddLayerVersionPermission20181031',
  'AddLayerVersionPermission',
  'PublishVersion20150331',
  'PublishVersion',
  'CreateAlias20150331',
  'CreateAlias',
  'UpdateAlias20150331',
  'UpdateAlias',
  'DeleteAlias20150331',
  'DeleteAlias',
] as const;

/**
 * Every name a hunt looks up: the layer operations', then those of the calls that can blind or
 * disarm layerwatch (detector-tampered), each once (`RemovePermission` is EventBridge's, SNS's
 * and, in older records, Lambda's: one lookup returns all three).
 */
export const LOOKUP_EVENT_NAMES: readonly string[] = [
  ...new Set([...LAYER_EVENT_NAMES, ...Object.values(TAMPER_EVENT_NAMES).flat()]),
];

/** CloudTrail's limit: LookupEvents calls a second per account and region. */
export const LOOKUP_EVENTS_PER_SECOND = 2;

export type LookedUpEvent =
  | { status: 'ok'; eventId: string; eventName: string; record: Record<string, unknown> }
  /** The event's CloudTrailEvent is missing or not a JSON object: reported, not dropped. */
  | { status: 'unreadable'; eventId: string; eventName: string; message: string };

export interface LookupOptions {
  startTime?: Date;
  endTime?: Date;
  /** @default LOOKUP_EVENT_NAMES */
  eventNames?: readonly string[];
  /** Called after each page, for progress. */
  onPage?: (page: { eventName: string; events: number }) => void;
}

export class CloudTrailLookupEventsReader {
  /** What this adapter sends (see calls.ts). LookupEvents supports no resource-level permission. */
  static readonly calls: readonly DeclaredCall[] = [{ action: 'cloudtrail:LookupEvents', resource: 'any' }];

  /** @param limiter CloudTrail allows 2 LookupEvents a second per account and region. */
  constructor(
    private readonly client: CloudTrailClient,
    private readonly limiter: RateLimiter = new TokenBucket(LOOKUP_EVENTS_PER_SECOND),
  ) {}

  async *events(options: LookupOptions = {}): AsyncIterable<LookedUpEvent> {
    for (const eventName of options.eventNames ?? LOOKUP_EVENT_NAMES) {
      let token: string | undefined;
      do {
        await this.limiter.take();
        const page = await this.client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
            StartTime: options.startTime,
            EndTime: options.endTime,
            MaxResults: 50,
            NextToken: token,
          }),
        );
        const events = page.Events ?? [];
        for (const e of events) yield parsed(e, eventName);
        options.onPage?.({ eventName, events: events.length });
        token = page.NextToken;
      } while (token);
    }
  }
}

function parsed(
  e: { EventId?: string; EventName?: string; CloudTrailEvent?: string },
  eventName: string,
): LookedUpEvent {
  const eventId = e.EventId ?? '';
  const name = e.EventName ?? eventName;
  if (typeof e.CloudTrailEvent !== 'string')
    return { status: 'unreadable', eventId, eventName: name, message: 'no CloudTrailEvent' };
  try {
    const record: unknown = JSON.parse(e.CloudTrailEvent);
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      return {
        status: 'unreadable',
        eventId,
        eventName: name,
        message: 'CloudTrailEvent is not a JSON object',
      };
    return { status: 'ok', eventId, eventName: name, record: record as Record<string, unknown> };
  } catch (error) {
    return {
      status: 'unreadable',
      eventId,
      eventName: name,
      message: `CloudTrailEvent: ${(error as Error).message}`,
    };
  }
}
