import {
  type Exposure,
  exposureLine,
  exposureOf,
  exposureQueries,
  exposureTargets,
  exposureWindow,
} from '../../../../lambda/domain/revert/exposure.js';
import { runningOf } from '../../../../lambda/domain/revert/plan.js';
import { DEPS, EVIL, snapshot } from './fixtures.js';

const now = new Date('2026-03-15T10:00:00Z');

describe('exposureWindow', () => {
  it.each([
    ['2026-03-15T09:07:31Z', 60, '2026-03-15T09:07:00.000Z'],
    ['2026-03-14T09:07:31Z', 300, '2026-03-14T09:05:00.000Z'],
    ['2026-01-01T09:07:31Z', 3600, '2026-01-01T09:00:00.000Z'],
  ])('an attach at %s: %d s periods from %s', (since, period, start) => {
    const w = exposureWindow(since, now);
    expect([w.periodSeconds, w.start.toISOString(), w.sinceKnown]).toEqual([period, start, true]);
  });

  it('asks for the last 14 days when the attach time is unknown, and says so', () => {
    const w = exposureWindow(null, now);
    expect([w.start.toISOString(), w.sinceKnown]).toEqual(['2026-03-01T10:00:00.000Z', false]);
  });
});

describe('exposureTargets', () => {
  it('asks per qualifier by the dimensions Lambda emits: Resource, and ExecutedVersion for an alias', () => {
    const s = snapshot();
    const targets = exposureTargets(s, runningOf(s, [EVIL]));
    expect(targets.map((t) => [t.label, t.dimensionSets])).toEqual([
      [
        '$LATEST',
        [
          { FunctionName: 'pay', Resource: 'pay' },
          { FunctionName: 'pay', Resource: 'pay:$LATEST' },
        ],
      ],
      ['alias prod (version 4)', [{ FunctionName: 'pay', Resource: 'pay:prod', ExecutedVersion: '4' }]],
      ['version 4', [{ FunctionName: 'pay', Resource: 'pay:4' }]],
    ]);
    expect(exposureQueries(targets)).toHaveLength(4 * 4);
  });

  it('still counts $LATEST when the layer was removed from it since', () => {
    const s = snapshot({ layers: [DEPS] });
    expect(exposureTargets(s, runningOf(s, [EVIL]))[0]).toMatchObject({ label: '$LATEST', runsNow: false });
  });
});

describe('exposureOf', () => {
  const p = (t: string, value: number) => ({ time: new Date(`2026-03-14T${t}Z`), value });

  it("adds up $LATEST's two dimension sets and says when the code ran", () => {
    const s = snapshot({ aliases: [], versions: [] });
    const targets = exposureTargets(s, runningOf(s, [EVIL]));
    const [e] = exposureOf(targets, [
      [p('09:10:00', 2)],
      [p('09:10:00', 1)],
      [p('09:10:00', 300)],
      [p('09:10:00', 200)],
      [p('10:00:00', 1)],
      [],
      [p('10:00:00', 600)],
      [p('10:00:00', 600)],
    ]);
    expect(e).toMatchObject({ invocations: 3, errors: 1, averageMs: 300, maxMs: 600 });
    expect(exposureLine(e as Exposure, 300)).toBe(
      '$LATEST: 3 invocation(s), 1 error(s), duration average 300 ms, maximum 600 ms; the first between 2026-03-14T09:10:00Z and 09:15:00Z, the last between 2026-03-14T10:00:00Z and 10:05:00Z',
    );
  });

  it('says plainly when the code did not run there', () => {
    const s = snapshot({ aliases: [], versions: [] });
    const [e] = exposureOf(exposureTargets(s, runningOf(s, [EVIL])), []);
    expect(exposureLine(e as Exposure, 300)).toBe(
      "$LATEST: 0 invocations: the layer's code did not run there",
    );
  });
});
