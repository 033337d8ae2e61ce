/**
 * The opt-in containment (README: Respond, "One click"): started by a person choosing layerwatch's
 * Security Hub custom action on a finding, never on its own. It runs the same revert as the CLI:
 *
 *   requests (the selected findings) -> confirm each with the deployment's baseline -> read each
 *   function -> plan and guards (own functions refused, stack-managed functions get the drift revert,
 *   never --force) -> the cap -> the writes, RevisionId-guarded, all or nothing -> report
 *
 * and publishes what it did (who asked, the plans, the result) to the alert topic. A request it
 * refuses is reported, not retried: a person asked once and reads the answer.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AlertPublisher } from './adapters/ports.js';
import type { Baseline } from './domain/baseline.js';
import {
  type ContainmentReport,
  outcomeOf,
  renderContainmentReport,
} from './domain/revert/containment-report.js';
import { confirmRequest, requestsOfCustomAction } from './domain/revert/custom-action.js';
import { capRefusal, type GuardedPlan, guard } from './domain/revert/guards.js';
import { planFunction } from './domain/revert/plan.js';
import { applySteps, type RevertPort } from './pipeline/revert-apply.js';

export interface ContainmentDeps {
  port: RevertPort;
  /** A function's baseline in the deployment's state table. */
  baseline: (functionArn: string) => Promise<Baseline | null>;
  publisher: AlertPublisher;
  /** The custom action's ARN: any other event is refused. */
  actionArn: string;
  partition: string;
  /** The detector stack's name (its functions are never changed). */
  stack: string;
  /** The most functions one click changes. */
  maxFunctions: number;
  logger: Logger;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Confirmed requests -> guarded plans; what cannot be confirmed or read is skipped, with why. */
async function plan(
  requests: Parameters<typeof confirmRequest>[0][],
  deps: ContainmentDeps,
  report: ContainmentReport,
): Promise<void> {
  for (const r of requests) {
    try {
      const confirmed = confirmRequest(r, await deps.baseline(r.functionArn));
      if (typeof confirmed === 'string') {
        report.skipped.push(confirmed);
        continue;
      }
      const snapshot = await deps.port.snapshot(confirmed.functionArn);
      const planned = planFunction(snapshot, confirmed, { throttle: false, qualifier: null });
      report.plans.push(guard(planned, { stack: deps.stack, force: false }));
    } catch (error) {
      report.skipped.push(`${r.findingId ?? r.functionArn}: ${messageOf(error)}`);
    }
  }
}

export function createContainment(deps: ContainmentDeps): (event: unknown) => Promise<ContainmentReport> {
  return async (event) => {
    const parsed = requestsOfCustomAction(event, deps.actionArn, deps.partition);
    if (typeof parsed === 'string') {
      // Not the action's event: nobody asked through it, so nobody is told; the log keeps it.
      deps.logger.warn('Containment refused an event', { reason: parsed });
      throw new Error(`layerwatch containment: ${parsed}`);
    }
    const report: ContainmentReport = {
      asker: parsed.asker,
      refused: null,
      skipped: [...parsed.skipped],
      plans: [],
      done: [],
      failed: null,
      undone: [],
      stuck: [],
    };
    await plan(parsed.requests, deps, report);
    const applicable = (p: GuardedPlan) => p.refusal === null && p.steps.length > 0;
    report.refused = capRefusal(report.plans, deps.maxFunctions);
    if (report.refused === null) {
      const steps = report.plans
        .filter(applicable)
        .flatMap((p) => p.steps.map((step) => ({ functionArn: p.snapshot.arn, step })));
      Object.assign(report, await applySteps(deps.port, steps));
    }
    deps.logger.info('Containment', {
      outcome: outcomeOf(report),
      asker: report.asker,
      done: report.done.length,
    });
    await deps.publisher.publish(renderContainmentReport(report));
    return report;
  };
}
