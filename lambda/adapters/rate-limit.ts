/**
 * A bound on how fast one SDK client sends, for the sweep's Lambda clients. Lambda's control plane
 * allows 15 requests a second per account and region (every control-plane call but GetFunction and
 * GetPolicy; not increasable), and that budget is shared with everything else in the account: its
 * deploy pipelines, the detector's own enrichment reads. A sweep that spent it would make the
 * customer's deployments fail with `TooManyRequestsException`.
 *
 * The sweep's worker builds one Lambda client per account and region, and the queue hands out one
 * pair of an account at a time (a FIFO group per account), so a bucket per client bounds the whole
 * sweep's rate in that account and region. Each HTTP attempt takes a token (the middleware sits
 * after the SDK's retry middleware): a retried call counts again, as Lambda counts it.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { type BudgetedClient, SWEEP_CALLS, sdkClient } from './client-options.js';

/**
 * The sweep's Lambda requests a second per account and region: two thirds of the control-plane
 * limit (15), the rest left to the account's own deployments and the detector's reads.
 */
export const SWEEP_LAMBDA_REQUESTS_PER_SECOND = 10;

/** The middleware's name on a bounded client's stack (tests look for it). */
export const RATE_LIMIT_MIDDLEWARE = 'layerwatchRateLimit';

/**
 * Tokens refilled at `perSecond`, at most `burst` kept: `take()` resolves when one is had, in the
 * order asked. In any one second at most `burst + perSecond` requests start.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly perSecond: number,
    readonly burst = 1,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(perSecond > 0) || !(burst >= 1))
      throw new RangeError(
        `a token bucket needs a positive rate and a burst of 1 or more (${perSecond}, ${burst})`,
      );
    this.tokens = burst;
    this.last = now();
  }

  /** Resolves once a token is taken; callers are served one after another. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.wait());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }

  private async wait(): Promise<void> {
    this.refill();
    // A timer may fire a little early: wait again for what is still missing.
    while (this.tokens < 1) {
      await this.sleep(Math.max(1, ((1 - this.tokens) * 1000) / this.perSecond));
      this.refill();
    }
    this.tokens -= 1;
  }
}

interface RelativeStack {
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
}

/** `client`, each of whose HTTP attempts first takes a token from `bucket`. */
export function rateLimited<C extends BudgetedClient>(client: C, bucket: TokenBucket): C {
  (client.middlewareStack as unknown as RelativeStack).addRelativeTo(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      await bucket.take();
      return next(args);
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: RATE_LIMIT_MIDDLEWARE, override: true },
  );
  return client;
}

/** The sweep worker's Lambda client for one account and region: the sweep's budget, the rate bound. */
export function sweepLambdaClient(
  region: string,
  credentials?: AwsCredentialIdentityProvider,
  perSecond = SWEEP_LAMBDA_REQUESTS_PER_SECOND,
): LambdaClient {
  return rateLimited(
    sdkClient(LambdaClient, SWEEP_CALLS, { region, credentials }),
    new TokenBucket(perSecond),
  );
}
