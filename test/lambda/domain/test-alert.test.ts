import { renderAlert } from '../../../lambda/domain/render/alert.js';
import { TEST_FUNCTION_NAME, testFinding } from '../../../lambda/domain/test-alert.js';
import { expectValidFinding } from '../../support/schema.js';

describe('testFinding', () => {
  const now = new Date('2026-12-01T10:00:00.123Z');
  const f = testFinding('111122223333', 'eu-west-1', 'aws', now);

  it('is an ordinary finding of the schema, of a made-up function, in the given account and region', () => {
    expectValidFinding(f);
    expect(f.detectionId).toBe('lambda-layer-added');
    expect(f.function?.arn).toBe(`arn:aws:lambda:eu-west-1:111122223333:function:${TEST_FUNCTION_NAME}`);
    expect(f.event.time).toBe('2026-12-01T10:00:00Z');
  });

  it('says it is a test in its title, first reason, subject and every rendering', () => {
    expect(f.title).toMatch(/^\[TEST\] .*no action needed/);
    expect(f.reasons[0]).toMatch(/test alert sent by `layerwatch verify --send-test-alert`/);
    const alert = renderAlert(f);
    expect(alert.subject).toMatch(/\[TEST\]/);
    for (const body of Object.values(JSON.parse(alert.message) as Record<string, string>))
      expect(body).toMatch(/TEST/);
  });

  it('takes the partition', () => {
    expect(testFinding('111122223333', 'cn-north-1', 'aws-cn', now).function?.arn).toMatch(
      /^arn:aws-cn:lambda:cn-north-1:/,
    );
  });
});
