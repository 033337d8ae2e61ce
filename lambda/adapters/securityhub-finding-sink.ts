/**
 * Imports ASFF findings into Security Hub (BatchImportFindings) in the caller's own account: with
 * the default product ARN, Security Hub only takes findings whose AwsAccountId is the calling
 * account. Batches hold at most 100 findings and stay under the 6 MB request limit; findings
 * Security Hub reports as failed are retried alone, and what still fails is thrown as a
 * `SecurityHubImportError` naming each finding, so that the caller retries or dead-letters.
 * Re-importing is safe: a finding's Id is stable, so Security Hub updates instead of duplicating.
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { AsffFinding } from '../domain/render/asff.js';
import type { DeclaredCall } from './calls.js';
import { errorMessage, errorName } from './errors.js';

export const MAX_FINDINGS_PER_BATCH = 100;
/** Security Hub's limits: 240 KB a finding, 6 MB a request. */
export const MAX_FINDING_BYTES = 240 * 1024;
export const MAX_BATCH_BYTES = 6 * 1024 * 1024;
/** Room for the request's own JSON around the findings. */
const BATCH_BUDGET_BYTES = MAX_BATCH_BYTES - 16 * 1024;

export interface FailedImport {
  id: string;
  code: string;
  message: string;
}

/** Some findings could not be imported after retries; `failed` names each one. */
export class SecurityHubImportError extends Error {
  override name = 'SecurityHubImportError';
  constructor(
    message: string,
    readonly failed: FailedImport[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A finding that Security Hub would refuse whatever the retries (wrong account, too large). */
export class InvalidFindingError extends Error {
  override name = 'InvalidFindingError';
}

export interface SecurityHubSinkOptions {
  /** Attempts for findings Security Hub reports as failed (first try included). @default 3 */
  attempts?: number;
  /** Waits between attempts (tests inject a fake). */
  sleep?: (ms: number) => Promise<void>;
  /** First wait; doubled at each further attempt. @default 500 */
  backoffMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Splits findings into batches of at most 100 and under the request size budget. */
export function batchesOf(findings: readonly AsffFinding[]): AsffFinding[][] {
  const batches: AsffFinding[][] = [];
  let current: AsffFinding[] = [];
  let bytes = 0;
  for (const f of findings) {
    const size = Buffer.byteLength(JSON.stringify(f), 'utf8') + 1;
    if (
      current.length > 0 &&
      (current.length === MAX_FINDINGS_PER_BATCH || bytes + size > BATCH_BUDGET_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export class SecurityHubFindingSink {
  /** What this adapter sends (see calls.ts). The resource is the account's default product ARN. */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'securityhub:BatchImportFindings', resource: 'securityhub-product' },
  ];

  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly backoffMs: number;

  /** @param callerAccount the account the client's credentials belong to (the host knows it). */
  constructor(
    private readonly client: SecurityHubClient,
    private readonly callerAccount: string,
    options: SecurityHubSinkOptions = {},
  ) {
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.sleep = options.sleep ?? defaultSleep;
    this.backoffMs = options.backoffMs ?? 500;
  }

  /** Refuses, before any call, findings Security Hub would never take. */
  private check(findings: readonly AsffFinding[]): void {
    const foreign = findings.filter(
      (f) =>
        f.AwsAccountId !== this.callerAccount || !f.ProductArn.includes(`:${this.callerAccount}:product/`),
    );
    if (foreign.length > 0)
      throw new InvalidFindingError(
        `BatchImportFindings with the default product only takes findings of the calling account ${this.callerAccount}; ` +
          `${foreign.length} finding(s) name another (${foreign
            .slice(0, 3)
            .map((f) => `${f.Id}: ${f.AwsAccountId}`)
            .join(', ')}): render them with account ${this.callerAccount}, or import from their own account`,
      );
    const large = findings.filter((f) => Buffer.byteLength(JSON.stringify(f), 'utf8') >= MAX_FINDING_BYTES);
    if (large.length > 0)
      throw new InvalidFindingError(
        `${large.length} finding(s) reach Security Hub's 240 KB limit: ${large.map((f) => f.Id).join(', ')}`,
      );
  }

  /** Imports every finding or throws; returns how many were imported. */
  async import(findings: readonly AsffFinding[]): Promise<{ imported: number }> {
    this.check(findings);
    const failed: FailedImport[] = [];
    let imported = 0;
    let cause: unknown;
    for (const batch of batchesOf(findings)) {
      try {
        const left = await this.importBatch(batch);
        imported += batch.length - left.length;
        failed.push(...left);
      } catch (error) {
        // The request itself failed (after the SDK's own retries): none of this batch is in.
        cause ??= error;
        const message = `${errorName(error)}: ${errorMessage(error)}`;
        failed.push(...batch.map((f) => ({ id: f.Id, code: errorName(error), message })));
      }
    }
    if (failed.length > 0)
      throw new SecurityHubImportError(
        `${failed.length} of ${findings.length} finding(s) not imported into Security Hub (${failed
          .slice(0, 3)
          .map((f) => `${f.id}: ${f.code} ${f.message}`)
          .join('; ')})`,
        failed,
        { cause },
      );
    return { imported };
  }

  /** One batch, retrying the findings Security Hub reports as failed; returns those still failing. */
  private async importBatch(batch: AsffFinding[]): Promise<FailedImport[]> {
    let pending = batch;
    let failed: FailedImport[] = [];
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      if (attempt > 1) await this.sleep(this.backoffMs * 2 ** (attempt - 2));
      // The shape is ASFF as Security Hub documents it (test/support/asff.ts checks it).
      const Findings = pending as unknown as AwsSecurityFinding[];
      const out = await this.client.send(new BatchImportFindingsCommand({ Findings }));
      const reported = (out.FailedFindings ?? []).map((f) => ({
        id: f.Id ?? '',
        code: f.ErrorCode ?? 'Unknown',
        message: f.ErrorMessage ?? '',
      }));
      const count = Math.max(out.FailedCount ?? 0, reported.length);
      if (count === 0) return [];
      const ids = new Set(reported.map((f) => f.id));
      const named = pending.filter((f) => ids.has(f.Id));
      if (named.length < count) {
        // Failures Security Hub does not name: every finding of the batch may be one of them.
        failed = pending.map((f) => ({
          id: f.Id,
          code: reported[0]?.code ?? 'Unknown',
          message: `${count} of ${pending.length} failed, not all named (${reported[0]?.message ?? 'no detail'})`,
        }));
      } else {
        pending = named;
        failed = reported;
      }
    }
    return failed;
  }
}
