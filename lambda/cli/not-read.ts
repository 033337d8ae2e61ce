/**
 * Which files and folders found under a scanned location are not read, the same for a local folder
 * and an S3 location (a bucket and its `aws s3 sync` mirror give the same result), and the note
 * that counts them: nothing is left out silently.
 *
 * - `CloudTrail-Digest` folders: digest files, hashes of the log files for integrity checks, no events.
 * - `CloudTrail-Insight` folders: Insights events (unusual API call or error rates), not API calls.
 * - Names starting with `.`: CloudTrail writes none; editors and operating systems do (`.DS_Store`,
 *   macOS's `._name.json` beside each copied file, a `.git` folder).
 * - Files not named `.json`, `.jsonl`, `.ndjson` or `.csv`, each optionally `.gz`.
 *
 * Only what is found by walking is judged: a file, folder or prefix named on the command line is read.
 */
import type { SourceProblem } from './source-types.js';

const RECORD_FILE = /\.(json|jsonl|ndjson|csv)(\.gz)?$/i;

type Reason = 'digest' | 'insight' | 'dot' | 'name';

const SAID: Record<Reason, (n: number) => string> = {
  digest: (n) => `${n} CloudTrail-Digest folder(s) (digest files: no events)`,
  insight: (n) => `${n} CloudTrail-Insight folder(s) (Insights events, not API calls)`,
  dot: (n) => `${n} name(s) starting with '.' (CloudTrail writes none: an editor's or a system's)`,
  name: (n) => `${n} file(s) not named .json, .jsonl, .ndjson or .csv (optionally .gz)`,
};

/** Why a folder (or a name not yet known to be a file) found in a walk is not read; null: it is. */
export function folderNotRead(name: string): Reason | null {
  if (name === 'CloudTrail-Digest') return 'digest';
  if (name === 'CloudTrail-Insight') return 'insight';
  return name.startsWith('.') ? 'dot' : null;
}

/** Why a file found in a walk is not read; null: it is. */
export function fileNotRead(name: string): Reason | null {
  if (name.startsWith('.')) return 'dot';
  return RECORD_FILE.test(name) ? null : 'name';
}

/** The order of the reasons in the note. */
const ORDER: readonly Reason[] = ['digest', 'insight', 'dot', 'name'];

/** Counts what one location's walk did not read, with the first path (in byte order) of each reason: the same whatever the walk's order. */
export class NotRead {
  private readonly counts = new Map<Reason, { n: number; first: string }>();

  add(reason: Reason, path: string): void {
    const c = this.counts.get(reason);
    if (c) {
      c.n += 1;
      if (path < c.first) c.first = path;
    } else this.counts.set(reason, { n: 1, first: path });
  }

  /** The note for `location`, or null when everything found was read. */
  note(location: string): SourceProblem | null {
    if (this.counts.size === 0) return null;
    const parts = ORDER.flatMap((r) => {
      const c = this.counts.get(r);
      return c ? [`${SAID[r](c.n)}, first ${c.first}`] : [];
    });
    return { file: location, position: null, message: `not read: ${parts.join('; ')}`, kind: 'note' };
  }
}
