/**
 * The sweep benchmark's organization in moto: accounts x regions x functions, each function with a
 * published version and an alias, created through the API with moto's account header; and a proxy
 * in front of moto that holds every Lambda API request for a set time (the latency of the real
 * API), counting them.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
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

/** Creates every function of the organization; returns how many. */
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
