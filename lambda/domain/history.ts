/**
 * An in-memory history for hosts that replay events in order (the offline scanner, tests): it
 * keeps each function's baseline and the recent publications, and feeds them to the engine.
 */
import { type Baseline, recordState } from './baseline.js';
import type { PublishRecord } from './correlation.js';
import { type Analysis, type AnalysisContext, analyze } from './engine.js';
import { isFunctionEvent, type LambdaEvent } from './model.js';
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
    const baseline = isFunctionEvent(event) ? (this.baselines.get(event.fn.arn) ?? null) : null;
    const analysis = analyze(event, {
      ...extra,
      baseline,
      publishes: this.publishes,
      settings: this.settings,
    });
    if (analysis.state && isFunctionEvent(event)) {
      this.baselines.set(event.fn.arn, recordState(baseline, event.fn.arn, analysis.state));
    }
    if (analysis.publish) this.publishes.push(analysis.publish);
    return analysis;
  }
}
