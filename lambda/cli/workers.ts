/**
 * Reader threads for big scans: each reads, gunzips and pre-filters files and sends back only the
 * records of files that may hold a candidate event (rare), so the main thread parses little and
 * every core decompresses. A thread runs dist/reader.mjs (reader-thread.ts), built beside the
 * command's bundle (dist/cli.mjs): only the readers, so that a thread starts in a few milliseconds.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { readFile } from './readers.js';
import type { SourceProblem, SourceRecord } from './source-types.js';

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
  records: SourceRecord[];
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
  script: URL = new URL('./reader.mjs', import.meta.url),
): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += BATCH) batches.push(files.slice(i, i + BATCH));
  let next = 0;
  const data: ReaderData = { role: ROLE, maxRecordBytes };
  await Promise.all(
    Array.from(
      { length: Math.min(threads, batches.length) },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(script, { workerData: data });
          const feed = () => worker.postMessage(next < batches.length ? batches[next++] : null);
          worker.on('message', (result: ReaderResult) => {
            onResult(result);
            feed();
          });
          worker.on('error', reject);
          worker.on('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`reader thread exited with code ${code}`)),
          );
          for (let i = 0; i < IN_FLIGHT; i += 1) feed();
        }),
    ),
  );
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
        records: [],
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
            for (const r of records) result.records.push(r);
          },
          options,
        );
      port.postMessage(result);
    });
  });
  return true;
}
