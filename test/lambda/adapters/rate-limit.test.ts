/**
 * The rate bound (the sweep's Lambda clients, the hunt's LookupEvents pages): the token bucket alone
 * on a simulated clock (when each request may start, who gives up waiting), and on a real Lambda
 * client against a loopback server (when each HTTP attempt arrives, a throttled one retried
 * included, an aborted one never).
 */
import { createServer, type Server } from 'node:http';
import { LambdaClient, ListAliasesCommand } from '@aws-sdk/client-lambda';
import { AwsCallTimeoutError, SWEEP_CALLS, sdkClient } from '../../../lambda/adapters/client-options.js';
import {
  RATE_LIMIT_MIDDLEWARE,
  rateLimited,
  SWEEP_LAMBDA_REQUESTS_PER_SECOND,
  sweepLambdaClient,
  TokenBucket,
} from '../../../lambda/adapters/rate-limit.js';
import { DUMMY_CREDENTIALS } from '../../support/moto.js';

/** A clock that moves only when told: sleepers wake as `advance` passes their time. */
function manualClock() {
  let t = 0;
  const sleepers: { at: number; wake: () => void }[] = [];
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    now: () => t,
    sleep: (ms: number) => new Promise<void>((wake) => void sleepers.push({ at: t + ms, wake })),
    settle,
    async advance(ms: number) {
      const end = t + ms;
      for (;;) {
        await settle();
        sleepers.sort((a, b) => a.at - b.at);
        if (!sleepers[0] || sleepers[0].at > end) break;
        const next = sleepers.shift() as { at: number; wake: () => void };
        t = next.at;
        next.wake();
      }
      t = end;
      await settle();
    },
  };
}

/** A bucket on a manual clock, and a log of who was served (or gave up) when. */
function observedBucket(perSecond: number, burst = 1) {
  const clock = manualClock();
  const bucket = new TokenBucket(perSecond, burst, clock.now, clock.sleep);
  const log: string[] = [];
  const take = (name: string, signal?: AbortSignal) =>
    bucket.take(signal).then(
      () => void log.push(`${name} served at ${clock.now()}`),
      (error: unknown) => void log.push(`${name} gave up at ${clock.now()}: ${(error as Error).message}`),
    );
  return { clock, take, log };
}

async function startTimes(perSecond: number, burst: number, n: number): Promise<number[]> {
  const { clock, take, log } = observedBucket(perSecond, burst);
  for (let i = 0; i < n; i += 1) void take(`${i}`);
  await clock.advance(((n + 1) * 1000) / perSecond);
  return log.map((l) => Number(l.split(' at ')[1]));
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

describe('TokenBucket, callers that give up', () => {
  it('serves callers in the order they asked', async () => {
    const { clock, take, log } = observedBucket(10);
    for (const name of ['a', 'b', 'c', 'd']) void take(name);
    await clock.advance(300);
    expect(log).toEqual(['a served at 0', 'b served at 100', 'c served at 200', 'd served at 300']);
  });

  it('lets a caller aborted while queued go at once, with the reason, and serves the rest on time', async () => {
    const { clock, take, log } = observedBucket(10);
    const gaveUp = new AbortController();
    void take('a');
    void take('b');
    void take('c', gaveUp.signal);
    void take('d');
    await clock.settle();
    gaveUp.abort(new Error('out of time'));
    await clock.settle();
    expect(log).toEqual(['a served at 0', 'c gave up at 0: out of time']);
    // c's token is not spent: d is served at 200, not 300, and e right after.
    void take('e');
    await clock.advance(300);
    expect(log.slice(2)).toEqual(['b served at 100', 'd served at 200', 'e served at 300']);
  });

  it('lets the caller at the head go while it waits for the token, which goes to the next one', async () => {
    const { clock, take, log } = observedBucket(10);
    const gaveUp = new AbortController();
    void take('a');
    void take('b', gaveUp.signal);
    void take('c');
    await clock.advance(50);
    gaveUp.abort(new Error('deadline'));
    await clock.advance(50);
    expect(log).toEqual(['a served at 0', 'b gave up at 50: deadline', 'c served at 100']);
  });

  it('refuses a caller whose signal is already aborted, without taking its token', async () => {
    const { clock, take, log } = observedBucket(10);
    void take('a', AbortSignal.abort(new Error('too late')));
    void take('b');
    await clock.settle();
    expect(log).toEqual(['a gave up at 0: too late', 'b served at 0']);
  });

  it('keeps the rate bound and loses no token when callers give up along the way', async () => {
    const { clock, take, log } = observedBucket(10, 3);
    const leaving: AbortController[] = [];
    for (let i = 0; i < 60; i += 1) {
      const c = i % 3 === 2 ? new AbortController() : undefined;
      if (c) leaving.push(c);
      void take(`${i}`, c?.signal);
    }
    // One gives up every 70 ms: some long before their turn, some at the head, some once served.
    for (const c of leaving) {
      await clock.advance(70);
      c.abort(new Error('gone'));
    }
    await clock.advance(10_000);
    const served = log.filter((l) => l.includes('served')).map((l) => Number(l.split(' at ')[1]));
    const gaveUp = log.filter((l) => l.includes('gave up'));
    expect(served.length + gaveUp.length).toBe(60);
    expect(gaveUp.length).toBeGreaterThan(10);
    // The queue never ran dry: the burst at once, then one every 100 ms, none skipped.
    expect(served).toEqual(served.map((_, k) => Math.max(0, (k - 2) * 100)));
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

describe('rateLimited, a call that gives up while it waits for a token', () => {
  const since = (t0: number) => performance.now() - t0;

  it('ends at once, as the SDK ends an aborted call, and the call behind it is not held', async () => {
    const lambda = await lambdaEndpoint();
    try {
      const client = await warmClient(lambda.endpoint, lambda.state, 1);
      const t0 = performance.now();
      const first = client.send(new ListAliasesCommand({ FunctionName: 'a' }));
      const leaving = new AbortController();
      const aborted = client
        .send(new ListAliasesCommand({ FunctionName: 'b' }), { abortSignal: leaving.signal })
        .then(
          () => 'sent',
          (error: unknown) => ({ error: (error as Error).name, after: since(t0) }),
        );
      const third = client.send(new ListAliasesCommand({ FunctionName: 'c' }));
      setTimeout(() => leaving.abort(new Error('the invocation is out of time')), 50);
      // The limiter rejects with the abort's reason; the SDK's retry middleware, seeing the signal
      // aborted, ends the call with its own AbortError.
      const outcome = await aborted;
      expect(outcome).toEqual({ error: 'AbortError', after: expect.any(Number) });
      // Well before the token it waited for (1 s).
      expect((outcome as { after: number }).after).toBeLessThan(700);
      await Promise.all([first, third]);
      // b never reached Lambda, and c had the token b gave up: 1 s after a, not 2 s (one token a
      // second leaves a loaded machine 700 ms either way).
      expect(lambda.state.arrivals).toHaveLength(2);
      expect(span(lambda.state.arrivals)).toBeGreaterThanOrEqual(900);
      expect(span(lambda.state.arrivals)).toBeLessThan(1700);
    } finally {
      await lambda.close();
    }
  });

  it('ends with the call deadline, and leaves its token to the next call', async () => {
    const lambda = await lambdaEndpoint();
    try {
      // One bucket, two clients: b's with a short deadline, a's and c's with the sweep's (30 s).
      const bucket = new TokenBucket(1);
      const client = (callTimeoutMs: number) =>
        rateLimited(
          sdkClient(
            LambdaClient,
            { ...SWEEP_CALLS, name: 'test', callTimeoutMs },
            {
              region: 'us-east-1',
              endpoint: lambda.endpoint,
              credentials: DUMMY_CREDENTIALS,
            },
          ),
          bucket,
        );
      const patient = client(SWEEP_CALLS.callTimeoutMs);
      const hasty = client(250);
      const refilled = () => new Promise((r) => setTimeout(r, 1000));
      await patient.send(new ListAliasesCommand({ FunctionName: 'warm' }));
      await refilled();
      await hasty.send(new ListAliasesCommand({ FunctionName: 'warm' }));
      await refilled();
      lambda.state.arrivals.length = 0;
      await patient.send(new ListAliasesCommand({ FunctionName: 'a' }));
      // b's token would come 1 s after a's: its deadline (250 ms) ends it first.
      const b = hasty.send(new ListAliasesCommand({ FunctionName: 'b' }));
      const c = patient.send(new ListAliasesCommand({ FunctionName: 'c' }));
      await expect(b).rejects.toThrow(AwsCallTimeoutError);
      await c;
      // b never reached Lambda, and c, queued behind it, had its token: 1 s after a, not 2 s.
      expect(lambda.state.arrivals).toHaveLength(2);
      expect(span(lambda.state.arrivals)).toBeGreaterThanOrEqual(900);
      expect(span(lambda.state.arrivals)).toBeLessThan(1700);
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
