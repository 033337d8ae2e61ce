import {
  type AliasState,
  aliasesBefore,
  MAX_VERSIONS,
  previousVersion,
  recordQualifiers,
  routesOf,
  versionLayers,
} from '../../../lambda/domain/qualifiers.js';

const v = (version: string, layers: string[], minute = 0) => ({
  version,
  layers,
  eventTime: `2026-03-14T10:${String(minute).padStart(2, '0')}:00Z`,
  eventId: `p${version}`,
});
const a = (
  alias: string,
  version: string,
  minute: number,
  weights: Record<string, number> = {},
  deleted = false,
): AliasState => ({
  alias,
  version,
  weights,
  eventTime: `2026-03-14T10:${String(minute).padStart(2, '0')}:00Z`,
  eventId: `${alias}-${minute}`,
  deleted,
});
const at = (minute: number) => Date.parse(`2026-03-14T10:${String(minute).padStart(2, '0')}:00Z`);

describe('recordQualifiers', () => {
  it('keeps a version once: a duplicate or a later read does not replace what was published', () => {
    const once = recordQualifiers(undefined, { version: v('8', ['L']) });
    const again = recordQualifiers(once, { version: { ...v('8', ['OTHER']), eventId: 'x' } });
    expect(versionLayers(again, '8')).toEqual(['L']);
    expect(again.versions).toHaveLength(1);
  });

  it('judges a late alias event against the routing in force at its time', () => {
    let state = recordQualifiers(undefined, { alias: a('prod', '9', 30) });
    state = recordQualifiers(state, { alias: a('prod', '7', 10) });
    expect(aliasesBefore(state, at(20), 'late').get('prod')?.version).toBe('7');
    expect(aliasesBefore(state, at(40), 'next').get('prod')?.version).toBe('9');
    expect(aliasesBefore(state, at(5), 'early').has('prod')).toBe(false);
  });

  it('records a duplicate alias event once', () => {
    const state = recordQualifiers(recordQualifiers(undefined, { alias: a('prod', '7', 10) }), {
      alias: a('prod', '7', 10),
    });
    expect(state.aliases).toHaveLength(1);
  });

  it('forgets a deleted alias from its deletion on', () => {
    let state = recordQualifiers(undefined, { alias: a('prod', '7', 10) });
    state = recordQualifiers(state, { alias: a('prod', '7', 20, {}, true) });
    expect(aliasesBefore(state, at(15), 'x').has('prod')).toBe(true);
    expect(aliasesBefore(state, at(25), 'x').has('prod')).toBe(false);
  });

  it('drops the oldest version no alias reaches when it keeps too many', () => {
    let state = recordQualifiers(undefined, { alias: a('prod', '1', 0) });
    for (let n = 1; n <= MAX_VERSIONS + 1; n += 1)
      state = recordQualifiers(state, { version: v(String(n), []) });
    expect(state.versions).toHaveLength(MAX_VERSIONS);
    expect(versionLayers(state, '1')).toEqual([]);
    expect(versionLayers(state, '2')).toBeNull();
  });

  it('finds the newest known version before another', () => {
    const state = recordQualifiers(recordQualifiers(undefined, { version: v('3', []) }), {
      version: v('7', ['L']),
    });
    expect(previousVersion(state, '9')?.version).toBe('7');
    expect(previousVersion(state, '7')?.version).toBe('3');
    expect(previousVersion(state, '3')).toBeNull();
  });
});

describe('routesOf', () => {
  it.each([
    [{ version: '8', weights: {} }, [{ version: '8', share: 1 }]],
    [
      { version: '8', weights: { '9': 0.05 } },
      [
        { version: '8', share: 0.95 },
        { version: '9', share: 0.05 },
      ],
    ],
    [{ version: null, weights: { '9': 0.1 } }, [{ version: '9', share: 0.1 }]],
  ])('%j routes %j', (alias, routes) => {
    expect(routesOf(alias)).toEqual(routes);
  });
});
