/** Deep-cuts a JSON value: strings to `maxChars`, arrays to `maxItems`. Reports whether it cut anything. */
import { cut } from '../text.js';

export function shrink<T>(value: T, maxChars: number, maxItems: number): { value: T; cut: boolean } {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const c = cut(v, maxChars);
      if (c !== v) changed = true;
      return c;
    }
    if (Array.isArray(v)) {
      if (v.length > maxItems) changed = true;
      return v.slice(0, maxItems).map(walk);
    }
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  const value2 = walk(value) as T;
  return { value: value2, cut: changed };
}
