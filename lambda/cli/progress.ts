/** A one-line progress display on stderr, for terminals only. */

export interface Progress {
  files: number;
  totalFiles: number;
  records: number;
  bytes: number;
  candidates: number;
  /** Bytes read so far of a large file being streamed (0 when none): a long file still shows progress. */
  current?: number;
}

const MB = 1024 ** 2;

export function progressLine(p: Progress, elapsedMs: number, width = 100): string {
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  const pct = p.totalFiles > 0 ? Math.floor((100 * p.files) / p.totalFiles) : 0;
  const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
  const current = p.current ? ` (${(p.current / MB).toFixed(0)} MB into the current file)` : '';
  const line = `[${bar}] ${pct}% ${p.files}/${p.totalFiles} files${current}, ${p.records} records, ${(p.bytes / MB / seconds).toFixed(0)} MB/s, ${p.candidates} candidates`;
  return line.slice(0, width);
}

/** Redraws at most every `intervalMs`; `done()` erases the line. */
export function progressDisplay(write: (s: string) => void, columns: number | undefined, intervalMs = 200) {
  const started = Date.now();
  let last = 0;
  return {
    update(p: Progress, force = false) {
      const now = Date.now();
      if (!force && now - last < intervalMs) return;
      last = now;
      write(`\r\u001b[2K${progressLine(p, now - started, (columns ?? 100) - 1)}`);
    },
    done() {
      write('\r\u001b[2K');
    },
  };
}
