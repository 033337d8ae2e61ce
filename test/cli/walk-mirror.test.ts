/**
 * A bucket and its local mirror (`aws s3 sync`) are read alike: the S3 walk and the folder walk
 * read the same files and leave out the same ones (digest and Insights folders, names starting
 * with `.`, other file names), each counted in one note per location, never skipped silently.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NotRead } from '../../lambda/cli/not-read.js';
import { listLogObjects } from '../../lambda/cli/s3.js';
import type { SourceProblem } from '../../lambda/cli/source-types.js';
import { findInputs } from '../../lambda/cli/walk.js';
import { runCli } from '../support/cli-run.js';
import { fakeS3Listing } from '../support/fake-s3.js';

const DAY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/';
const READ = [`${DAY}111122223333_CloudTrail_us-east-1_20260314T1000Z_x.json.gz`, `${DAY}saved.jsonl`];
const NOT_READ = [
  'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/14/111122223333_CloudTrail-Digest_us-east-1_x.json.gz',
  'AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/03/14/111122223333_Insight_us-east-1_x.json.gz',
  `${DAY}._111122223333_CloudTrail_us-east-1_20260314T1000Z_x.json.gz`,
  `${DAY}.DS_Store`,
  'AWSLogs/.git/objects/ab.json',
  `${DAY}notes.txt`,
];
const KEYS = [...READ, ...NOT_READ];

const NO_FILTER = { sinceMs: null, untilMs: null, accounts: [], regions: [], skipBeforeMs: null };

async function s3Walk(prefix: string): Promise<{ read: string[]; note: string | undefined }> {
  const notRead = new NotRead();
  const read = await listLogObjects(fakeS3Listing(KEYS), { bucket: 'trail', prefix }, NO_FILTER, notRead);
  const note = notRead.note('s3://trail/')?.message.replaceAll('s3://trail/', '');
  return { read, note };
}

function localWalk(under = ''): { read: string[]; note: string | undefined; problems: SourceProblem[] } {
  const dir = mkdtempSync(join(tmpdir(), 'lw-mirror-'));
  for (const key of KEYS) {
    mkdirSync(dirname(join(dir, key)), { recursive: true });
    writeFileSync(join(dir, key), '{"Records":[]}');
  }
  const problems: SourceProblem[] = [];
  const inputs = findInputs([join(dir, under)], problems);
  const read = inputs.files.map((f) => f.slice(dir.length + 1)).sort();
  const note = problems.find((p) => p.kind === 'note')?.message.replaceAll(`${dir}/`, '');
  return { read, note, problems };
}

describe('a bucket and its local mirror', () => {
  it('read the same files', async () => {
    expect((await s3Walk('')).read).toEqual(READ);
    expect(localWalk().read).toEqual(READ);
  });

  it('name what they do not read in the same note, counted by kind', async () => {
    const s3 = await s3Walk('');
    const local = localWalk();
    expect(local.note).toBe(s3.note);
    expect(local.problems.filter((p) => p.kind === 'note')).toHaveLength(1);
    expect(s3.note).toBe(
      "not read: 1 CloudTrail-Digest folder(s) (digest files: no events), first AWSLogs/111122223333/CloudTrail-Digest; 1 CloudTrail-Insight folder(s) (Insights events, not API calls), first AWSLogs/111122223333/CloudTrail-Insight; 3 name(s) starting with '.' (CloudTrail writes none: an editor's or a system's), first AWSLogs/.git; 1 file(s) not named .json, .jsonl, .ndjson or .csv (optionally .gz), first AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/notes.txt",
    );
  });

  it('read an Insights folder named on the command line, as they read any folder named', async () => {
    const insight = 'AWSLogs/111122223333/CloudTrail-Insight/';
    const s3 = await s3Walk(insight);
    const local = localWalk(insight);
    expect(s3.read).toEqual([NOT_READ[1]]);
    expect(local.read).toEqual([NOT_READ[1]]);
    expect(s3.note).toBeUndefined();
    expect(local.note).toBeUndefined();
  });

  it('read an object or a file named on the command line whatever its name', async () => {
    const key = `${DAY}.DS_Store`;
    expect((await s3Walk(key)).read).toEqual([key]);
    expect(localWalk(key).read).toEqual([key]);
  });

  it('judge the folder names on folders only: a file so named is a file of another name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-names-'));
    writeFileSync(join(dir, 'CloudTrail-Digest'), '{"Records":[]}');
    mkdirSync(join(dir, 'elsewhere', 'CloudTrail-Insight'), { recursive: true });
    writeFileSync(join(dir, 'elsewhere', 'CloudTrail-Insight', 'x.json'), '{"Records":[]}');
    symlinkSync(join(dir, 'elsewhere', 'CloudTrail-Insight'), join(dir, 'CloudTrail-Insight'));
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, '.link'));
    const problems: SourceProblem[] = [];
    expect(findInputs([dir], problems).files).toEqual([]);
    expect(problems.map((p) => p.message.replaceAll(`${dir}/`, ''))).toEqual([
      "not read: 2 CloudTrail-Insight folder(s) (Insights events, not API calls), first CloudTrail-Insight; 1 name(s) starting with '.' (CloudTrail writes none: an editor's or a system's), first .link; 1 file(s) not named .json, .jsonl, .ndjson or .csv (optionally .gz), first CloudTrail-Digest",
    ]);
  });

  it('scan prints the note of a folder walk, before its summary', async () => {
    const r = await runCli(['scan', '--format', 'jsonl', 'examples/']);
    expect(r.stderr).toMatch(
      /^layerwatch: examples\/: not read: 5 file\(s\) not named \.json, .*, first examples\/findings\/README\.md$/m,
    );
  });
});
