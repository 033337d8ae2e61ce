/**
 * `layerwatch scan s3://bucket/prefix/`: lists CloudTrail log objects and reads them, walking the
 * layout CloudTrail writes (`AWSLogs/[o-org/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/`) one
 * level at a time so that --account, --region and --until prune whole folders instead of listing
 * them. --since prunes nothing: the days before it build the baseline (read, not reported), as they
 * do in a local folder; only --s3-skip-before, asked for by name, skips days before a time, and the
 * scan says so. What the walk finds and does not read is judged as in a local folder (not-read.ts:
 * digest and Insights folders, dot-names, other file names) and counted in one note per location.
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CLI_CALLS, sdkClient } from '../adapters/client-options.js';
import type { EventFilter } from './filter.js';
import { fileNotRead, folderNotRead, NotRead } from './not-read.js';
import type { SourceProblem } from './source-types.js';

/** The scan's filter, and `--s3-skip-before` (null: every day folder the filter keeps is listed). */
export interface ListingFilter extends EventFilter {
  skipBeforeMs: number | null;
}

/** The note that names what `--s3-skip-before` left out of a location's baseline. */
export function skippedDays(url: string, skipBeforeMs: number): SourceProblem {
  const day = new Date(skipBeforeMs).toISOString().slice(0, 10);
  return {
    file: url,
    position: null,
    message: `day folders before ${day} (less a day of margin) not read (--s3-skip-before): their events build no baseline, so a change after then to a state set before it (an alias moved onto an older version, say) is not seen`,
    kind: 'note',
  };
}

export interface S3Location {
  bucket: string;
  prefix: string;
}

export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new Error(`"${url}" is not an s3://bucket/prefix URL`);
  return { bucket: m[1] as string, prefix: m[2] ?? '' };
}

/** A client for the CLI's environment; honours AWS_ENDPOINT_URL (path-style then). */
export function s3Client(env: Record<string, string | undefined> = process.env): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return sdkClient(S3Client, CLI_CALLS, {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

interface Walk {
  /** Segments after AWSLogs/ so far: which level the next folder is. */
  level: 'root' | 'account' | 'service' | 'region' | 'year' | 'month' | 'day' | 'free';
  date: string[];
}

function nextLevel(w: Walk, segment: string): Walk {
  switch (w.level) {
    case 'root':
      return segment === 'AWSLogs' ? { level: 'account', date: [] } : { level: 'root', date: [] };
    case 'account':
      if (/^o-[a-z0-9]{10,32}$/.test(segment)) return { level: 'account', date: [] };
      return /^\d{12}$/.test(segment) ? { level: 'service', date: [] } : { level: 'free', date: [] };
    case 'service':
      return segment === 'CloudTrail' ? { level: 'region', date: [] } : { level: 'free', date: [] };
    case 'region':
      return { level: 'year', date: [] };
    case 'year':
      return { level: 'month', date: [segment] };
    case 'month':
      return { level: 'day', date: [...w.date, segment] };
    default:
      return { level: 'free', date: w.date };
  }
}

function keep(w: Walk, segment: string, f: ListingFilter): boolean {
  if (w.level === 'account' && /^\d{12}$/.test(segment))
    return f.accounts.length === 0 || f.accounts.includes(segment);
  if (w.level === 'region') return f.regions.length === 0 || f.regions.includes(segment);
  if (w.level === 'day' && /^\d{2}$/.test(segment) && w.date.length === 2) {
    const dayStart = Date.parse(`${w.date[0]}-${w.date[1]}-${segment}T00:00:00Z`);
    if (Number.isNaN(dayStart)) return true;
    // A delivered file may hold events of the previous day (delivery lags by minutes): keep a day's
    // margin. Days before --since are kept: their events build the baseline the first change after
    // it is diffed against (an alias moved onto a version published weeks before, say); only
    // --s3-skip-before, whose gap the scan names, drops days before a time.
    const margin = 86_400_000;
    if (f.skipBeforeMs !== null && dayStart + 2 * margin <= f.skipBeforeMs) return false;
    if (f.untilMs !== null && dayStart - margin > f.untilMs) return false;
  }
  return true;
}

/**
 * Lists log object keys under the location, pruned by the filter; what the walk finds and does not
 * read goes to `notRead`. An object whose key is the prefix itself is read: it was named.
 */
export async function listLogObjects(
  client: S3Client,
  location: S3Location,
  filter: ListingFilter,
  notRead: NotRead = new NotRead(),
): Promise<string[]> {
  const keys: string[] = [];
  const start: Walk = { level: 'root', date: [] };
  // Position the walk where the user's prefix already is.
  let walk: Walk = start;
  const given = location.prefix.split('/').filter(Boolean);
  const complete = location.prefix === '' || location.prefix.endsWith('/') ? given : given.slice(0, -1);
  for (const segment of complete) walk = nextLevel(walk, segment);
  const object = (key: string, size: number | undefined) => {
    // A folder marker (an empty object named like a folder, as the S3 console makes one) inside
    // the location is no file: passed over. One that holds bytes is counted as a file not read.
    if (key !== location.prefix && key.endsWith('/') && size === 0) return;
    const skipped = key === location.prefix ? null : fileNotRead(key.slice(key.lastIndexOf('/') + 1));
    if (skipped) notRead.add(skipped, `s3://${location.bucket}/${key}`);
    else keys.push(key);
  };
  const visit = async (prefix: string, w: Walk): Promise<void> => {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: location.bucket,
          Prefix: prefix,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) object(o.Key, o.Size);
      for (const p of page.CommonPrefixes ?? []) {
        if (!p.Prefix) continue;
        const segment = p.Prefix.slice(prefix.length).replace(/\/$/, '');
        const skipped = folderNotRead(segment);
        if (skipped) notRead.add(skipped, `s3://${location.bucket}/${p.Prefix.slice(0, -1)}`);
        else if (keep(w, segment, filter)) await visit(p.Prefix, nextLevel(w, segment));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  };
  await visit(location.prefix, walk);
  return keys.sort();
}

/**
 * Gets one object: its bytes when it is at most `wholeBytes` long (parsed whole, the fast path),
 * else its body as a stream, so that an object of any size is read in bounded memory.
 */
export async function getObject(
  client: S3Client,
  bucket: string,
  key: string,
  wholeBytes: number,
): Promise<Buffer | AsyncIterable<Buffer>> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) return Buffer.alloc(0);
  if (out.ContentLength !== undefined && out.ContentLength <= wholeBytes)
    return Buffer.from(await out.Body.transformToByteArray());
  // In Node the body is a Readable of Buffers.
  return out.Body as unknown as AsyncIterable<Buffer>;
}
