/**
 * An in-memory history for hosts that replay events in order (the offline scanner, tests): it
 * keeps each function's baseline and the recent publications, and feeds them to the engine.
 */
import { type Baseline, recordQualifier, recordState } from './baseline.js';
import type { PublishRecord } from './correlation.js';
import { type Analysis, type AnalysisContext, analyze } from './engine.js';
import { isFunctionEvent, type LambdaEvent, qualifierFunctionOf } from './model.js';
import { DEFAULT_SETTINGS, type DetectionSettings } from './settings.js';

export class History {
  private readonly baselines = new Map<string, Baseline>();
  private readonly publishes: PublishRecord[] = [];

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
    return analysis;
  }
}
