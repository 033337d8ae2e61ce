import { FakeLister, findingOf, observation, sweepWith } from '../support/builders.js';
import { FakeSink } from '../support/fakes.js';
import { functionArn, layerArn } from '../support/records.js';

describe('drift sweep', () => {
  it('seeds, then reports drift; an account it cannot list goes to the operations report', async () => {
    const lister = new FakeLister([observation('a', [], '2026-03-14T10:00:00Z')], new Set(['999999999999']));
    const s = sweepWith(lister);
    await expect(s.run()).resolves.toMatchObject({ pairs: 2, reached: 1, seeded: 1, drifted: 0 });
    expect(s.reporter.published[0]?.subject).toMatch(/could not reach 1 of 2/);
    lister.functions = [observation('a', [layerArn('x', 1)], '2026-03-14T11:00:00Z')];
    await expect(s.run()).resolves.toMatchObject({ drifted: 1 });
    expect(findingOf(s.publisher.published[0]).detectionId).toBe('lambda-layer-drift');
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

  it('alerts on drift even when a secondary sink fails, then fails the run and reports the drift again next run', async () => {
    const hub = new FakeSink('security-hub');
    const lister = new FakeLister([observation('a', [], '2026-03-14T10:00:00Z')]);
    const s = sweepWith(lister, { moreSinks: [hub] });
    await s.run();
    lister.functions = [observation('a', [layerArn('x', 1)], '2026-03-14T11:00:00Z')];
    hub.fail = new Error('hub down');
    await expect(s.run()).rejects.toThrow(/1 function\(s\) could not be reported or recorded/);
    expect(s.publisher.published).toHaveLength(1);
    expect(s.baselines.items.get(functionArn('a'))?.states.at(-1)?.layers).toEqual([]);
    hub.fail = null;
    await expect(s.run()).resolves.toMatchObject({ drifted: 1 });
    expect(hub.delivered).toHaveLength(1);
  });

  it("sweeps the organization's accounts besides its own, and reports an organization it cannot list", async () => {
    const lister = new FakeLister([
      observation('a', [], '2026-03-14T10:00:00Z'),
      {
        ...observation('b', [], '2026-03-14T10:00:00Z'),
        fn: { ...observation('b', [], '2026-03-14T10:00:00Z').fn, account: '444455556666' },
      },
    ]);
    const found = sweepWith(lister, {
      accounts: ['111122223333'],
      discover: { accounts: async () => ['111122223333', '444455556666'] },
    });
    await expect(found.run()).resolves.toMatchObject({ pairs: 2, reached: 2, seeded: 2, unreachable: [] });
    const lost = sweepWith(lister, {
      accounts: ['111122223333'],
      discover: {
        accounts: async () =>
          Promise.reject(
            Object.assign(new Error('not the management account'), { name: 'AccessDeniedException' }),
          ),
      },
    });
    await expect(lost.run()).resolves.toMatchObject({
      pairs: 1,
      seeded: 1,
      unreachable: [
        {
          account: 'organization',
          region: 'all',
          error: 'AccessDeniedException: not the management account',
        },
      ],
    });
    expect(lost.reporter.published[0]?.subject).toMatch(/could not reach/);
  });
});
