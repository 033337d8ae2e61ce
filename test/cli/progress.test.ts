import { progressDisplay, progressLine } from '../../lambda/cli/progress.js';

describe('progress', () => {
  it('shows files, percentage, records, throughput and candidates on one line', () => {
    const line = progressLine(
      { files: 50, totalFiles: 200, records: 1234, bytes: 100 * 1024 ** 2, candidates: 3 },
      2000,
    );
    expect(line).toBe('[#####...............] 25% 50/200 files, 1234 records, 50 MB/s, 3 candidates');
    expect(
      progressLine({ files: 1, totalFiles: 1, records: 0, bytes: 0, candidates: 0 }, 0, 20),
    ).toHaveLength(20);
  });

  it('shows how far into a large file the scan is', () => {
    const line = progressLine(
      {
        files: 0,
        totalFiles: 1,
        records: 10,
        bytes: 300 * 1024 ** 2,
        candidates: 0,
        current: 300 * 1024 ** 2,
      },
      1000,
    );
    expect(line).toContain('0/1 files (300 MB into the current file)');
  });

  it('redraws at most every interval and erases itself when done', () => {
    const out: string[] = [];
    const d = progressDisplay((s) => out.push(s), 80, 10_000);
    const p = { files: 1, totalFiles: 2, records: 0, bytes: 0, candidates: 0 };
    d.update(p);
    d.update(p);
    d.update(p, true);
    d.done();
    expect(out).toHaveLength(3);
    expect(out[0]?.startsWith('\r\u001b[2K[##########..........] 50% 1/2 files')).toBe(true);
    expect(out[2]).toBe('\r\u001b[2K');
  });
});
