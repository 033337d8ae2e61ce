import { parse } from '../../../lambda/pipeline/parse.js';
import { recordingTelemetry } from '../../support/fakes.js';
import { envelope, otherService, updateFunctionConfiguration } from '../../support/records.js';

describe('parse step', () => {
  it('turns a CloudTrail record, bare or in its EventBridge envelope, into an event', () => {
    const record = updateFunctionConfiguration('orders');
    for (const input of [record, envelope(record)]) {
      const t = recordingTelemetry();
      const parsed = parse(input, t);
      expect(parsed.status).toBe('relevant');
      expect(parsed.status === 'relevant' && parsed.event.meta.id).toBe(record.eventID);
      expect(t.counted).toEqual([]);
    }
  });

  it('counts malformed input and says which envelope it came in', () => {
    const t = recordingTelemetry();
    const errors = jest.spyOn(t.logger, 'error');
    expect(parse({ id: 'env-1', detail: { eventID: 1 } }, t)).toMatchObject({
      status: 'done',
      result: { outcome: 'malformed' },
    });
    expect(t.counted).toEqual(['MalformedEvents']);
    expect(errors).toHaveBeenCalledWith(
      'Malformed event skipped',
      expect.objectContaining({ envelopeId: 'env-1' }),
    );
  });

  it('counts an event of another service as ignored', () => {
    const t = recordingTelemetry();
    expect(parse(envelope(otherService()), t)).toMatchObject({
      status: 'done',
      result: { outcome: 'ignored' },
    });
    expect(t.counted).toEqual(['IgnoredEvents']);
  });
});
