import { reportRun, SweepFailedError } from '../../../lambda/pipeline/sweep-report.js';
import { startRun } from '../../../lambda/pipeline/sweep-run.js';
import { FakePublisher, observability, recordingTelemetry } from '../../support/fakes.js';

describe('sweep report step', () => {
  it('publishes the run totals, and no report when every pair was reached', async () => {
    const obs = observability();
    const reporter = new FakePublisher();
    const run = startRun(['1'], ['r'], new Date('2026-03-14T10:00:00Z'));
    await reportRun(run, reporter, obs.metrics, recordingTelemetry());
    expect(obs.counted).toEqual(['SweepFunctions', 'SweepSeeded', 'SweepDrifted', 'SweepUnreachable']);
    expect(reporter.published).toHaveLength(0);
  });

  it('reports coverage gaps to the operations topic, then fails the run for functions it could not report', async () => {
    const obs = observability();
    const reporter = new FakePublisher();
    const run = startRun(['1', '2'], ['r'], new Date('2026-03-14T10:00:00Z'));
    run.summary.unreachable.push({ account: '2', region: 'r', error: 'AccessDenied: no' });
    run.failures.push(new Error('SNS down'));
    await expect(reportRun(run, reporter, obs.metrics, recordingTelemetry())).rejects.toThrow(
      SweepFailedError,
    );
    expect(reporter.published[0]?.subject).toMatch(/could not reach 1 of 2/);
  });

  it('reports versions and aliases it did not compare, every pair reached, at medium', async () => {
    const obs = observability();
    const reporter = new FakePublisher();
    const run = startRun(['1'], ['r'], new Date('2026-03-14T10:00:00Z'));
    run.summary.qualifierGaps = [
      { functionArn: 'arn:aws:lambda:r:1:function:pay', gap: 'more than 16 aliases' },
    ];
    await reportRun(run, reporter, obs.metrics, recordingTelemetry());
    expect(reporter.published[0]?.subject).toBe(
      '[MEDIUM] layerwatch drift sweep did not compare 1 version(s) or alias(es)',
    );
    const email = JSON.parse(reporter.published[0]?.message ?? '{}').email as string;
    expect(email).toContain('arn:aws:lambda:r:1:function:pay: more than 16 aliases');
  });
});
