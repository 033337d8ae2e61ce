/**
 * Pieces shared by the chat and email renderings: how an untrusted value is shown (one line, cut,
 * in chat fenced in inline code), and the actor and layer origin in words.
 */
import type { Finding } from '../finding.js';
import { cut, oneLine } from '../text.js';

/** Inline code for chat: no backticks, angle brackets or line breaks can escape it. */
export function code(value: string, max: number): string {
  const safe = oneLine(cut(value, max)).replace(/`/g, "'").replace(/</g, '\u2039').replace(/>/g, '\u203a');
  return safe.length === 0 ? '`-`' : `\`${safe}\``;
}

/** Our own prose with untrusted values inside: one line, no chat markup characters. */
export function plain(value: string, max: number): string {
  return oneLine(cut(value, max)).replace(/[`*_~<>|[\]]/g, ' ');
}

/** One untrusted value on one line, cut to `max`; `-` when absent. */
export function line(value: string | null | undefined, max: number): string {
  return value ? oneLine(cut(value, max)) : '-';
}

export function listOrNone(items: readonly string[] | null | undefined, max: number): string {
  if (items === null || items === undefined) return 'unknown';
  return items.length === 0 ? '(none)' : items.map((x) => line(x, max)).join(', ');
}

export function describeActor(f: Finding): string {
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
  if (a.ssoPermissionSet) parts.push(`permission set ${oneLine(cut(a.ssoPermissionSet, 64))}`);
  if (a.deployPrincipal) parts.push('known deploy role');
  if (a.crossAccount) parts.push('from another account');
  if (a.tooling) parts.push(`user agent says ${a.tooling}`);
  return parts.join(', ');
}

export function describeOrigin(p: Finding['provenance'][number]): string {
  const owner =
    p.relation === 'same-account'
      ? `the function's own account (${p.account})`
      : p.relation === 'organization'
        ? `organization account ${p.account}`
        : p.relation === 'known-publisher'
          ? `known publisher ${p.publisher?.name} (${p.account}; source ${p.publisher?.source})`
          : p.relation === 'external'
            ? `UNKNOWN EXTERNAL account ${p.account}`
            : 'not a layer ARN';
  const lookup =
    p.lookup === 'ok'
      ? `readable, ${p.sharing === 'public' ? 'PUBLIC' : p.sharing === 'shared' ? `shared with ${p.sharedWith.join(', ')}` : p.sharing}`
      : p.lookup === 'not-read'
        ? 'not looked up'
        : `lookup ${p.lookup}`;
  return `owner: ${owner}; ${lookup}`;
}
