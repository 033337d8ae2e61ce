import type { FunctionLister } from '../../lambda/adapters/ports.js';
import type { Observation } from '../../lambda/domain/observation.js';
import { parseSettings } from '../../lambda/domain/settings.js';
import { createSweep } from '../../lambda/sweep-app.js';
import { FakePublisher, MemoryBaselines, observability } from '../support/fakes.js';
import { functionArn, layerArn } from '../support/records.js';

const observation = (name: string, layers: string[], at: string): Observation => ({
  fn: { arn: functionArn(name), name, account: '111122223333', region: 'us-east-1', partition: 'aws' },
  layers,
  runtime: 'python3.12',
  role: null,
  observedAt: at,
});

class FakeLister implements FunctionLister {
  constructor(
    public functions: Observation[],
    public failing = new Set<string>(),
  ) {}
  async *listFunctions(account: string, region: string): AsyncIterable<Observation> {
    if (this.failing.has(account)) throw Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    yield* this.functions.filter((f) => f.fn.account === account && f.fn.region === region);
  }
}

function sweepWith(
  lister: FakeLister,
  publisher = new FakePublisher(),
  reporter = new FakePublisher(),
  baselines = new MemoryBaselines(),
) {
  const obs = observability();
  const run = createSweep({
    lister,
    baselines,
    publisher,
    reporter,
    settings: parseSettings({ minSeverity: 'informational' }),
    accounts: ['111122223333', '999999999999'],
    regions: ['us-east-1'],
    logger: obs.logger,
    metrics: obs.metrics,
    now: () => new Date('2026-03-14T10:00:00Z'),
  });
  return { run, publisher, reporter, baselines };
}

describe('drift sweep', () => {
  it('seeds, then reports drift; an account it cannot list goes to the operations report', async () => {
    const lister = new FakeLister([observation('a', [], '2026-03-14T10:00:00Z')], new Set(['999999999999']));
    const s = sweepWith(lister);
    await expect(s.run()).resolves.toMatchObject({ pairs: 2, reached: 1, seeded: 1, drifted: 0 });
    expect(s.reporter.published[0]?.subject).toMatch(/could not reach 1 of 2/);
    lister.functions = [observation('a', [layerArn('x', 1)], '2026-03-14T11:00:00Z')];
    await expect(s.run()).resolves.toMatchObject({ drifted: 1 });
    expect(JSON.parse(JSON.parse(s.publisher.published[0]?.message ?? '{}').sqs).detectionId).toBe(
      'lambda-layer-drift',
    );
  });

  it('fails the run, rather than calling the account unreachable, when a drift alert cannot be published; the drift is reported again next run', async () => {
    const lister = new FakeLister([
      observation('a', [], '2026-03-14T10:00:00Z'),
      observation('b', [], '2026-03-14T10:00:00Z'),
    ]);
    const s = sweepWith(lister);
    await s.run();
    lister.functions = [
      observation('a', [layerArn('x', 1)], '2026-03-14T11:00:00Z'),
      observation('b', [layerArn('y', 1)], '2026-03-14T11:00:00Z'),
    ];
    s.publisher.fail = new Error('SNS down');
    await expect(s.run()).rejects.toThrow(/2 function\(s\) could not be reported or recorded/);
    expect(s.reporter.published).toHaveLength(0);
    expect(s.baselines.items.get(functionArn('a'))?.states.at(-1)?.layers).toEqual([]);
    s.publisher.fail = null;
    await expect(s.run()).resolves.toMatchObject({ drifted: 2, unreachable: [] });
    expect(s.publisher.published).toHaveLength(2);
  });
});
