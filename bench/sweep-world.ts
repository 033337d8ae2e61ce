/**
 * The sweep benchmark's organization in moto: accounts x regions x functions, each function with a
 * published version and an alias, either built in moto's backends by a Python process that then
 * serves them (bench/sweep-seed.py, the default: seconds for 12,000 functions) or created through
 * the API with moto's account header (SWEEP_SETUP=api: about 8.5 s an account on a loaded machine);
 * and a proxy in front of moto that holds every Lambda API request for a set time (the latency of
 * the real API), counting them.
 */
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { forEachLimited } from '../lambda/pipeline/pool.js';
import { clientConfig, inAccount } from '../test/support/moto.js';
import { ZIP } from '../test/support/world.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** A 12-digit account id for index `i` (not moto's default, not the world's A or B). */
export const accountId = (i: number) => String(400000000000 + i);

export interface SeededMoto {
  endpoint: string;
  /** Functions built, and the seeding process's CPU and wall seconds (before it served). */
  seeded: { functions: number; cpuSeconds: number; seconds: number };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A moto server that holds the organization from its start: bench/sweep-seed.py builds each
 * account's role and functions (version, alias) through moto's backend objects, then serves them
 * over HTTP in the same process. It stops when its stdin closes.
 */
export async function startSeededMoto(
  accounts: readonly string[],
  regions: readonly string[],
  functions: number,
): Promise<SeededMoto> {
  const port = await freePort();
  const python = join(process.cwd(), '.moto-venv', 'bin', 'python');
  const args = [
    'bench/sweep-seed.py',
    String(port),
    String(functions),
    regions.join(','),
    accounts.join(','),
  ];
  // moto's request log goes to stderr: dropped (a full pipe would stall the server).
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench/sweep-seed.py exited (${code}) before serving`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seeded: JSON.parse(line),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

/** Creates every function of the organization through moto's API; returns how many. */
export async function createOrganization(
  endpoint: string,
  accounts: readonly string[],
  regions: readonly string[],
  functions: number,
): Promise<number> {
  let created = 0;
  await forEachLimited(accounts, 4, async (account) => {
    const iam = inAccount(new IAMClient(clientConfig(endpoint)), account);
    const role = (
      await iam.send(new CreateRoleCommand({ RoleName: 'bench-fn', AssumeRolePolicyDocument: TRUST }))
    ).Role?.Arn as string;
    for (const region of regions) {
      const lambda = inAccount(new LambdaClient(clientConfig(endpoint, region)), account);
      for (let f = 0; f < functions; f += 1) {
        const name = `fn-${f}`;
        await lambda.send(
          new CreateFunctionCommand({
            FunctionName: name,
            Runtime: 'python3.12',
            Role: role,
            Handler: 'i.h',
            Code: { ZipFile: ZIP },
          }),
        );
        const version = (await lambda.send(new PublishVersionCommand({ FunctionName: name })))
          .Version as string;
        await lambda.send(
          new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: version }),
        );
        created += 1;
      }
    }
  });
  return created;
}

export interface LatencyProxy {
  endpoint: string;
  /** Lambda API requests forwarded. */
  lambdaCalls: number;
  close(): Promise<void>;
}

/** Lambda's REST paths start with their API version (`/2015-03-31/functions`); the other services post to `/`. */
const isLambda = (path: string) => /^\/20\d\d-\d\d-\d\d\//.test(path);

export async function startLatencyProxy(target: string, latencyMs: number): Promise<LatencyProxy> {
  const to = new URL(target);
  const state = { lambdaCalls: 0 };
  const server: Server = createServer((req, res) => {
    const lambda = isLambda(req.url ?? '/');
    if (lambda) state.lambdaCalls += 1;
    const forward = () => {
      const up = httpRequest(
        { hostname: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(up);
    };
    if (lambda) setTimeout(forward, latencyMs);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get lambdaCalls() {
      return state.lambdaCalls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
