import { randomBytes } from 'node:crypto';
import { readContents } from '../../../lambda/adapters/layer-archive-content.js';
import { HttpRangeSource } from '../../../lambda/adapters/layer-archive-http.js';
import { LayerArchiveReader } from '../../../lambda/adapters/layer-archive-reader.js';
import { BudgetMeter, sha256Base64 } from '../../../lambda/adapters/layer-archive-source.js';
import { readDirectory } from '../../../lambda/adapters/layer-archive-zip.js';
import {
  buildZip,
  serveZip,
  type VirtualZip,
  virtualZip,
  type ZipEntrySpec,
  type ZipServer,
} from '../../support/zips.js';

const ELF = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
  Buffer.alloc(8),
  Buffer.from([2, 0, 0x3e, 0]),
  Buffer.alloc(200),
]);
const HOOKS: ZipEntrySpec[] = [
  { path: 'extensions/agent', data: ELF, mode: 0o755 },
  { path: 'python/lib/python3.12/site-packages/zz.pth', data: 'import os; os.system("id")\n' },
  { path: 'wrapper', data: '#!/bin/sh\nexec "$@"\n', mode: 0o755 },
];
/** A large layer: 8 MiB of incompressible data first, the files that matter after it. */
const LARGE: ZipEntrySpec[] = [
  { path: 'python/data/blob.bin', data: randomBytes(8 * 1024 * 1024), method: 'store' },
  ...HOOKS,
];

const servers: ZipServer[] = [];
async function serve(zip: Buffer | VirtualZip, mode: Parameters<typeof serveZip>[1] = 'range') {
  const server = await serveZip(zip, mode);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function archive(server: ZipServer, zip: Buffer, overrides: { size?: number; codeSha256?: string } = {}) {
  return { url: server.url, size: zip.length, codeSha256: sha256Base64(zip), ...overrides };
}

const reader = (budget = { maxBytes: 64 * 1024 * 1024, timeoutMs: 5000 }) =>
  new LayerArchiveReader({ budget });

describe('LayerArchiveReader over HTTP', () => {
  it('inspects a large layer with a few Range requests, never the whole archive', async () => {
    const zip = buildZip(LARGE);
    const server = await serve(zip);
    const result = await reader().inspectArchive(archive(server, zip), null);
    expect(result.status).toBe('inspected');
    expect(result.report.signals.map((s) => s.id).sort()).toEqual([
      'exec-wrapper-script',
      'external-extension',
      'native-code',
      'runtime-startup-hook',
    ]);
    expect(result.transfer).toEqual(expect.objectContaining({ mode: 'range', sha256Verified: false }));
    expect(result.transfer.bytes).toBeLessThan(100 * 1024);
    expect(server.bytesSent).toBe(result.transfer.bytes);
    expect(server.requests.length).toBe(result.transfer.requests);
    expect(server.requests.every((r) => r !== null && /^bytes=\d+-\d+$/.test(r))).toBe(true);
    expect(result.entries.map((e) => e.path)).toContain('extensions/agent');
  });

  it('reads a zip64 archive whose entries sit past 4 GiB by ranges, calls it unsafe, and still reads it', async () => {
    const zip = virtualZip(HOOKS, { padding: 4.5 * 1024 ** 3 });
    const server = await serve(zip);
    const result = await reader().inspectArchive(
      { url: server.url, size: zip.size, codeSha256: 'unused' },
      null,
    );
    expect(zip.size).toBeGreaterThan(2 ** 32);
    expect(result.entries.find((e) => e.path === 'wrapper')?.offset).toBeGreaterThan(2 ** 32);
    // No real layer is this large: unsafe, and its few small files are read all the same.
    expect(result.status).toBe('inspected');
    expect(result.report.signals).toContainEqual(
      expect.objectContaining({
        id: 'unsafe-archive',
        reason: expect.stringMatching(/over Lambda's 250 MB/),
      }),
    );
    expect(result.report.signals.map((s) => s.id)).toContain('runtime-startup-hook');
    expect(result.report.gaps).toEqual([]);
    expect(result.transfer.bytes).toBeLessThan(200 * 1024);
  });

  it('reads file content that sits past 4 GiB', async () => {
    const zip = virtualZip(HOOKS, { padding: 4.5 * 1024 ** 3 });
    const server = await serve(zip);
    const meter = new BudgetMeter({ maxBytes: 1024 * 1024, timeoutMs: 5000 });
    const source = new HttpRangeSource({ url: server.url, size: zip.size, codeSha256: 'unused' }, meter);
    const { entries } = await readDirectory(source);
    const { contents } = await readContents(source, entries, [{ path: 'wrapper', bytes: 64 }]);
    expect(Buffer.from(contents.get('wrapper') as Uint8Array).toString()).toBe('#!/bin/sh\nexec "$@"\n');
    expect(meter.bytes).toBeLessThan(100 * 1024);
  });

  it('falls back to one streamed download when the server ignores Range, and checks CodeSha256', async () => {
    const zip = buildZip(LARGE);
    const server = await serve(zip, 'no-range');
    const result = await reader().inspectArchive(archive(server, zip), null);
    expect(result.status).toBe('inspected');
    expect(result.transfer).toEqual(
      expect.objectContaining({ mode: 'full', sha256Verified: true, requests: 1, bytes: zip.length }),
    );
    expect(result.report.signals).toHaveLength(4);
  });

  it('refuses a download that is not the layer Lambda describes', async () => {
    const zip = buildZip(HOOKS);
    const server = await serve(zip, 'no-range');
    const result = await reader().inspectArchive(
      archive(server, zip, { codeSha256: sha256Base64(Buffer.from('other')) }),
      null,
    );
    expect(result.status).toBe('unread');
    expect(result.error?.name).toBe('ArchiveDigestMismatchError');
    expect(result.report.gaps[0]?.reason).toMatch(/^archive not read: ArchiveDigestMismatchError/);
  });

  it('does not download an archive larger than the byte budget when Range is ignored', async () => {
    const zip = buildZip(LARGE);
    const server = await serve(zip, 'no-range');
    const result = await reader({ maxBytes: 1024 * 1024, timeoutMs: 5000 }).inspectArchive(
      archive(server, zip),
      null,
    );
    expect(result.error?.name).toBe('ReadBudgetExceededError');
    expect(result.transfer.bytes).toBe(0);
  });

  it('names a truncated body', async () => {
    const zip = buildZip(HOOKS);
    const server = await serve(zip, 'truncate');
    const result = await reader().inspectArchive(archive(server, zip), null);
    expect(result.status).toBe('unread');
    expect(result.error?.name).toBe('TruncatedBodyError');
  });

  it("names a server whose total length is not the layer's CodeSize", async () => {
    const zip = buildZip(HOOKS);
    const server = await serve(zip, 'wrong-total');
    const result = await reader().inspectArchive(archive(server, zip), null);
    expect(result.error).toEqual(
      expect.objectContaining({
        name: 'ArchiveSizeMismatchError',
        message: expect.stringMatching(/CodeSize/),
      }),
    );
  });

  it('names a full body of the wrong length', async () => {
    const zip = buildZip(HOOKS);
    const server = await serve(zip, 'no-range');
    const result = await reader().inspectArchive(archive(server, zip, { size: zip.length + 10 }), null);
    expect(result.error?.name).toBe('ArchiveSizeMismatchError');
  });

  it('ends the reading with a named gap when the time budget is spent', async () => {
    const zip = buildZip(HOOKS);
    const server = await serve(zip, 'slow');
    const started = Date.now();
    const result = await reader({ maxBytes: 1e9, timeoutMs: 300 }).inspectArchive(archive(server, zip), null);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.error?.name).toBe('ReadBudgetExceededError');
  });

  it('reports the files it had no budget left for as gaps, with the signals it could raise', async () => {
    const zip = buildZip([...HOOKS, ...LARGE.slice(0, 1)]);
    const server = await serve(zip);
    // The tail read (65,577 bytes: end records, directory) fits; the files, at the start, do not.
    const result = await reader({ maxBytes: 65_577 + 100, timeoutMs: 5000 }).inspectArchive(
      archive(server, zip),
      null,
    );
    expect(result.status).toBe('partial');
    expect(result.report.gaps.some((g) => /ReadBudgetExceededError/.test(g.reason))).toBe(true);
    expect(result.report.signals.map((s) => s.id)).toContain('external-extension');
  });

  it('uses the injected fetch, and names an expired URL', async () => {
    const calls: string[] = [];
    const forbidden = new LayerArchiveReader({
      fetch: async (url) => {
        calls.push(url);
        return new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 });
      },
    });
    const result = await forbidden.inspectArchive(
      { url: 'https://example.invalid/x.zip', size: 1000, codeSha256: 'x' },
      null,
    );
    expect(calls).toEqual(['https://example.invalid/x.zip']);
    expect(result.error).toEqual({ name: 'ArchiveFetchError', message: 'HTTP 403 for bytes 0-999' });
  });

  it('never throws, whatever the fetch function does', async () => {
    const broken = new LayerArchiveReader({
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const result = await broken.inspectArchive({ url: 'https://x', size: 100, codeSha256: 'x' }, null);
    expect(result.error?.name).toBe('ArchiveFetchError');
  });

  it('lowers severities for a known publisher', async () => {
    const zip = buildZip(HOOKS);
    const server = await serve(zip);
    const result = await reader().inspectArchive(archive(server, zip), 'AWS CloudWatch Lambda Insights');
    const extension = result.report.signals.find((s) => s.id === 'external-extension');
    expect(extension).toEqual(
      expect.objectContaining({
        severity: 'medium',
        lowered: { from: 'high', publisher: 'AWS CloudWatch Lambda Insights' },
      }),
    );
  });
});
