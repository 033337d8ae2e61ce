import {
  type Baseline,
  latestState,
  MAX_STATES,
  recordState,
  stateBefore,
} from '../../../lambda/domain/baseline.js';

const fn = 'arn:aws:lambda:us-east-1:111122223333:function:f';
const at = (minute: number) => `2026-03-14T09:${String(minute).padStart(2, '0')}:00Z`;
const ms = (minute: number) => Date.parse(at(minute));
const state = (minute: number, layers: string[], id = `e${minute}`) => ({
  layers,
  eventTime: at(minute),
  eventId: id,
  source: 'event' as const,
});

describe('baseline history', () => {
  it('answers the state just before an event, whatever the order the states arrived in', () => {
    let b: Baseline | null = null;
    b = recordState(b, fn, state(30, ['c']));
    b = recordState(b, fn, state(10, ['a']));
    b = recordState(b, fn, state(20, ['b']));
    expect(b.states.map((s) => s.eventTime)).toEqual([at(10), at(20), at(30)]);
    expect(stateBefore(b, ms(25), 'x')?.layers).toEqual(['b']);
    expect(stateBefore(b, ms(5), 'x')).toBeNull();
    expect(latestState(b)?.layers).toEqual(['c']);
  });

  it('never lets an older event displace the newest state', () => {
    let b = recordState(null, fn, state(30, ['new']));
    b = recordState(b, fn, state(10, ['old']));
    expect(latestState(b)?.layers).toEqual(['new']);
  });

  it('excludes the event itself, so a retried event diffs against the same "before"', () => {
    let b = recordState(null, fn, state(10, ['a']));
    b = recordState(b, fn, state(20, ['a', 'x'], 'attack'));
    expect(stateBefore(b, ms(20), 'attack')?.layers).toEqual(['a']);
  });

  it('is idempotent per event id', () => {
    const once = recordState(null, fn, state(10, ['a']));
    expect(recordState(once, fn, state(10, ['a']))).toEqual(once);
  });

  it(`keeps the newest ${MAX_STATES} states and then knows nothing before them`, () => {
    let b: Baseline | null = null;
    for (let m = 0; m < MAX_STATES + 4; m += 1) b = recordState(b, fn, state(m, [`l${m}`]));
    expect(b?.states).toHaveLength(MAX_STATES);
    expect(b?.truncated).toBe(true);
    expect(stateBefore(b, ms(1), 'x')).toBeNull();
    expect(stateBefore(b, ms(10), 'x')?.layers).toEqual(['l10']);
  });
});
