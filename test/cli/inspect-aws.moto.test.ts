/**
 * `layerwatch inspect ARN|FUNCTION`: layer versions and functions read from a moto server, their
 * archives served by a local HTTP server with Range support (moto's Content.Location is the literal
 * `s3://`, which the default fetch refuses by name), and the failures named without the URL.
 */
import { createHash } from 'node:crypto';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LayerVersionLocator, type LocationFetch } from '../../lambda/adapters/layer-version-locator.js';
import { runInspect } from '../../lambda/cli/inspect.js';
import { classifyAwsInput } from '../../lambda/cli/inspect-aws.js';
import { memoryIo } from '../support/cli-io.js';
import { clientConfig, type Moto, startMoto } from '../support/moto.js';
import { buildZip, serveZip, type ZipEntrySpec, type ZipServer } from '../support/zips.js';

const ELF = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
  Buffer.alloc(8),
  Buffer.from([3, 0, 0xb7, 0]),
  Buffer.alloc(300),
]);
const EXTENSION: ZipEntrySpec[] = [
  { path: 'extensions/', directory: true },
  { path: 'extensions/telemetry', data: ELF, mode: 0o755 },
  { path: 'wrapper.sh', data: '#!/bin/bash\nexec "$@"\n', mode: 0o755 },
];
/** Replaces the first layer's extension and wrapper in /opt. */
const SHADOW: ZipEntrySpec[] = [
  { path: 'extensions/telemetry', data: ELF, mode: 0o755 },
  { path: 'wrapper.sh', data: '#!/bin/sh\nexec "$@"\n', mode: 0o755 },
  { path: 'nodejs/node_modules/x/index.js', data: 'module.exports = 1;\n' },
];
const EXTENSION_ZIP = buildZip(EXTENSION);
const SHADOW_ZIP = buildZip(SHADOW);
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

let moto: Moto;
let lambda: LambdaClient;
const servers = new Map<string, ZipServer>();
const arns: { extension: string; shadow: string } = { extension: '', shadow: '' };
const seen: string[] = [];
let roleArn = '';

/** Serves each layer from its own server, found by CodeSha256; records the locations it was given. */
const fetchFromServers: LocationFetch = (location, init, layer) => {
  seen.push(location);
  const server = servers.get(layer.codeSha256);
  if (!server) return Promise.reject(new Error(`no server for ${layer.arn}`));
  return fetch(server.url, init);
};

async function publish(name: string, zip: Buffer): Promise<string> {
  const out = await lambda.send(
    new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: zip } }),
  );
  servers.set(out.Content?.CodeSha256 as string, await serveZip(zip));
  return out.LayerVersionArn as string;
}

beforeAll(async () => {
  moto = await startMoto();
  lambda = new LambdaClient(clientConfig(moto.endpoint, REGION));
  const iam = new IAMClient(clientConfig(moto.endpoint, REGION));
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: 'fn-role',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  roleArn = role.Role?.Arn as string;
  arns.extension = await publish('telemetry', EXTENSION_ZIP);
  arns.shadow = await publish('shadow', SHADOW_ZIP);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'orders',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: role.Role?.Arn,
      Code: { ZipFile: buildZip([{ path: 'index.js', data: 'exports.handler = async () => 1;\n' }]) },
      Layers: [arns.extension, arns.shadow],
      Environment: { Variables: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper.sh', STAGE: 'prod' } },
    }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
  await moto?.stop();
});

beforeEach(() => {
  seen.length = 0;
});

function motoDeps(fetchAt?: LocationFetch) {
  return (region: string | null) => ({
    locator: new LayerVersionLocator(
      (r) => new LambdaClient(clientConfig(moto.endpoint, r || REGION)),
      fetchAt ? { fetch: fetchAt } : {},
    ),
    region,
  });
}

/** `fetchAt` null: the locator's default fetch. */
async function inspect(args: string[], fetchAt: LocationFetch | null = fetchFromServers) {
  const io = memoryIo();
  const code = await runInspect(['--format', 'jsonl', ...args], io, {
    env: {},
    aws: motoDeps(fetchAt ?? undefined),
  });
  const reports = io.out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return { code, reports, stderr: io.err, stdout: io.out };
}

const ids = (signals: { id: string }[]) => signals.map((s) => s.id).sort();

describe('layerwatch inspect with AWS inputs', () => {
  it('reads a layer version by its ARN with range requests, and reports its CodeSha256', async () => {
    const { code, reports, stderr } = await inspect([arns.extension]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const digest = createHash('sha256').update(EXTENSION_ZIP).digest();
    expect(reports).toEqual([
      expect.objectContaining({
        source: arns.extension,
        kind: 'layer',
        sha256: digest.toString('hex'),
        codeSha256: digest.toString('base64'),
        files: 2,
        gaps: [],
        transfer: expect.objectContaining({ mode: 'range' }),
      }),
    ]);
    expect(ids(reports[0].signals)).toEqual(['exec-wrapper-script', 'external-extension', 'native-code']);
    // Moto's location was handed to the fetch, and every request asked for a range.
    expect(seen.every((l) => l === 's3://')).toBe(true);
    const server = servers.get(digest.toString('base64')) as ZipServer;
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r?.startsWith('bytes=') === true)).toBe(true);
  });

  it('reports the same digest for a layer read from AWS as for its zip read locally', async () => {
    const { reports } = await inspect([arns.shadow]);
    expect(reports[0].sha256).toBe(createHash('sha256').update(SHADOW_ZIP).digest('hex'));
  });

  it('reads a function: its exec wrapper variable, each layer, and which layer shadows which', async () => {
    const { code, reports, stderr } = await inspect(['--region', REGION, 'orders']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [report] = reports;
    expect(report).toEqual(
      expect.objectContaining({
        source: 'orders',
        kind: 'function',
        functionName: 'orders',
        runtime: 'nodejs22.x',
        layers: [arns.extension, arns.shadow],
        files: 5,
        gaps: [],
      }),
    );
    const variable = report.signals.find((s: { id: string }) => s.id === 'exec-hook-variable');
    expect(variable).toEqual(expect.objectContaining({ variable: 'AWS_LAMBDA_EXEC_WRAPPER' }));
    const extensions = report.signals.filter((s: { id: string }) => s.id === 'external-extension');
    expect(extensions.map((s: { layer: string }) => s.layer).sort()).toEqual(
      [arns.extension, arns.shadow].sort(),
    );
    const overlap = report.signals.filter((s: { id: string }) => s.id === 'layer-overlap');
    expect(overlap.length).toBeGreaterThan(0);
    expect(overlap.some((s: { path?: string }) => s.path === 'extensions/telemetry')).toBe(true);
    expect(overlap.every((s: { layer: string }) => s.layer === arns.shadow)).toBe(true);
  });

  it('shows a function in a table, each file with its layer', async () => {
    const io = memoryIo();
    const code = await runInspect(['--format', 'table', '--region', REGION, 'orders'], io, {
      env: {},
      aws: motoDeps(fetchFromServers),
    });
    expect(code).toBe(0);
    expect(io.out).toMatch(/^function orders: function orders \(nodejs22\.x\), 2 layer\(s\)\n/);
    expect(io.out).toMatch(/external-extension\s+telemetry:1 extensions\/telemetry/);
    expect(io.out).toMatch(/exec-hook-variable\s+AWS_LAMBDA_EXEC_WRAPPER -> shadow:1 wrapper.sh/);
  });

  it('reads a function by its ARN in its own region, whatever --region says', async () => {
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders`;
    const { code, reports } = await inspect(['--region', 'eu-west-1', arn]);
    expect(code).toBe(0);
    expect(reports[0]).toEqual(
      expect.objectContaining({ source: arn, kind: 'function', functionName: 'orders' }),
    );
  });

  it('names a missing layer and a missing function on stderr, reports the others, and exits 2', async () => {
    const missing = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:nope:3`;
    const { code, reports, stderr } = await inspect(['--region', REGION, missing, arns.extension, 'ghost']);
    expect(code).toBe(2);
    expect(reports.map((r) => r.source)).toEqual([arns.extension]);
    expect(stderr).toMatch(new RegExp(`${missing}: ResourceNotFoundException`));
    expect(stderr).toMatch(/ghost: ResourceNotFoundException/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses moto's s3:// location by name, without a crash", async () => {
    const { code, reports, stderr } = await inspect([arns.extension, '--region', REGION, 'orders'], null);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${arns.extension}: archive not read: LayerLocateError: Content.Location is not an HTTPS URL (scheme s3:)`,
    );
    // The function is still reported, its unread layers named as gaps.
    expect(reports).toHaveLength(1);
    expect(reports[0].kind).toBe('function');
    expect(reports[0].gaps.map((g: { path: string }) => g.path)).toEqual([arns.extension, arns.shadow]);
    expect(ids(reports[0].signals)).toEqual(['exec-hook-variable']);
    expect(stderr).toContain(`orders: layer ${arns.shadow}: archive not read: LayerLocateError`);
  });

  it('never prints the presigned URL, even when its server fails', async () => {
    const signed =
      'https://awslambda-us-east-1-layers.s3.amazonaws.com/snapshots/x?X-Amz-Signature=SECRETSIG';
    const failing: LocationFetch = async () => {
      throw new TypeError(`fetch failed for ${signed}`);
    };
    const deps = (region: string | null) => {
      const client = new LambdaClient(clientConfig(moto.endpoint, REGION));
      const send = client.send.bind(client);
      // Moto's answer, with the location AWS would give.
      client.send = (async (command: Parameters<typeof send>[0]) => {
        const out = (await send(command as never)) as { Content?: { Location?: string } };
        if (out.Content) out.Content.Location = signed;
        return out;
      }) as typeof client.send;
      return { locator: new LayerVersionLocator(() => client, { fetch: failing }), region };
    };
    const io = memoryIo();
    const code = await runInspect(['--format', 'jsonl', arns.extension, 'orders'], io, {
      env: { AWS_REGION: REGION },
      aws: deps,
    });
    expect(code).toBe(2);
    expect(io.err).toContain('archive not read: ArchiveFetchError');
    expect(`${io.out}${io.err}`).not.toContain('SECRETSIG');
    expect(`${io.out}${io.err}`).not.toContain('awslambda-us-east-1-layers');
  });
});

describe('layerwatch inspect without access', () => {
  // Created here, not at collection: it replaces every LambdaClient's send until restored.
  let mock: ReturnType<typeof mockClient>;
  beforeAll(() => {
    mock = mockClient(LambdaClient);
  });
  afterAll(() => mock.restore());

  const mockedDeps = (region: string | null) => ({
    locator: new LayerVersionLocator(() => new LambdaClient({ region: REGION })),
    region,
  });

  it.each([
    ['AccessDeniedException', 'User is not authorized to perform: lambda:GetLayerVersion'],
    ['TooManyRequestsException', 'Rate exceeded'],
    ['CredentialsProviderError', 'Could not load credentials from any providers'],
  ])('names %s with its message, and still reports the other inputs', async (name, message) => {
    mock.on(GetLayerVersionCommand).rejects(Object.assign(new Error(message), { name }));
    mock
      .on(GetFunctionConfigurationCommand)
      .resolves({ FunctionName: 'b', Environment: { Variables: { LD_PRELOAD: '/opt/x.so' } } });
    const io = memoryIo();
    const layer = `arn:aws-cn:lambda:cn-north-1:${ACCOUNT}:layer:x:1`;
    const code = await runInspect(['--format', 'jsonl', layer, 'b'], io, {
      env: { AWS_REGION: REGION },
      aws: mockedDeps,
    });
    expect(code).toBe(2);
    expect(io.err).toBe(`layerwatch inspect: ${layer}: ${name}: ${message}\n`);
    const reports = io.out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(reports).toEqual([expect.objectContaining({ source: 'b', kind: 'function', layers: [] })]);
    expect(reports[0].signals.map((s: { variable: string }) => s.variable)).toEqual(['LD_PRELOAD']);
  });
});

describe('layerwatch inspect without credentials', () => {
  it('names a missing credential chain for a function name', async () => {
    const io = memoryIo();
    const noCredentials = (region: string | null) => ({
      locator: new LayerVersionLocator(
        () =>
          new LambdaClient({
            region: REGION,
            credentials: () =>
              Promise.reject(
                Object.assign(new Error('Could not load credentials from any providers'), {
                  name: 'CredentialsProviderError',
                }),
              ),
          }),
      ),
      region,
    });
    const code = await runInspect(['--format', 'jsonl', 'orders'], io, {
      env: { AWS_REGION: REGION },
      aws: noCredentials,
    });
    expect(code).toBe(2);
    expect(io.err).toBe(
      'layerwatch inspect: orders: CredentialsProviderError: Could not load credentials from any providers\n',
    );
  });
});

describe('layerwatch inspect without a region', () => {
  it('asks for one for a function name', async () => {
    const io = memoryIo();
    const code = await runInspect(['--format', 'jsonl', 'orders'], io, {
      env: {},
      aws: (region) => ({
        // What the SDK's default chain throws when neither the environment nor a profile names one.
        locator: new LayerVersionLocator(
          () =>
            new LambdaClient({
              region: (): Promise<string> => Promise.reject(new Error('Region is missing')),
              credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
            }),
        ),
        region,
      }),
    });
    expect(code).toBe(2);
    expect(io.err).toBe(
      'layerwatch inspect: orders: a function name needs a region: --region REGION (or AWS_REGION, or a profile with one)\n',
    );
  });
});

describe('layerwatch inspect FUNCTION:QUALIFIER', () => {
  /** pay: version 1 runs the shadow layer, version 2 adds the extension; prod sends 10 % to 2; $LATEST is clean. */
  beforeAll(async () => {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'pay',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: roleArn,
        Code: { ZipFile: buildZip([{ path: 'index.js', data: 'exports.handler = async () => 1;\n' }]) },
        Layers: [arns.shadow],
      }),
    );
    await lambda.send(new PublishVersionCommand({ FunctionName: 'pay' }));
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'pay', Layers: [arns.shadow, arns.extension] }),
    );
    await lambda.send(new PublishVersionCommand({ FunctionName: 'pay' }));
    await lambda.send(
      new CreateAliasCommand({
        FunctionName: 'pay',
        Name: 'prod',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } },
      }),
    );
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'pay', Layers: [arns.shadow] }));
  }, 60_000);

  it('reads an alias: its version and the weighted one, with the layers each runs', async () => {
    const { code, reports, stderr } = await inspect(['--region', REGION, 'pay:prod']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(reports[0]).toEqual(
      expect.objectContaining({
        source: 'pay:prod',
        functionName: 'pay',
        qualifier: 'prod',
        layers: [arns.shadow, arns.extension],
        versions: [
          { version: '1', share: 0.9, layers: [arns.shadow] },
          { version: '2', share: 0.1, layers: [arns.shadow, arns.extension] },
        ],
      }),
    );
    const extensions = reports[0].signals.filter((s: { id: string }) => s.id === 'external-extension');
    expect(extensions.map((s: { layer: string }) => s.layer).sort()).toEqual(
      [arns.extension, arns.shadow].sort(),
    );
  });

  it('reads a version by ARN, and $LATEST without a qualifier, each only what it runs', async () => {
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:pay:2`;
    const { reports } = await inspect([arn, '--region', REGION, 'pay']);
    expect(reports.map((r) => [r.qualifier ?? null, r.layers])).toEqual([
      ['2', [arns.shadow, arns.extension]],
      [null, [arns.shadow]],
    ]);
    expect(reports[0].versions).toEqual([{ version: '2', share: 1, layers: [arns.shadow, arns.extension] }]);
    expect(reports[1].signals.some((s: { layer?: string }) => s.layer === arns.extension)).toBe(false);
  });

  it('says in a table which versions the alias runs, and names a qualifier that does not exist', async () => {
    const io = memoryIo();
    const code = await runInspect(['--format', 'table', '--region', REGION, 'pay:prod', 'pay:9'], io, {
      env: {},
      aws: motoDeps(fetchFromServers),
    });
    expect(code).toBe(2);
    expect(io.out).toMatch(
      /^function pay:prod: function pay:prod \(nodejs22\.x\), 2 layer\(s\), runs version 1 \(90 %\), version 2 \(10 %\)\n/,
    );
    expect(io.err).toMatch(/pay:9: ResourceNotFoundException/);
  });
});

describe('classifyAwsInput', () => {
  it.each([
    ['orders', 'orders', null],
    ['orders:live', 'orders', 'live'],
    ['orders:7', 'orders', '7'],
    ['orders:$LATEST.PUBLISHED', 'orders', '$LATEST.PUBLISHED'],
    ['123456789012:function:orders:live', '123456789012:function:orders', 'live'],
    [
      'arn:aws:lambda:eu-west-1:123456789012:function:orders:8',
      'arn:aws:lambda:eu-west-1:123456789012:function:orders',
      '8',
    ],
  ])('%s names function %s, qualifier %s', (input, name, qualifier) => {
    expect(classifyAwsInput(input)).toMatchObject({ kind: 'function', name, qualifier });
  });

  it.each([
    ['arn:aws:lambda:eu-west-1:123456789012:layer:name:7', 'layer'],
    ['arn:aws-us-gov:lambda:us-gov-west-1:123456789012:layer:name:7', 'layer'],
    ['arn:aws:lambda:eu-west-1:123456789012:layer:name', 'none'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:orders', 'function'],
    ['arn:aws-cn:lambda:cn-north-1:123456789012:function:orders:live', 'function'],
    ['123456789012:function:orders', 'function'],
    ['orders', 'function'],
    ['orders:$LATEST', 'function'],
    ['my_function-2', 'function'],
    ['layer.zip', 'none'],
    ['./orders', 'none'],
    ['a'.repeat(65), 'none'],
    ['arn:aws:s3:::bucket', 'none'],
  ])('%s is a %s', (input, kind) => {
    expect(classifyAwsInput(input).kind).toBe(kind);
  });
});
