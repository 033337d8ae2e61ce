import {
  coverageOf,
  type PairRecord,
  type PlannedRun,
  pairRetryDelaySeconds,
  plannedPairs,
} from '../../../lambda/domain/sweep-ledger.js';

const run: PlannedRun = {
  runId: 'r1',
  startedAt: '2026-12-07T03:00:00.000Z',
  accounts: ['111111111111', '222222222222'],
  regions: ['us-east-1', 'eu-west-1'],
  holdUntil: 0,
};
const ok = (functions: number): PairRecord => ({
  outcome: { status: 'ok', functions, seeded: 1, drifted: 0, unchanged: functions - 1 },
});

describe('sweep coverage', () => {
  it('plans every account in every region, accounts first', () => {
    expect(plannedPairs(run).map((p) => `${p.account}/${p.region}`)).toEqual([
      '111111111111/us-east-1',
      '111111111111/eu-west-1',
      '222222222222/us-east-1',
      '222222222222/eu-west-1',
    ]);
  });

  it.each([
    ['every pair reached', [ok(3), ok(2), ok(1), ok(4)], null, 4, []],
    [
      'a pair given up, with its error',
      [
        ok(3),
        { outcome: { status: 'failed', error: 'given up after its retries: Throttled' } },
        ok(1),
        ok(4),
      ],
      null,
      3,
      ['111111111111/eu-west-1: given up after its retries: Throttled'],
    ],
    [
      'pairs without an outcome when the hold ended, one with its last attempt',
      [ok(3), ok(2), { lastError: 'TimeoutError: 30 s' }, {}],
      '2026-12-07T23:00:00.000Z',
      2,
      [
        '222222222222/us-east-1: no outcome by 2026-12-07T23:00:00.000Z (last attempt: TimeoutError: 30 s)',
        '222222222222/eu-west-1: no outcome by 2026-12-07T23:00:00.000Z',
      ],
    ],
  ] as const)('%s', (_name, records, cutOff, reached, missed) => {
    const summary = coverageOf(run, records as readonly PairRecord[], cutOff);
    expect(summary.pairs).toBe(4);
    expect(summary.reached).toBe(reached);
    expect(summary.unreachable.map((u) => `${u.account}/${u.region}: ${u.error}`)).toEqual(missed);
  });

  it('names an organization it could not list, and adds the counts of the pairs reached', () => {
    const summary = coverageOf(
      { ...run, discoveryError: 'AccessDenied: no' },
      [ok(3), ok(2), ok(1), ok(4)],
      null,
    );
    expect(summary.unreachable).toEqual([
      { account: 'organization', region: 'all', error: 'AccessDenied: no' },
    ]);
    expect(summary).toMatchObject({ functions: 10, seeded: 4, unchanged: 6 });
  });

  it('adds up the versions and aliases of the pairs reached, and names every gap of theirs', () => {
    const gap = (functionArn: string) => ({ functionArn, gap: 'aliases not listed (Throttled)' });
    const withQualifiers = (o: object): PairRecord => ({
      outcome: { ...ok(1).outcome, ...o } as PairRecord['outcome'],
    });
    const summary = coverageOf(
      run,
      [
        withQualifiers({ aliases: 2, versionsRead: 1, qualifierGaps: [gap('f1')] }),
        withQualifiers({
          aliases: 3,
          qualifiersDrifted: 1,
          qualifierGaps: [gap('f2')],
          qualifierGapsMore: 4,
        }),
        ok(1),
        { outcome: { status: 'failed', error: 'given up' } },
      ],
      null,
    );
    expect(summary).toMatchObject({
      aliases: 5,
      versionsRead: 1,
      qualifiersDrifted: 1,
      qualifierGapsMore: 4,
    });
    expect(summary.qualifierGaps).toEqual([gap('f1'), gap('f2')]);
  });
});

describe('pairRetryDelaySeconds', () => {
  it.each([
    { attempt: 1, visibility: 960, seconds: 30 },
    { attempt: 2, visibility: 960, seconds: 120 },
    { attempt: 3, visibility: 960, seconds: 480 },
    { attempt: 4, visibility: 960, seconds: 960 },
    { attempt: 0, visibility: 960, seconds: 30 },
    { attempt: 2, visibility: 60, seconds: 60 },
  ])('attempt $attempt failed, visibility timeout $visibility s: $seconds s', (c) => {
    expect(pairRetryDelaySeconds(c.attempt, c.visibility)).toBe(c.seconds);
  });
});
