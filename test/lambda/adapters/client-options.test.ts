/**
 * Every SDK client built with sdkClient() ends a call within its budget with AwsCallTimeoutError,
 * against an endpoint that accepts connections and never answers (real HTTP on loopback).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  ALERT_PATH_CALLS,
  AwsCallTimeoutError,
  atFirstUse,
  built,
  CALL_DEADLINE_MIDDLEWARE,
  type CallBudget,
  CLI_CALLS,
  clientOptions,
  ENRICHMENT_CALLS,
  HEARTBEAT_CALLS,
  SWEEP_CALLS,
  sdkClient,
} from '../../../lambda/adapters/client-options.js';
import { DUMMY_CREDENTIALS } from '../../support/moto.js';
import { type SilentServer, startSilentServer } from '../../support/silent-server.js';

let silent: SilentServer;

beforeAll(async () => {
  silent = await startSilentServer();
});

afterAll(async () => {
  await silent?.close();
});

const tiny = (overrides: Partial<CallBudget>): CallBudget => ({
  name: 'test',
  connectionTimeoutMs: 200,
  requestTimeoutMs: 300,
  maxAttempts: 2,
  callTimeoutMs: 500,
  ...overrides,
});

async function timed(client: LambdaClient): Promise<{ error: unknown; ms: number }> {
  const start = Date.now();
  try {
    await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'f' }));
    return { error: null, ms: Date.now() - start };
  } catch (error) {
    return { error, ms: Date.now() - start };
  }
}

const silentClient = (budget: CallBudget) =>
  sdkClient(LambdaClient, budget, {
    region: 'us-east-1',
    endpoint: silent.endpoint,
    credentials: DUMMY_CREDENTIALS,
  });

describe('sdkClient', () => {
  it('ends a call at its deadline when attempts would take longer, with a named error', async () => {
    const { error, ms } = await timed(silentClient(tiny({ requestTimeoutMs: 2_000, callTimeoutMs: 400 })));
    expect(error).toBeInstanceOf(AwsCallTimeoutError);
    expect((error as Error).message).toMatch(
      /LambdaClient GetFunctionConfigurationCommand gave no answer within 400 ms \(test budget\)/,
    );
    expect(ms).toBeGreaterThanOrEqual(380);
    expect(ms).toBeLessThan(1_500);
  });

  it('names the timeout of the last attempt the same way, with the SDK error as cause', async () => {
    // A server of its own: an attempt of the test before may still connect to the shared one.
    const own = await startSilentServer();
    const client = sdkClient(LambdaClient, tiny({ requestTimeoutMs: 150, callTimeoutMs: 5_000 }), {
      region: 'us-east-1',
      endpoint: own.endpoint,
      credentials: DUMMY_CREDENTIALS,
    });
    const { error, ms } = await timed(client).finally(() => own.close());
    expect(error).toBeInstanceOf(AwsCallTimeoutError);
    expect((error as Error).message).toMatch(/2 attempt\(s\) of 150 ms/);
    expect(((error as Error).cause as Error).name).toBe('TimeoutError');
    // Both attempts reached the endpoint; the call ended long before its 5 s deadline.
    expect(own.connections).toBe(2);
    expect(ms).toBeLessThan(2_000);
  });

  it('puts the deadline on the client stack and the per-attempt timeouts in its handler', async () => {
    const client = silentClient(tiny({ callTimeoutMs: 100 }));
    expect(client.middlewareStack.identify().join(' ')).toContain(CALL_DEADLINE_MIDDLEWARE);
    expect(await client.config.maxAttempts()).toBe(2);
    await timed(client); // the handler resolves its configuration on first use
    const handler = client.config.requestHandler as unknown as { httpHandlerConfigs(): object };
    expect(handler.httpHandlerConfigs()).toMatchObject({
      connectionTimeout: 200,
      requestTimeout: 300,
      socketTimeout: 300,
      throwOnRequestTimeout: true,
    });
  });

  it('keeps the budget over what a caller passes', () => {
    const options = clientOptions(ALERT_PATH_CALLS);
    const client = sdkClient(LambdaClient, ALERT_PATH_CALLS, {
      region: 'us-east-1',
      ...({ maxAttempts: 99 } as object),
    });
    return expect(client.config.maxAttempts()).resolves.toBe(options.maxAttempts);
  });

  it('without a budget the SDK waits on a silent endpoint (what the budget prevents)', async () => {
    const bare = new LambdaClient({
      region: 'us-east-1',
      endpoint: silent.endpoint,
      credentials: DUMMY_CREDENTIALS,
      maxAttempts: 1,
    });
    const stop = new AbortController();
    const pending = bare.send(new GetFunctionConfigurationCommand({ FunctionName: 'f' }), {
      abortSignal: stop.signal,
    });
    const outcome = await Promise.race([
      pending.then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_000)),
    ]);
    stop.abort();
    await pending.catch(() => undefined);
    expect(outcome).toBe('still waiting');
  });
});

describe('budgets', () => {
  it.each([ENRICHMENT_CALLS, ALERT_PATH_CALLS, SWEEP_CALLS, HEARTBEAT_CALLS, CLI_CALLS])(
    '$name: one attempt fits in the call deadline',
    (b) => {
      expect(b.connectionTimeoutMs + b.requestTimeoutMs).toBeLessThanOrEqual(b.callTimeoutMs);
      expect(b.maxAttempts).toBeGreaterThanOrEqual(2);
    },
  );
});

describe('the sources', () => {
  /** Every .ts file under lambda/. */
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );

  it('build no SDK client but through sdkClient (a client without a budget waits forever)', () => {
    const direct = sources(join(process.cwd(), 'lambda')).flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      const clients = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-[a-z0-9-]+'/g)]
        .flatMap((m) => (m[1] ?? '').split(','))
        .map((n) => n.trim())
        .filter((n) => /Client$/.test(n));
      return clients
        .filter((name) => new RegExp(`new\\s+${name}\\s*\\(`).test(source))
        .map((name) => `${file}: new ${name}(`);
    });
    expect(direct).toEqual([]);
  });
});

describe('a deferred client', () => {
  it('is built at its first use, once, and a client given as is stays itself', () => {
    let builds = 0;
    const sns = atFirstUse(() => {
      builds += 1;
      return sdkClient(SNSClient, ALERT_PATH_CALLS, { region: 'us-east-1' });
    });
    expect(builds).toBe(0);
    const first = built(sns);
    expect(built(sns)).toBe(first);
    expect(builds).toBe(1);
    expect(first.middlewareStack.identify().join()).toContain(CALL_DEADLINE_MIDDLEWARE);
    const given = new SNSClient({});
    expect(built(given)).toBe(given);
  });
});
