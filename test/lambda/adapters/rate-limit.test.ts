/**
 * The sweep's rate bound: the token bucket alone on a fake clock (when each request may start), and
 * on a real Lambda client against a loopback server (when each HTTP attempt arrives, a throttled
 * one retried included).
 */
import { createServer, type Server } from 'node:http';
import { LambdaClient, ListAliasesCommand } from '@aws-sdk/client-lambda';
import { SWEEP_CALLS } from '../../../lambda/adapters/client-options.js';
import {
  RATE_LIMIT_MIDDLEWARE,
  rateLimited,
  SWEEP_LAMBDA_REQUESTS_PER_SECOND,
  sweepLambdaClient,
  TokenBucket,
} from '../../../lambda/adapters/rate-limit.js';
import { DUMMY_CREDENTIALS } from '../../support/moto.js';

/** A clock that moves only when the bucket sleeps. */
function fakeClock() {
  let t = 0;
  const sleep = async (ms: number) => {
    t += ms;
  };
  return { now: () => t, sleep, at: () => t };
}

async function startTimes(perSecond: number, burst: number, n: number): Promise<number[]> {
  const clock = fakeClock();
  const bucket = new TokenBucket(perSecond, burst, clock.now, clock.sleep);
  const starts: number[] = [];
  await Promise.all(Array.from({ length: n }, () => bucket.take().then(() => starts.push(clock.at()))));
  return starts;
}

describe('TokenBucket', () => {
  it.each([
    { perSecond: 10, burst: 1, n: 5, starts: [0, 100, 200, 300, 400] },
    { perSecond: 10, burst: 3, n: 5, starts: [0, 0, 0, 100, 200] },
    { perSecond: 4, burst: 1, n: 3, starts: [0, 250, 500] },
  ])('$perSecond a second, burst $burst: $n requests start at $starts ms', async (c) => {
    expect((await startTimes(c.perSecond, c.burst, c.n)).map(Math.round)).toEqual(c.starts);
  });

  it('never starts more than burst + rate requests in any one second', async () => {
    const starts = await startTimes(SWEEP_LAMBDA_REQUESTS_PER_SECOND, 1, 60);
    const most = Math.max(...starts.map((s) => starts.filter((x) => x >= s && x < s + 1000).length));
    expect(most).toBeLessThanOrEqual(SWEEP_LAMBDA_REQUESTS_PER_SECOND + 1);
  });

  it('keeps the default below Lambda control plane limit of 15 a second, burst included', () => {
    expect(SWEEP_LAMBDA_REQUESTS_PER_SECOND + 1).toBeLessThan(15);
  });

  it('refuses a rate that would never refill', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});

/**
 * A Lambda endpoint on loopback that notes when each request arrives; `failNext` requests answer
 * 500 ServiceException (retried by the SDK after at most about 200 ms: not a throttle, whose backoff
 * is longer and would hide the bucket's).
 */
async function lambdaEndpoint() {
  const state = { arrivals: [] as number[], failNext: 0 };
  const server: Server = createServer((req, res) => {
    state.arrivals.push(performance.now());
    req.resume();
    if (state.failNext > 0) {
      state.failNext -= 1;
      res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceException' });
      res.end(JSON.stringify({ message: 'try again' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Aliases: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A client, bounded or not, that has already sent one call (credentials, endpoint and socket ready). */
async function warmClient(endpoint: string, state: { arrivals: number[] }, perSecond: number | null) {
  const raw = new LambdaClient({
    region: 'us-east-1',
    endpoint,
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 2,
  });
  const c = perSecond === null ? raw : rateLimited(raw, new TokenBucket(perSecond));
  await c.send(new ListAliasesCommand({ FunctionName: 'warm' }));
  // The warm-up's token is spent; let the bucket refill so each case starts from a full one.
  await new Promise((r) => setTimeout(r, perSecond ? 1000 / perSecond : 0));
  state.arrivals.length = 0;
  return c;
}

const span = (xs: number[]) => (xs.at(-1) as number) - (xs[0] as number);

describe('rateLimited', () => {
  // Six calls at 10 a second take five intervals of 100 ms (500 ms); a token's grant and the
  // request's arrival are some ms apart on a loaded machine, hence the margin.
  it.each([
    { perSecond: 10, spread: 'over at least 400 ms', atLeast: 400, below: Number.POSITIVE_INFINITY },
    { perSecond: null, spread: 'together when unbounded', atLeast: 0, below: 400 },
  ])('six concurrent calls reach Lambda $spread', async (c) => {
    const lambda = await lambdaEndpoint();
    try {
      const client = await warmClient(lambda.endpoint, lambda.state, c.perSecond);
      await Promise.all(
        Array.from({ length: 6 }, () => client.send(new ListAliasesCommand({ FunctionName: 'f' }))),
      );
      expect(lambda.state.arrivals).toHaveLength(6);
      expect(span(lambda.state.arrivals)).toBeGreaterThanOrEqual(c.atLeast);
      expect(span(lambda.state.arrivals)).toBeLessThan(c.below);
    } finally {
      await lambda.close();
    }
  });

  it.each([
    {
      perSecond: 2,
      retry: 'held by the bucket for at least 400 ms',
      atLeast: 400,
      below: Number.POSITIVE_INFINITY,
    },
    { perSecond: null, retry: 'sent after the backoff alone when unbounded', atLeast: 0, below: 400 },
  ])('charges a failed attempt and its retry a token each: the retry is $retry', async (c) => {
    const lambda = await lambdaEndpoint();
    try {
      const client = await warmClient(lambda.endpoint, lambda.state, c.perSecond);
      lambda.state.failNext = 1;
      await client.send(new ListAliasesCommand({ FunctionName: 'f' }));
      expect(lambda.state.arrivals).toHaveLength(2);
      expect(span(lambda.state.arrivals)).toBeGreaterThanOrEqual(c.atLeast);
      expect(span(lambda.state.arrivals)).toBeLessThan(c.below);
    } finally {
      await lambda.close();
    }
  });
});

describe('sweepLambdaClient', () => {
  it("carries the sweep's budget and the rate bound", async () => {
    const c = sweepLambdaClient('eu-west-1');
    expect(await c.config.maxAttempts()).toBe(SWEEP_CALLS.maxAttempts);
    const names = c.middlewareStack.identify().map((m) => m.split(' ')[0]);
    expect(names).toContain(RATE_LIMIT_MIDDLEWARE);
    // After the retry middleware: every attempt is charged.
    expect(names.indexOf(RATE_LIMIT_MIDDLEWARE)).toBeGreaterThan(names.indexOf('retryMiddleware'));
  });
});
