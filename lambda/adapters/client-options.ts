/**
 * How long any AWS call may take, in one place. The SDK's own default is no timeout at all: a call to
 * an endpoint that accepts the connection and never answers would hold the handler until Lambda
 * kills it, and with it the alert that enrichment must never block. Every client a runtime or the
 * CLI builds comes from `sdkClient()`, with a budget of four numbers:
 *
 * - each attempt: the connection within `connectionTimeoutMs`, the response within
 *   `requestTimeoutMs` (and no silence on its socket longer than that), else the SDK's `TimeoutError`;
 * - at most `maxAttempts` attempts (the SDK's retry policy, `adaptive` mode);
 * - the whole call, every attempt, backoff and credential fetch included, within `callTimeoutMs`:
 *   a middleware around the call ends it there, cancels what is still waiting (retry backoff, a
 *   client-side rate limit) and throws `AwsCallTimeoutError`. An attempt that timed out on its own,
 *   when no attempt is left, surfaces with the same name, so "no answer in time" has one spelling.
 *
 * The budgets below and how they add up to less than each function's timeout are written down in
 * ARCHITECTURE.md ("Time budget").
 */

/** Where the SDK keeps a call's abort signal in the middleware context (@smithy/types SMITHY_CONTEXT_KEY). */
export const SMITHY_CONTEXT_KEY = '__smithy_context';

export interface CallBudget {
  /** Named in errors: which budget a call ran out of. */
  readonly name: string;
  readonly connectionTimeoutMs: number;
  /** One attempt's response (headers), and the longest silence on its socket afterwards. */
  readonly requestTimeoutMs: number;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** The whole call, all attempts included. */
  readonly callTimeoutMs: number;
}

/**
 * The handler's reads that enrich a finding (Lambda, STS for a member account, Organizations):
 * 3 s per call. A throttled call still gets its retry (backoff is ~0.1-0.4 s); a silent endpoint
 * costs 3 s and becomes a gap.
 */
export const ENRICHMENT_CALLS: CallBudget = {
  name: 'enrichment',
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  maxAttempts: 3,
  callTimeoutMs: 3_000,
};

/**
 * The handler's alert path (idempotency and baselines in DynamoDB, the alert topic, Security Hub, the
 * event bus): 6 s per call, then the invocation fails and Lambda retries it.
 */
export const ALERT_PATH_CALLS: CallBudget = {
  name: 'alert path',
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 3_000,
  maxAttempts: 3,
  callTimeoutMs: 6_000,
};

/** The daily sweep (15 min function timeout, thousands of calls): patient with throttling, not forever. */
export const SWEEP_CALLS: CallBudget = {
  name: 'sweep',
  connectionTimeoutMs: 2_000,
  requestTimeoutMs: 10_000,
  maxAttempts: 8,
  callTimeoutMs: 30_000,
};

/** The heartbeat (1 min function timeout; its regions are touched in parallel). */
export const HEARTBEAT_CALLS: CallBudget = {
  name: 'heartbeat',
  connectionTimeoutMs: 2_000,
  requestTimeoutMs: 5_000,
  maxAttempts: 3,
  callTimeoutMs: 15_000,
};

/**
 * The command line: nobody's deadline but a person's patience. CloudTrail's LookupEvents and Athena
 * can take seconds per page; a stalled endpoint ends the command with a named error, not a hang.
 * S3 objects stream after the call returns: only the socket's silence bounds a download then.
 */
export const CLI_CALLS: CallBudget = {
  name: 'command line',
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
  maxAttempts: 5,
  callTimeoutMs: 120_000,
};

/** A call that did not end within its budget (`cause`: the last attempt's error, when there was one). */
export class AwsCallTimeoutError extends Error {
  override name = 'AwsCallTimeoutError';
}

/** The client configuration a budget sets (the timeouts of each attempt and the attempts). */
export function clientOptions(budget: CallBudget) {
  return {
    maxAttempts: budget.maxAttempts,
    retryMode: 'adaptive',
    requestHandler: {
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      socketTimeout: budget.requestTimeoutMs,
      // Without it, the installed SDK only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    },
  } as const;
}

/** The middleware's name on every client's stack (tests look for it). */
export const CALL_DEADLINE_MIDDLEWARE = 'layerwatchCallDeadline';

/** What sdkClient needs of an SDK v3 client: its middleware stack. */
export interface BudgetedClient {
  middlewareStack: { add: (middleware: never, options: never) => unknown };
}

/**
 * `new Client({ ...config, ...clientOptions(budget) })` with the call deadline on its stack. The
 * budget wins over `config` (a caller cannot turn the timeouts off by accident).
 */
export function sdkClient<C extends BudgetedClient, O>(
  Client: new (...args: [] | [config: O]) => C,
  budget: CallBudget,
  config?: NoInfer<Omit<O, keyof ReturnType<typeof clientOptions>>>,
): C {
  const client = new Client({ ...config, ...clientOptions(budget) } as O);
  (client.middlewareStack as unknown as MiddlewareStack).add(callDeadline(budget), {
    step: 'initialize',
    priority: 'high',
    name: CALL_DEADLINE_MIDDLEWARE,
    override: true,
  });
  return client;
}

/**
 * A client, or how to build it when it is first used. The handler builds at its cold start only the
 * clients every event needs; one that only some events need (the alert topic's, STS for a member
 * account, the posture's read of the state table) is built by the first event that calls it.
 */
export type Deferred<C extends object> = C | (() => C);

/** `make`, called at the first use and remembered: one client per cold start, as before. */
export function atFirstUse<C extends object>(make: () => C): () => C {
  let client: C | undefined;
  return () => {
    client ??= make();
    return client;
  };
}

/** The client itself, built now if it was deferred. */
export function built<C extends object>(client: Deferred<C>): C {
  return typeof client === 'function' ? (client as () => C)() : client;
}

interface MiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

/** What a middleware context holds of its call's abort signal, if any. */
export interface SignalContext {
  [SMITHY_CONTEXT_KEY]?: { abortSignal?: AbortSignal };
}

/** The call's abort signal in a middleware's context (a caller's own, the call deadline's, or both). */
export function abortSignalOf(context: SignalContext): AbortSignal | undefined {
  return context[SMITHY_CONTEXT_KEY]?.abortSignal;
}

interface CallContext extends SignalContext {
  clientName?: string;
  commandName?: string;
}

/** Ends a call, retries and all, after `budget.callTimeoutMs`. */
function callDeadline(budget: CallBudget) {
  return (next: (args: unknown) => Promise<unknown>, context: CallContext) => async (args: unknown) => {
    const call = `${context.clientName ?? 'AWS'} ${context.commandName ?? 'call'}`;
    const stop = new AbortController();
    // The retry middleware reads the abort signal from the context: backoff and rate limiting end
    // when the deadline does (a caller's own signal still counts).
    context[SMITHY_CONTEXT_KEY] ??= {};
    const smithy = context[SMITHY_CONTEXT_KEY];
    smithy.abortSignal = smithy.abortSignal
      ? AbortSignal.any([smithy.abortSignal, stop.signal])
      : stop.signal;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        stop.abort();
        reject(
          new AwsCallTimeoutError(
            `${call} gave no answer within ${budget.callTimeoutMs} ms (${budget.name} budget)`,
          ),
        );
      }, budget.callTimeoutMs);
    });
    try {
      return await Promise.race([next(args), expired]);
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError')
        throw new AwsCallTimeoutError(
          `${call} gave no answer in time (${budget.name} budget: ${budget.maxAttempts} attempt(s) of ${budget.requestTimeoutMs} ms): ${error.message}`,
          { cause: error },
        );
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}
