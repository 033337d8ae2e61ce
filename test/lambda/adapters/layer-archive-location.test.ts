import { randomBytes } from 'node:crypto';
import { GetLayerVersionCommand, GetLayerVersionPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaLayerReader } from '../../../lambda/adapters/lambda-layer-reader.js';
import { LayerArchiveReader } from '../../../lambda/adapters/layer-archive-reader.js';
import { sha256Base64 } from '../../../lambda/adapters/layer-archive-source.js';
import { buildZip, serveZip, type ZipServer } from '../../support/zips.js';

const lambda = mockClient(LambdaClient);
const arn = 'arn:aws:lambda:eu-west-1:444455556666:layer:ext:3';
const URL_WITH_SIGNATURE =
  'https://awslambda-eu-west-1-layers.s3.eu-west-1.amazonaws.com/x?X-Amz-Signature=SECRET';

describe('the layer archive location (GetLayerVersion Content.Location)', () => {
  beforeEach(() => lambda.reset());

  it('is carried beside the lookup, readable, and left out when the lookup is serialized', async () => {
    lambda.on(GetLayerVersionCommand).resolves({
      Content: { Location: URL_WITH_SIGNATURE, CodeSize: 2120, CodeSha256: 'abc=' },
    });
    lambda
      .on(GetLayerVersionPolicyCommand)
      .rejects(Object.assign(new Error('none'), { name: 'ResourceNotFoundException' }));
    const lookup = await new LambdaLayerReader(() => new LambdaClient({ region: 'eu-west-1' })).readLayer(
      arn,
      '111122223333',
    );
    if (lookup.status !== 'ok') throw new Error('expected a lookup');
    expect(lookup.archive?.url).toBe(URL_WITH_SIGNATURE);
    expect(lookup.archive).toMatchObject({ size: 2120, codeSha256: 'abc=' });
    expect(JSON.stringify(lookup)).not.toContain('SECRET');
    expect(JSON.stringify(lookup.details)).not.toContain('SECRET');
  });

  it('is absent when GetLayerVersion gives no location', async () => {
    lambda.on(GetLayerVersionCommand).resolves({ Content: { CodeSize: 1, CodeSha256: 'a=' } });
    lambda.on(GetLayerVersionPolicyCommand).resolves({});
    const lookup = await new LambdaLayerReader(() => new LambdaClient({ region: 'eu-west-1' })).readLayer(
      arn,
      '1',
    );
    expect(lookup.status === 'ok' && lookup.archive).toBeUndefined();
  });
});

describe("LayerArchiveReader with the caller's stop signal", () => {
  let server: ZipServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('ends a read in flight when the caller stops, with a named gap, well before its own budget', async () => {
    const zip = buildZip([{ path: 'extensions/x', data: 'x', mode: 0o755 }]);
    server = await serveZip(zip, 'slow');
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const started = Date.now();
    const result = await new LayerArchiveReader({
      budget: { maxBytes: 1 << 20, timeoutMs: 20_000 },
    }).inspectArchive(
      { url: server.url, size: zip.length, codeSha256: sha256Base64(zip) },
      null,
      stop.signal,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.status).toBe('unread');
    expect(result.error).toEqual({
      name: 'ReadBudgetExceededError',
      message: "the caller's deadline was reached",
    });
  });

  it('lists the files from the directory alone, normalized, without directories', async () => {
    const zip = buildZip([
      { path: 'extensions/', directory: true },
      { path: './extensions/x', data: randomBytes(300_000), mode: 0o755, method: 'store' },
      { path: 'python/a.py', data: 'a = 1\n' },
    ]);
    server = await serveZip(zip);
    const listing = await new LayerArchiveReader().listArchive({
      url: server.url,
      size: zip.length,
      codeSha256: sha256Base64(zip),
    });
    expect(listing).toEqual({ status: 'read', paths: ['extensions/x', 'python/a.py'] });
    expect(server.bytesSent).toBeLessThan(zip.length);
  });

  it('answers unread, with the error, for a damaged archive', async () => {
    const zip = Buffer.from('not a zip at all, not even close');
    server = await serveZip(zip);
    const listing = await new LayerArchiveReader().listArchive({
      url: server.url,
      size: zip.length,
      codeSha256: 'x',
    });
    expect(listing).toEqual({
      status: 'unread',
      error: expect.objectContaining({ name: 'ArchiveFormatError' }),
    });
  });
});
