/**
 * Regular expressions built from a pattern (a settings glob, a guardrail's StringLike), compiled
 * once per pattern and process instead of once per call: the handler matches the same patterns on
 * every event. Bounded, because some patterns come from a record (an account in a layer ARN) and a
 * warm function must not keep every one it ever saw: a full cache starts again empty.
 */
const MAX_PATTERNS = 512;

/** `build`, remembered by pattern. The expressions must be used statelessly (`test` without `g` or `y`). */
export function compiledBy(build: (pattern: string) => RegExp): (pattern: string) => RegExp {
  const cache = new Map<string, RegExp>();
  return (pattern) => {
    let re = cache.get(pattern);
    if (re === undefined) {
      if (cache.size >= MAX_PATTERNS) cache.clear();
      re = build(pattern);
      cache.set(pattern, re);
    }
    return re;
  };
}
