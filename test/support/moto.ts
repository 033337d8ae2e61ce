/**
 * Starts a real moto server (AWS APIs over HTTP) on a free loopback port for one test file, and
 * builds SDK clients pointed at it. Accounts are chosen per client with moto's x-moto-account-id
 * header. The server is stopped after the file's tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// Tests and benchmarks run from the project root (npm scripts).
const ROOT = process.cwd();
const SERVER = join(ROOT, '.moto-venv', 'bin', 'moto_server');

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
  reset(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startMoto(env: Record<string, string> = {}): Promise<Moto> {
  if (!existsSync(SERVER))
    throw new Error(`${SERVER} is missing: the jest global setup installs it (npm test)`);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(SERVER, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Client settings for moto: dummy credentials, no retries across a dead server for long. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const DUMMY_CREDENTIALS: Credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'moto',
};

export function clientConfig(
  endpoint: string,
  region = 'us-east-1',
  credentials: Credentials = DUMMY_CREDENTIALS,
) {
  return { region, endpoint, credentials, maxAttempts: 2 };
}

/** Makes every request of `client` act in `account` (moto's multi-account header). */
export function inAccount<T extends { middlewareStack: { add: (...args: never[]) => unknown } }>(
  client: T,
  account: string,
): T {
  (client.middlewareStack as unknown as { add: (mw: unknown, opts: unknown) => void }).add(
    (next: (args: { request: { headers: Record<string, string> } }) => unknown) =>
      (args: { request: { headers: Record<string, string> } }) => {
        args.request.headers['x-moto-account-id'] = account;
        return next(args);
      },
    { step: 'build', name: `motoAccount${account}` },
  );
  return client;
}
