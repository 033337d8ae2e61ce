/**
 * Pieces shared by the chat and email renderings: how an untrusted value is shown (one line, cut,
 * nothing a chat client acts on; in chat fenced in inline code), and the actor and layer origin
 * in words.
 */
import type { Finding } from '../finding.js';
import { codeSigningState } from '../posture.js';
import { cut, inert, oneLine, safeText } from '../text.js';

/** How a renderer shows one untrusted value, cut to `max` characters. */
export type Show = (value: string, max: number) => string;

/**
 * The marks each renderer replaces, as constants: a regular expression literal makes a new object
 * each time it is evaluated, and these run on every value of every alert. Each replacement runs
 * only when its test finds something to replace (most values have nothing).
 */
const CODE_MARK = /[`>]/;
const BACKTICKS = /`/g;
const CLOSING_ANGLES = />/g;
const MARKUP = /[`*_~<>|[\]]/;
const MARKUP_ALL = /[`*_~<>|[\]]/g;

/** Inline code for chat: no backticks, angle brackets or line breaks can escape it. */
export function code(value: string, max: number): string {
  const text = safeText(cut(value, max));
  const safe = CODE_MARK.test(text) ? text.replace(BACKTICKS, "'").replace(CLOSING_ANGLES, '\u203a') : text;
  return safe.length === 0 ? '`-`' : `\`${safe}\``;
}

/** Prose for chat, untrusted values inside: one line, no markup, mention or link. */
export function plain(value: string, max: number): string {
  // Marks go last, so that the brackets of a defanged link cannot start a Markdown link.
  const text = inert(oneLine(cut(value, max)));
  return MARKUP.test(text) ? text.replace(MARKUP_ALL, ' ') : text;
}

/** One untrusted value on one line, cut to `max`; `-` when absent. */
export function line(value: string | null | undefined, max: number): string {
  return value ? safeText(cut(value, max)) : '-';
}

export function listOrNone(items: readonly string[] | null | undefined, max: number): string {
  if (items === null || items === undefined) return 'unknown';
  return items.length === 0 ? '(none)' : items.map((x) => line(x, max)).join(', ');
}

/** The caller in words; `show` renders the permission set, the one untrusted value here. */
export function describeActor(f: Finding, show: Show): string {
  const a = f.actor;
  const parts = [a.human ? `human (${a.kind})` : a.kind];
  parts.push(
    a.credentials === 'long-term'
      ? 'long-term access key'
      : a.credentials === 'temporary'
        ? 'temporary credentials'
        : 'credentials unknown',
  );
  if (a.consoleSession) parts.push('console session');
  if (a.ssoPermissionSet) parts.push(`permission set ${show(a.ssoPermissionSet, 64)}`);
  if (a.deployPrincipal) parts.push('known deploy role');
  if (a.crossAccount) parts.push('from another account');
  if (a.tooling) parts.push(`user agent says ${a.tooling}`);
  return parts.join(', ');
}

/**
 * Where a layer comes from, in words. `show` renders what the event or the layer's policy said
 * (account, principals); the publisher's name and page come from settings.
 */
export function describeOrigin(p: Finding['provenance'][number], show: Show): string {
  const account = show(p.account ?? '-', 64);
  const owner =
    p.relation === 'same-account'
      ? `the function's own account (${account})`
      : p.relation === 'organization'
        ? `organization account ${account}`
        : p.relation === 'known-publisher'
          ? `known publisher ${oneLine(p.publisher?.name ?? '-')} (${account}; source ${oneLine(p.publisher?.source ?? '-')})`
          : p.relation === 'external'
            ? `UNKNOWN EXTERNAL account ${account}`
            : 'not a layer ARN';
  const lookup =
    p.lookup === 'ok'
      ? `readable, ${p.sharing === 'public' ? 'PUBLIC' : p.sharing === 'shared' ? `shared with ${p.sharedWith.map((w) => show(w, 256)).join(', ')}` : p.sharing}`
      : p.lookup === 'not-read'
        ? 'not looked up'
        : `lookup ${p.lookup}`;
  return `owner: ${owner}; ${lookup}`;
}

/** Where the layers run, in words: `$LATEST`, `alias prod -> version 8 (5 %)`, `version 8`. */
export function runsInText(runsIn: NonNullable<Finding['runsIn']>): string {
  return runsIn
    .map((r) =>
      r.qualifier === '$LATEST'
        ? '$LATEST'
        : r.qualifier === '$LATEST.PUBLISHED'
          ? `$LATEST.PUBLISHED (version ${r.version})`
          : r.qualifier === r.version
            ? `version ${r.version}`
            : `alias ${safeText(r.qualifier)} (version ${r.version}, ${Math.round(r.share * 1000) / 10} %)`,
    )
    .join(', ');
}

/** What would have stopped the call, as two labelled lines (none when the finding has no posture). */
export function postureLines(f: Finding): { label: string; text: string }[] {
  if (!f.posture) return [];
  return [
    { label: 'Code signing', text: codeSigningState(f.posture.codeSigning) },
    { label: 'Guardrail', text: f.posture.guardrail.line },
  ];
}
