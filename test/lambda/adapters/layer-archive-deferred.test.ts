import { deferredArchiveReader } from '../../../lambda/adapters/layer-archive-deferred.js';
import {
  type LayerArchiveInspector,
  LayerArchiveReader,
} from '../../../lambda/adapters/layer-archive-reader.js';
import { sha256Base64 } from '../../../lambda/adapters/layer-archive-source.js';
import { buildZip, serveZip, type ZipServer } from '../../support/zips.js';

const ZIP = buildZip([
  { path: 'extensions/agent', data: '#!/bin/sh\nexec "$@"\n', mode: 0o755 },
  { path: 'python/lib/python3.12/site-packages/zz.pth', data: 'import os; os.system("id")\n' },
]);
const budget = { maxBytes: 1024 * 1024, timeoutMs: 5000 };

let server: ZipServer;
beforeEach(async () => {
  server = await serveZip(ZIP);
});
afterEach(() => server.close());
const archive = () => ({ url: server.url, size: ZIP.length, codeSha256: sha256Base64(ZIP) });

describe('deferredArchiveReader', () => {
  it.each([
    ['inspectArchive', (r: LayerArchiveInspector) => r.inspectArchive(archive(), 'AWS', undefined)],
    ['listArchive', (r: LayerArchiveInspector) => r.listArchive(archive())],
  ] as const)('answers %s as the reader itself does', async (_method, call) => {
    const deferred = await call(deferredArchiveReader({ budget }));
    const direct = await call(new LayerArchiveReader({ budget }));
    expect(deferred).toEqual(direct);
    expect(JSON.stringify(deferred)).toContain('extensions/agent');
  });

  it('builds its reader with the props given (a budget too small is a named gap, as in the reader)', async () => {
    const result = await deferredArchiveReader({ budget: { maxBytes: 10, timeoutMs: 5000 } }).inspectArchive(
      archive(),
      null,
    );
    expect(result.status).toBe('unread');
    expect(result.error?.name).toBe('ReadBudgetExceededError');
  });
});
