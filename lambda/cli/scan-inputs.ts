/**
 * The sources step of `scan`: reads every input (local files, in reader threads when there are
 * many; pipes named on the command line; standard input; S3 objects) into the event collector.
 */
import { availableParallelism } from 'node:os';
import type { Io } from './command.js';
import { NotRead } from './not-read.js';
import { readBytes, readFile, readStream } from './readers.js';
import type { ListingFilter } from './s3.js';
import type { EventCollector, ScanStats } from './scan.js';
import type { ScanOptions } from './scan-args.js';
import type { ReadOptions, RecordSink, SourceProblem } from './source-types.js';
import type { Inputs } from './walk.js';
import { ReaderPool, type ReaderResult, readInParallel } from './workers.js';

export interface ReadState {
  stats: ScanStats;
  problems: SourceProblem[];
  collector: EventCollector;
  /** Redraws the progress line (no-op off a terminal); `current`: bytes into a large file. */
  tick(current?: number): void;
}

/** Streamed files show their own progress from this size on. */
const LARGE = 16 * 1024 * 1024;

/** Reader threads from 16 files on (one per core, at most 4), unless --threads says. */
const THREADED_FROM = 16;

function threadsFor(options: Pick<ScanOptions, 'threads'>, files: number): number {
  return options.threads ?? (files >= THREADED_FROM ? Math.min(availableParallelism(), 4) : 1);
}

function collect(result: ReaderResult, state: ReadState): void {
  state.stats.files += result.files;
  state.stats.unparsedFiles += result.skipped;
  state.stats.bytes += result.bytes;
  state.collector.skip(result.unparsed);
  state.problems.push(...result.problems);
  state.collector.addClassified(result.classified);
  state.tick();
}

/**
 * Reader threads started while the walk still runs: once it has found as many files as make the
 * scan threaded, they start, take those, and take each further file as it is found, so that their
 * start and the walk overlap. `readInputs` then only waits for them.
 */
export class EarlyReaders {
  pool: ReaderPool | null = null;
  private readonly found: string[] = [];

  constructor(
    private readonly options: Pick<ScanOptions, 'prefilter' | 'maxRecordBytes' | 'threads'>,
    private readonly state: ReadState,
    private readonly script?: URL,
  ) {}

  /** The walk's `onFile`. */
  readonly onFile = (file: string): void => {
    if (this.pool) {
      this.pool.add(file);
      return;
    }
    this.found.push(file);
    const threads = threadsFor(this.options, this.found.length);
    if (!this.options.prefilter || threads < 2) return;
    this.pool = new ReaderPool(
      threads,
      this.options.maxRecordBytes,
      (result) => collect(result, this.state),
      this.script,
    );
    for (const f of this.found) this.pool.add(f);
  };
}

export async function readInputs(
  inputs: Inputs,
  options: Pick<ScanOptions, 'prefilter' | 'maxRecordBytes' | 'threads' | 'filter' | 's3SkipBeforeMs'>,
  io: Io,
  state: ReadState,
  early?: EarlyReaders,
): Promise<void> {
  const { stats, collector } = state;
  let current = 0;
  const readOptions: ReadOptions = {
    prefilter: options.prefilter,
    maxRecordBytes: options.maxRecordBytes,
    onSkipped: () => {
      stats.unparsedFiles += 1;
    },
    onUnparsed: (records) => collector.skip(records),
    onBytes: (n) => {
      stats.bytes += n;
      current += n;
      state.tick(current >= LARGE ? current : 0);
    },
  };
  const sink: RecordSink = (records) => collector.add(records);
  const done = () => {
    stats.files += 1;
    current = 0;
    state.tick();
  };
  const threads = threadsFor(options, inputs.files.length);
  if (early?.pool) await early.pool.close();
  else if (options.prefilter && threads > 1) {
    await readInParallel(
      inputs.files,
      threads,
      options.maxRecordBytes,
      (result) => collect(result, state),
      io.readerScript,
    );
  } else {
    for (const file of inputs.files) {
      await readFile(file, state.problems, sink, readOptions);
      done();
    }
  }
  for (const path of inputs.streams) {
    await readFile(path, state.problems, sink, readOptions, true);
    done();
  }
  if (inputs.stdin) {
    if (io.stdin) await readStream('(stdin)', io.stdin, state.problems, sink, readOptions);
    else state.problems.push({ file: '-', position: null, message: 'no standard input', kind: 'unreadable' });
    done();
  }
  if (inputs.s3.length > 0)
    await readS3(
      inputs.s3,
      { ...options.filter, skipBeforeMs: options.s3SkipBeforeMs },
      state.problems,
      readOptions,
      (records) => sink(records),
      done,
    );
}

/** Lists and reads s3:// locations, a few objects at a time; a failure is an unreadable input. */
async function readS3(
  urls: readonly string[],
  filter: ListingFilter,
  problems: SourceProblem[],
  readOptions: ReadOptions,
  sink: RecordSink,
  done: () => void,
): Promise<void> {
  const { getObject, listLogObjects, parseS3Url, s3Client, skippedDays } = await import('./s3.js');
  const client = s3Client();
  const cannot = (file: string, verb: string, error: unknown) =>
    problems.push({
      file,
      position: null,
      message: `${verb}: ${(error as Error).name}: ${(error as Error).message}`,
      kind: 'unreadable',
    });
  for (const url of urls) {
    let location: ReturnType<typeof parseS3Url>;
    let keys: string[];
    const notRead = new NotRead();
    try {
      location = parseS3Url(url);
      keys = await listLogObjects(client, location, filter, notRead);
    } catch (error) {
      cannot(url, 'cannot list', error);
      continue;
    }
    const note = notRead.note(url);
    if (note) problems.push(note);
    if (filter.skipBeforeMs !== null) problems.push(skippedDays(url, filter.skipBeforeMs));
    const { bucket } = location;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < keys.length; i = next++) {
        const name = `s3://${bucket}/${keys[i]}`;
        try {
          const object = await getObject(client, bucket, keys[i] as string, readOptions.maxRecordBytes);
          if (Buffer.isBuffer(object)) await readBytes(name, object, problems, sink, readOptions);
          else await readStream(name, object, problems, sink, readOptions);
        } catch (error) {
          cannot(name, 'cannot read', error);
        }
        done();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }
}
