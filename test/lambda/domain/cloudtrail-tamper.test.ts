import {
  TAMPER_EVENT_NAMES,
  tamperCallOf,
  tamperServiceOf,
} from '../../../lambda/domain/cloudtrail-tamper.js';
import { TAMPER_CALLS, TAMPER_SERVICES } from '../../../lambda/domain/model.js';
import { tamperingCalls } from '../../support/tamper-records.js';

describe('TAMPER_EVENT_NAMES', () => {
  it.each(TAMPER_SERVICES)(
    '%s: every name is one the reader takes for a watched call of that service',
    (service) => {
      for (const name of TAMPER_EVENT_NAMES[service]) {
        const call = tamperCallOf(service, name);
        expect(call).not.toBeNull();
        expect(TAMPER_CALLS[service]).toContain(call);
      }
    },
  );

  it.each(TAMPER_SERVICES)(
    '%s: every watched call has its bare name listed, and nothing is listed twice',
    (service) => {
      for (const call of TAMPER_CALLS[service]) expect(TAMPER_EVENT_NAMES[service]).toContain(call);
      expect(new Set(TAMPER_EVENT_NAMES[service]).size).toBe(TAMPER_EVENT_NAMES[service].length);
    },
  );

  it('lists each Lambda call under the versioned name CloudTrail logs for it', () => {
    // Lambda's resource-policy calls are new: no versioned name of theirs has been seen yet.
    for (const call of TAMPER_CALLS.lambda.filter((c) => !c.endsWith('ResourcePolicy')))
      expect(
        TAMPER_EVENT_NAMES.lambda.some(
          (name) => /\d{8}(v\d+)?$/.test(name) && tamperCallOf('lambda', name) === call,
        ),
      ).toBe(true);
  });

  it('holds the exact name of every tampering record, under its event source', () => {
    for (const { record } of tamperingCalls()) {
      const service = tamperServiceOf(String(record.eventSource));
      expect(service).not.toBeNull();
      expect(TAMPER_EVENT_NAMES[service as (typeof TAMPER_SERVICES)[number]]).toContain(record.eventName);
    }
  });
});
