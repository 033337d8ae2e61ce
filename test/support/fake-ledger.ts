/** The sweep ledger and queue of pairs in memory, with the contract of their DynamoDB and SQS adapters. */
import type { PairQueue, SweepLedger } from '../../lambda/adapters/ports.js';
import type {
  PairOutcome,
  PairRecord,
  PlannedPair,
  PlannedRun,
  RunState,
} from '../../lambda/domain/sweep-ledger.js';

const key = (runId: string, p: PlannedPair) => `${runId}#${p.account}#${p.region}`;

export class MemoryLedger implements SweepLedger {
  lock: { runId: string; holdUntil: number } | null = null;
  readonly runs = new Map<string, { run: PlannedRun; remaining: number; reportedAt?: string }>();
  readonly outcomes = new Map<string, PairOutcome>();
  readonly attempts = new Map<string, string>();

  async claim(run: PlannedRun, nowSeconds: number) {
    if (this.lock && this.lock.holdUntil >= nowSeconds)
      return { claimed: false as const, holder: this.lock.runId };
    this.lock = { runId: run.runId, holdUntil: run.holdUntil };
    this.runs.set(run.runId, { run, remaining: run.accounts.length * run.regions.length });
    return { claimed: true as const };
  }

  async holder(): Promise<RunState | null> {
    return this.lock ? this.state(this.lock.runId) : null;
  }

  async state(runId: string): Promise<RunState | null> {
    const r = this.runs.get(runId);
    return r ? { run: r.run, remaining: r.remaining, reported: r.reportedAt !== undefined } : null;
  }

  async noteAttempt(runId: string, pair: PlannedPair, error: string) {
    this.attempts.set(key(runId, pair), error);
  }

  async settle(runId: string, pair: PlannedPair, outcome: PairOutcome) {
    if (this.outcomes.has(key(runId, pair))) return null;
    this.outcomes.set(key(runId, pair), outcome);
    const r = this.runs.get(runId);
    if (!r) throw new Error(`no run ${runId}`);
    r.remaining -= 1;
    return r.remaining;
  }

  async records(runId: string, pairs: readonly PlannedPair[]): Promise<PairRecord[]> {
    return pairs.map((p) => {
      const outcome = this.outcomes.get(key(runId, p));
      const lastError = this.attempts.get(key(runId, p));
      return { ...(outcome ? { outcome } : {}), ...(lastError ? { lastError } : {}) };
    });
  }

  async finish(runId: string, at: string) {
    const r = this.runs.get(runId);
    if (!r || r.reportedAt) return false;
    r.reportedAt = at;
    if (this.lock?.runId === runId) this.lock = null;
    return true;
  }
}

export class MemoryQueue implements PairQueue {
  readonly sent: (PlannedPair & { runId: string })[] = [];
  /** Accounts whose messages cannot be sent. */
  constructor(private readonly refuse: ReadonlySet<string> = new Set()) {}

  async enqueue(tasks: readonly (PlannedPair & { runId: string })[]) {
    const failed: (PlannedPair & { runId: string; error: string })[] = [];
    for (const t of tasks) {
      if (this.refuse.has(t.account)) failed.push({ ...t, error: 'InternalError: queue unavailable' });
      else this.sent.push(t);
    }
    return failed;
  }
}
