/**
 * What changed in a function between two reads of it (the plan's and the one just before applying,
 * or the revert's result and the restore's read), in words. `--apply` refuses on any of it: a plan
 * is only safe against the state it was made from. The `RevisionId`s guard the same writes again
 * at the API, for a change that lands between this read and the write.
 */
import { type FunctionSnapshot, routingText, sameRouting } from './snapshot.js';

const list = (layers: readonly string[]) => (layers.length === 0 ? '(no layers)' : layers.join(', '));
const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function aliasChanges(was: FunctionSnapshot, now: FunctionSnapshot): string[] {
  const out: string[] = [];
  for (const a of was.aliases) {
    const b = now.aliases.find((x) => x.name === a.name);
    if (!b) out.push(`alias ${a.name} was deleted`);
    else if (!sameRouting(a, b))
      out.push(`alias ${a.name} now routes to ${routingText(b)} (planned from ${routingText(a)})`);
    else if (a.revisionId !== b.revisionId)
      out.push(`alias ${a.name} was written since (RevisionId ${a.revisionId} -> ${b.revisionId})`);
  }
  for (const b of now.aliases)
    if (!was.aliases.some((a) => a.name === b.name))
      out.push(`alias ${b.name} was created (${routingText(b)})`);
  return out;
}

function versionChanges(was: FunctionSnapshot, now: FunctionSnapshot): string[] {
  const out: string[] = [];
  for (const v of now.versions)
    if (!was.versions.some((x) => x.version === v.version))
      out.push(`version ${v.version} was published (layers ${list(v.layers)})`);
  for (const v of was.versions)
    if (!now.versions.some((x) => x.version === v.version)) out.push(`version ${v.version} was deleted`);
  return out;
}

/** Every difference that matters to a revert; [] when the function is as it was read. */
export function changesBetween(was: FunctionSnapshot, now: FunctionSnapshot): string[] {
  const out: string[] = [];
  if (!same(was.layers, now.layers))
    out.push(`$LATEST's layers are now ${list(now.layers)} (planned from ${list(was.layers)})`);
  else if (was.revisionId !== now.revisionId)
    out.push(`$LATEST was written since (RevisionId ${was.revisionId} -> ${now.revisionId})`);
  out.push(...aliasChanges(was, now), ...versionChanges(was, now));
  if (was.reservedConcurrency !== now.reservedConcurrency)
    out.push(
      `reserved concurrency is now ${now.reservedConcurrency ?? 'none'} (planned from ${was.reservedConcurrency ?? 'none'})`,
    );
  if (was.stackName !== now.stackName)
    out.push(`the stack tag is now ${now.stackName ?? 'absent'} (planned from ${was.stackName ?? 'absent'})`);
  return out;
}
