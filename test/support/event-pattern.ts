/**
 * EventBridge pattern matching for unit tests over templates (the moto suite checks real matching):
 * exact values, prefix, suffix, equals-ignore-case, wildcard, anything-but, exists, numeric and
 * $or, as EventBridge documents them. An operator it does not know throws.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export class UnsupportedPatternError extends Error {
  override name = 'UnsupportedPatternError';
}

function glob(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${re}$`, 's').test(value);
}

function numeric(ops: Json[], value: Json): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i + 1 < ops.length; i += 2) {
    const [op, n] = [ops[i], Number(ops[i + 1])];
    const ok =
      op === '='
        ? value === n
        : op === '<'
          ? value < n
          : op === '<='
            ? value <= n
            : op === '>'
              ? value > n
              : op === '>='
                ? value >= n
                : undefined;
    if (ok === undefined) throw new UnsupportedPatternError(`numeric operator ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}

/** Whether one pattern element (a literal or an operator object) matches one scalar value. */
function matchesOne(element: Json, value: Json): boolean {
  if (element === null || typeof element !== 'object') return element === value;
  if (Array.isArray(element)) throw new UnsupportedPatternError('nested array in a pattern');
  const [entry, ...more] = Object.entries(element);
  if (!entry || more.length > 0) throw new UnsupportedPatternError(`operator ${JSON.stringify(element)}`);
  const [op, arg] = entry;
  const text = typeof value === 'string' ? value : undefined;
  switch (op) {
    case 'prefix':
      if (typeof arg === 'object' && arg !== null && !Array.isArray(arg) && 'equals-ignore-case' in arg) {
        return text?.toLowerCase().startsWith(String(arg['equals-ignore-case']).toLowerCase()) ?? false;
      }
      return text?.startsWith(String(arg)) ?? false;
    case 'suffix':
      return text?.endsWith(String(arg)) ?? false;
    case 'equals-ignore-case':
      return text?.toLowerCase() === String(arg).toLowerCase();
    case 'wildcard':
      return text !== undefined && glob(String(arg), text);
    case 'numeric':
      return numeric(arg as Json[], value);
    case 'anything-but': {
      const excluded = Array.isArray(arg) ? arg : [arg];
      return !excluded.some((x) => matchesOne(x, value));
    }
    default:
      throw new UnsupportedPatternError(`operator ${op}`);
  }
}

/** Whether a pattern field's list matches the event's value at that field (absent: undefined). */
function matchesField(list: Json[], value: Json | undefined): boolean {
  for (const element of list) {
    if (element !== null && typeof element === 'object' && !Array.isArray(element) && 'exists' in element) {
      if ((value !== undefined) === element.exists) return true;
      continue;
    }
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => matchesOne(element, v))) return true;
  }
  return false;
}

/** Whether `event` matches the EventBridge `pattern`. */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(expected as Record<string, unknown>[]).some((p) => matchesPattern(p, event))) return false;
      continue;
    }
    const value = event[key] as Json | undefined;
    if (Array.isArray(expected)) {
      if (!matchesField(expected as Json[], value)) return false;
    } else if (expected !== null && typeof expected === 'object') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        // A nested pattern over a missing object only matches if it asks for absence throughout.
        if (!matchesPattern(expected as Record<string, unknown>, {})) return false;
        continue;
      }
      if (!matchesPattern(expected as Record<string, unknown>, value)) return false;
    } else {
      throw new UnsupportedPatternError(`field ${key} is neither a list nor an object`);
    }
  }
  return true;
}
