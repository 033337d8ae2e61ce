/**
 * How fast layerwatch sends to an API whose rate is shared with the customer's account: one token
 * bucket, two users.
 *
 * - The sweep's Lambda clients. Lambda's control plane allows 15 requests a second per account and
 *   region (every control-plane call but GetFunction and GetPolicy; not increasable), and that budget
 *   is shared with everything else in the account: its deploy pipelines, the detector's own
 *   enrichment reads. A sweep that spent it would make the customer's deployments fail with
 *   `TooManyRequestsException`. The sweep's worker builds one Lambda client per account and region,
 *   and the queue hands out one pair of an account at a time (a FIFO group per account), so a bucket
 *   per client bounds the whole sweep's rate in that account and region. Each HTTP attempt takes a
 *   token (`rateLimited`: the middleware sits after the SDK's retry middleware): a retried call
 *   counts again, as Lambda counts it.
 * - The hunt's CloudTrail LookupEvents pages (cloudtrail-lookup-events-reader.ts): 2 a second per
 *   account and region, one token before each page.
 *
 * Callers are served in the order they ask. One that gives up (the call's abort signal: the caller's
 * own, or the call deadline's, see client-options.ts) stops waiting at once, with the abort's
 * reason, and neither takes a token nor holds up the callers behind it.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import {
  abortSignalOf,
  type BudgetedClient,
  type SignalContext,
  SWEEP_CALLS,
  sdkClient,
} from './client-options.js';

/**
 * The sweep's Lambda requests a second per account and region: two thirds of the control-plane
 * limit (15), the rest left to the account's own deployments and the detector's reads.
 */
export const SWEEP_LAMBDA_REQUESTS_PER_SECOND = 10;

/** The middleware's name on a bounded client's stack (tests look for it). */
export const RATE_LIMIT_MIDDLEWARE = 'layerwatchRateLimit';

/** Waits, in turn, until a call may start: the sweep's Lambda clients and the hunt's LookupEvents pages. */
export interface RateLimiter {
  /**
   * Resolves once the caller may start one call. Rejects with `signal.reason`, at once, when the
   * signal is (or becomes) aborted before then: the caller takes no token and leaves its place.
   */
  take(signal?: AbortSignal): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Tokens refilled at `perSecond`, at most `burst` kept: `take()` resolves when one is had, in the
 * order asked. In any one second at most `burst + perSecond` calls start; with a burst of 1, each
 * starts at least 1000/perSecond ms after the one before. A caller that gives up (its signal
 * aborted) leaves the queue at once, takes no token and holds nobody behind it.
 */
export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last: number;
  private readonly waiters: Waiter[] = [];
  private serving = false;

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

  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => this.leave(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      if (!this.serving) void this.serve();
    });
  }

  /** An aborted caller: out of the queue, rejected with its signal's reason. */
  private leave(waiter: Waiter): void {
    const at = this.waiters.indexOf(waiter);
    if (at < 0) return;
    this.waiters.splice(at, 1);
    waiter.reject(waiter.signal?.reason);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }

  /** Grants tokens to the queue's head while it has callers; one loop at a time. */
  private async serve(): Promise<void> {
    this.serving = true;
    try {
      for (;;) {
        this.refill();
        // A timer may fire a little early: wait again for what is still missing.
        while (this.tokens < 1 && this.waiters.length > 0) {
          await this.sleep(Math.max(1, ((1 - this.tokens) * 1000) / this.perSecond));
          this.refill();
        }
        const waiter = this.waiters.shift();
        if (!waiter) return;
        this.tokens -= 1;
        if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
      }
    } catch (error) {
      // Only an injected sleep can throw: every caller still waiting hears of it.
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    } finally {
      this.serving = false;
    }
  }
}

interface RelativeStack {
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
}

/**
 * `client`, each of whose HTTP attempts first takes a token from `limiter`. The SDK hands a call's
 * `abortSignal` (`send(command, { abortSignal })`, and the call deadline's, see client-options.ts)
 * to the middleware in its context, not in the handler's arguments: an attempt still waiting for a
 * token when either aborts ends there, with the abort's reason.
 */
export function rateLimited<C extends BudgetedClient>(client: C, limiter: RateLimiter): C {
  (client.middlewareStack as unknown as RelativeStack).addRelativeTo(
    (next: (args: unknown) => Promise<unknown>, context: SignalContext) => async (args: unknown) => {
      await limiter.take(abortSignalOf(context));
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
