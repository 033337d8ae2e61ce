/**
 * An in-memory history for hosts that replay events in order (the offline scanner, tests): it
 * keeps each function's baseline and the recent publications, and feeds them to the engine. It
 * also keeps the inventory `layerwatch guardrail` would build from the events so far, so that each
 * function finding's posture says whether that guardrail would have refused the call; code signing
 * is "not read" (no AWS API offline).
 */
import { type Baseline, recordQualifier, recordState } from './baseline.js';
import type { PublishRecord } from './correlation.js';
import { type Analysis, type AnalysisContext, analyze } from './engine.js';
import { addAccount, addEvent, emptyInventory } from './guardrail/inventory.js';
import { guardedRequest, guardrailVerdict } from './guardrail/verdict.js';
import { isFunctionEvent, type LambdaEvent, qualifierFunctionOf } from './model.js';
import { codeSigningNotRead, type Posture } from './posture.js';
import { DEFAULT_SETTINGS, type DetectionSettings } from './settings.js';

export class History {
  private readonly baselines = new Map<string, Baseline>();
  private readonly publishes: PublishRecord[] = [];
  private readonly inventory = emptyInventory();

  constructor(private readonly settings: DetectionSettings = DEFAULT_SETTINGS) {}

  /** Analyzes the next event against what came before it, then remembers what it established. */
  next(
    event: LambdaEvent,
    extra: Pick<AnalysisContext, 'live' | 'layers'> = { live: { status: 'not-read' } },
  ): Analysis {
    const fn = isFunctionEvent(event) ? event.fn : qualifierFunctionOf(event);
    const baseline = fn ? (this.baselines.get(fn.arn) ?? null) : null;
    const analysis = analyze(event, {
      ...extra,
      baseline,
      publishes: this.publishes,
      settings: this.settings,
    });
    let next = baseline;
    if (analysis.state && isFunctionEvent(event)) next = recordState(next, event.fn.arn, analysis.state);
    if (analysis.qualifier && fn) next = recordQualifier(next, fn.arn, analysis.qualifier);
    if (next && fn && next !== baseline) this.baselines.set(fn.arn, next);
    if (analysis.publish) this.publishes.push(analysis.publish);
    if (analysis.finding) analysis.finding.posture = this.postureOf(event, analysis.finding.function?.arn);
    addEvent(this.inventory, event);
    return analysis;
  }

  /** Judged against the events before this one (and the account this call was made in). */
  private postureOf(event: LambdaEvent, functionArn: string | undefined): Posture | null {
    if (functionArn === undefined) return null;
    const partition = /^arn:([a-z0-9-]+):/.exec(functionArn)?.[1] ?? 'aws';
    for (const account of [event.meta.account, ...this.settings.organizationAccounts])
      addAccount(this.inventory, account, partition);
    const basis = 'the accounts and layers of the events before it in this history';
    return {
      codeSigning: codeSigningNotRead('offline: the scan reads no AWS API'),
      guardrail: guardrailVerdict(
        guardedRequest(event),
        { inventory: this.inventory, basis, accountsGap: null, layersGap: null },
        this.settings.knownPublishers,
      ),
    };
  }
}
