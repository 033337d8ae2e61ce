import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { deduplicate, eventKey } from '../../../lambda/pipeline/deduplicate.js';
import type { HandledResult } from '../../../lambda/pipeline/outcome.js';
import { MemoryIdempotency, recordingTelemetry } from '../../support/fakes.js';

const meta = { id: 'e1', account: '111122223333', region: 'us-east-1' } as Parameters<typeof deduplicate>[1];
const handled: HandledResult = { outcome: 'no-finding', eventId: 'e1' };

describe('deduplicate step', () => {
  it('keys on the CloudTrail identity: account, region and eventID', () => {
    expect(eventKey(meta)).toEqual({ event: '111122223333|us-east-1|e1' });
    expect(eventKey({ ...meta, region: 'eu-west-1' })).not.toEqual(eventKey(meta));
  });

  it('handles an event once; a duplicate answers the stored result, counted', async () => {
    const store = new MemoryIdempotency();
    const t = recordingTelemetry();
    const handle = jest.fn(async () => handled);
    await expect(deduplicate(store, meta, t, handle)).resolves.toEqual(handled);
    await expect(deduplicate(store, meta, t, handle)).resolves.toEqual({
      outcome: 'duplicate',
      eventId: 'e1',
      original: handled,
    });
    expect(handle).toHaveBeenCalledTimes(1);
    expect(t.counted).toEqual(['DuplicateEvents']);
  });

  it('lets IdempotencyAlreadyInProgressError through while another invocation holds the event', async () => {
    const store = new MemoryIdempotency();
    store.hold(eventKey(meta));
    const handle = jest.fn(async () => handled);
    await expect(deduplicate(store, meta, recordingTelemetry(), handle)).rejects.toBeInstanceOf(
      IdempotencyAlreadyInProgressError,
    );
    expect(handle).not.toHaveBeenCalled();
  });

  it('releases the event when handling fails, so that the retry handles it', async () => {
    const store = new MemoryIdempotency();
    const t = recordingTelemetry();
    await expect(
      deduplicate(store, meta, t, async () => {
        throw new Error('SNS down');
      }),
    ).rejects.toThrow('SNS down');
    await expect(deduplicate(store, meta, t, async () => handled)).resolves.toEqual(handled);
  });
});
