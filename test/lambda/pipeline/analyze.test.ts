import type { Detection } from '../../../lambda/domain/detections/detection.js';
import { DEFAULT_SETTINGS } from '../../../lambda/domain/settings.js';
import { analyzeEvent } from '../../../lambda/pipeline/analyze.js';
import type { Enrichment } from '../../../lambda/pipeline/enrich.js';
import { recordingTelemetry } from '../../support/fakes.js';
import { layerArn, OTHER_ACCOUNT, updateFunctionConfiguration } from '../../support/records.js';
import { eventOf } from '../../support/run.js';

const nothingRead: Enrichment = {
  baseline: null,
  live: { status: 'not-read' },
  layers: {},
  publishes: [],
  organizationAccounts: [],
};

describe('analyze step', () => {
  it('runs the engine over the event and its enrichment', () => {
    const t = recordingTelemetry();
    const analysis = analyzeEvent(
      eventOf(updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] })),
      nothingRead,
      DEFAULT_SETTINGS,
      t,
    );
    expect(analysis.finding?.detectionId).toBe('lambda-layer-added');
    expect(t.counted).toEqual([]);
  });

  it('places a layer inside the organization from the live account list, not only from settings', () => {
    const event = eventOf(
      updateFunctionConfiguration('orders', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] }),
    );
    const t = recordingTelemetry();
    const outside = analyzeEvent(event, nothingRead, DEFAULT_SETTINGS, t);
    const inside = analyzeEvent(
      event,
      { ...nothingRead, organizationAccounts: [OTHER_ACCOUNT] },
      DEFAULT_SETTINGS,
      t,
    );
    expect(outside.finding?.provenance?.[0]?.relation).not.toBe('organization');
    expect(inside.finding?.provenance?.[0]?.relation).toBe('organization');
    expect(inside.finding?.riskScore).toBeLessThan(outside.finding?.riskScore ?? 0);
  });

  it('logs and counts a detection that failed (the engine isolates it)', () => {
    const t = recordingTelemetry();
    const errors = jest.spyOn(t.logger, 'error');
    const broken = {
      id: 'broken',
      evaluate: () => {
        throw new Error('bug');
      },
    } as unknown as Detection;
    analyzeEvent(eventOf(updateFunctionConfiguration('orders')), nothingRead, DEFAULT_SETTINGS, t, [broken]);
    expect(t.counted).toEqual(['DetectionErrors']);
    expect(errors).toHaveBeenCalledWith(
      'Detection failed',
      expect.objectContaining({ detectionId: 'broken' }),
    );
  });
});
