/**
 * The start-up hook variables of a finding (`execHooks`) in words, for the email and chat
 * renderings: each change on one line, then the variables in force. `show` renders the untrusted
 * values (names are from a fixed list; values come from the function's configuration).
 */
import type { Finding } from '../finding.js';
import type { Show } from './describe.js';

const VALUE_MAX = 256;

/** One line per variable that changed, `NAME: before -> after (what it runs)`. */
export function hookChangeLines(f: Finding, show: Show): string[] {
  if (!f.execHooks) return [];
  return f.execHooks.changed.map((c) => {
    const from =
      c.from === null ? (f.execHooks?.before === null ? 'unknown' : '(unset)') : show(c.from, VALUE_MAX);
    const to = c.to === null ? '(removed)' : show(c.to, VALUE_MAX);
    return `${c.variable}: ${from} -> ${to}${c.reason ? ` (${show(c.reason, VALUE_MAX)})` : ''}`;
  });
}

/** The hook variables in force after the event, `NAME=value, ...`, or `(none)`. */
export function hooksInForce(f: Finding, show: Show): string | null {
  if (!f.execHooks) return null;
  const entries = Object.entries(f.execHooks.after);
  return entries.length === 0 ? '(none)' : entries.map(([k, v]) => `${k}=${show(v, VALUE_MAX)}`).join(', ');
}
