/**
 * Reader threads for big scans: each reads, gunzips and pre-filters files, normalizes the records of
 * files that may hold a candidate event (rare) and sends back only the core's events, so the main
 * thread only merges and replays them and every core decompresses. A thread runs dist/reader.mjs
 * (reader-thread.ts), built beside the command's bundle (dist/cli.mjs): the readers and the
 * normalizer only, so that a thread starts in a few milliseconds.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type Classified, classify, emptyClassified } from './classify.js';
import { readFile } from './readers.js';
import type { SourceProblem } from './source-types.js';

const ROLE = 'layerwatch-reader';
const BATCH = 16;
/** Batches queued per thread, so that a thread never waits for the main thread between batches. */
const IN_FLIGHT = 2;

export interface ReaderResult {
  files: number;
  bytes: number;
  skipped: number;
  /** Records counted but not parsed: they name no watched call. */
  unparsed: number;
  /** The records read, classified here (normalised, keyed) so the main thread only merges them. */
  classified: Classified;
  problems: SourceProblem[];
}

interface ReaderData {
  role: string;
  maxRecordBytes: number;
}

export async function readInParallel(
  files: readonly string[],
  threads: number,
  maxRecordBytes: number,
  onResult: (result: ReaderResult) => void,
  script?: URL,
): Promise<void> {
  const pool = new ReaderPool(threads, maxRecordBytes, onResult, script);
  for (const file of files) pool.add(file);
  await pool.close();
}

interface Reader {
  worker: Worker;
  /** Batches sent and not yet answered. */
  inFlight: number;
  stopped: boolean;
}

/**
 * Reader threads fed as files are found: `add` may be called while the walk still runs (a thread
 * starts on its first batch, up to `threads`, each new batch going to an idle thread first), and
 * `close` says no more will come; it resolves when every thread has answered every batch and ended.
 */
export class ReaderPool {
  private readonly readers: Reader[] = [];
  private readonly ended: Promise<void>[] = [];
  private readonly queue: string[][] = [];
  private batch: string[] = [];
  private closed = false;

  constructor(
    private readonly threads: number,
    private readonly maxRecordBytes: number,
    private readonly onResult: (result: ReaderResult) => void,
    private readonly script: URL = new URL('./reader.mjs', import.meta.url),
  ) {}

  add(file: string): void {
    this.batch.push(file);
    if (this.batch.length < BATCH) return;
    this.queue.push(this.batch);
    this.batch = [];
    this.dispatch();
  }

  async close(): Promise<void> {
    if (this.batch.length > 0) this.queue.push(this.batch);
    this.batch = [];
    this.closed = true;
    this.dispatch();
    await Promise.all(this.ended);
  }

  private start(): Reader {
    const data: ReaderData = { role: ROLE, maxRecordBytes: this.maxRecordBytes };
    const reader: Reader = {
      worker: new Worker(this.script, { workerData: data }),
      inFlight: 0,
      stopped: false,
    };
    this.ended.push(
      new Promise<void>((resolve, reject) => {
        reader.worker.on('message', (result: ReaderResult) => {
          reader.inFlight -= 1;
          this.onResult(result);
          this.dispatch();
        });
        reader.worker.on('error', reject);
        reader.worker.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`reader thread exited with code ${code}`)),
        );
      }),
    );
    this.readers.push(reader);
    return reader;
  }

  /** Sends queued batches (an idle thread first, then a new one, then one with room); stops idle threads once closed. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = this.readers.find((r) => r.inFlight === 0);
      const reader =
        idle ??
        (this.readers.length < this.threads
          ? this.start()
          : this.readers.find((r) => r.inFlight < IN_FLIGHT));
      if (!reader) break;
      reader.worker.postMessage(this.queue.shift());
      reader.inFlight += 1;
    }
    if (!this.closed || this.queue.length > 0) return;
    for (const r of this.readers)
      if (r.inFlight === 0 && !r.stopped) {
        r.stopped = true;
        r.worker.postMessage(null);
      }
  }
}

/** In a reader thread: serve batches until told to stop. Returns false on the main thread. */
export function runReaderIfWorker(): boolean {
  const data = workerData as Partial<ReaderData> | null;
  if (isMainThread || data?.role !== ROLE || !parentPort) return false;
  const port = parentPort;
  const maxRecordBytes = data.maxRecordBytes as number;
  // Messages are handled one after another: the stop is honoured only after every queued batch
  // has been answered, so no batch's records can be lost to an early exit.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (files: string[] | null) => {
    chain = chain.then(async () => {
      if (files === null) {
        process.exit(0);
      }
      const result: ReaderResult = {
        files: files.length,
        bytes: 0,
        skipped: 0,
        unparsed: 0,
        classified: emptyClassified(),
        problems: [],
      };
      const options = {
        prefilter: true,
        maxRecordBytes,
        onSkipped: () => {
          result.skipped += 1;
        },
        onBytes: (n: number) => {
          result.bytes += n;
        },
        onUnparsed: (n: number) => {
          result.unparsed += n;
        },
      };
      for (const file of files)
        await readFile(
          file,
          result.problems,
          (records) => {
            classify(records, result.classified);
          },
          options,
        );
      port.postMessage(result);
    });
  });
  return true;
}
