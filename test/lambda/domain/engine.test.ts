import type { Detection } from '../../../lambda/domain/detections/detection.js';
import { DETECTIONS } from '../../../lambda/domain/detections/index.js';
import { analyze, type LiveConfiguration } from '../../../lambda/domain/engine.js';
import { type Severity, severityRank } from '../../../lambda/domain/severity.js';
import { at, DEPS, DEPS_4, deployed, EVIL } from '../../support/domain-scenarios.js';
import {
  addLayerVersionPermission,
  createFunction,
  denied,
  functionArn,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  type Rec,
  updateFunctionConfiguration,
} from '../../support/records.js';
import { analyzeAfter, eventOf } from '../../support/run.js';
import { expectValidFinding } from '../../support/schema.js';
import { tamperingCalls } from '../../support/tamper-records.js';
import { createAlias, publishVersion, updateAlias } from '../../support/version-records.js';

/** A function with version 1 and alias prod on it, then the external layer attached at :05. */
const aliased = (): Rec[] => [
  deployed(),
  publishVersion('orders', '1', { layers: [DEPS], time: at(1) }),
  createAlias('orders', 'prod', '1', { time: at(2) }),
];
const attached = (): Rec => updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5) });

interface Case {
  name: string;
  history: Rec[];
  record: Rec;
  detection: string | null;
  /** Severity band the finding must fall in (inclusive). */
  between?: [Severity, Severity];
  added?: string[];
  removed?: string[];
  baseline?: 'known' | 'unknown';
  /** What the host read from the live function (the Lambda host); not read by default. */
  live?: LiveConfiguration;
}

const cases: Case[] = [
  {
    name: 'tampering: the trail EventBridge depends on stops logging',
    history: [],
    record: tamperingCalls()[0]?.record as Rec,
    detection: 'detector-tampered',
    between: ['critical', 'critical'],
  },
  {
    name: 'attack: an IAM user adds an external layer to a known function',
    history: [deployed()],
    record: updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5) }),
    detection: 'lambda-layer-added',
    between: ['high', 'critical'],
    added: [EVIL],
    removed: [],
    baseline: 'known',
  },
  {
    name: 'layer added with no baseline: every layer counts as added',
    history: [],
    record: updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5) }),
    detection: 'lambda-layer-added',
    added: [DEPS, EVIL],
    baseline: 'unknown',
  },
  {
    name: 'deploy tool re-sends the same layers: nothing',
    history: [deployed()],
    record: updateFunctionConfiguration('orders', {
      layers: [DEPS],
      request: { memorySize: 512 },
      time: at(5),
      identity: identities.deployRole(),
    }),
    detection: null,
  },
  {
    name: 'memory-only change: nothing',
    history: [deployed()],
    record: updateFunctionConfiguration('orders', {
      request: { memorySize: 512 },
      responseLayers: [DEPS],
      time: at(5),
    }),
    detection: null,
  },
  {
    name: 'memory-only change with no baseline: nothing (no drift without a baseline)',
    history: [],
    record: updateFunctionConfiguration('orders', {
      request: { memorySize: 512 },
      responseLayers: [EVIL],
      time: at(5),
    }),
    detection: null,
  },
  {
    name: 'version bump by the deploy role',
    history: [deployed()],
    record: updateFunctionConfiguration('orders', {
      layers: [DEPS_4],
      time: at(5),
      identity: identities.deployRole(),
    }),
    detection: 'lambda-layer-version-changed',
    between: ['informational', 'low'],
  },
  {
    name: 'layer removed',
    history: [deployed()],
    record: updateFunctionConfiguration('orders', { layers: [], time: at(5) }),
    detection: 'lambda-layer-removed',
    between: ['informational', 'low'],
    removed: [DEPS],
  },
  {
    name: 'drift: a config change whose response shows a layer no event added',
    history: [deployed()],
    record: updateFunctionConfiguration('orders', {
      request: { timeout: 60 },
      responseLayers: [DEPS, EVIL],
      time: at(5),
    }),
    detection: 'lambda-layer-drift',
    between: ['medium', 'critical'],
    added: [EVIL],
  },
  {
    name: 'add and remove at once is reported as an add',
    history: [deployed()],
    record: updateFunctionConfiguration('orders', { layers: [EVIL], time: at(5) }),
    detection: 'lambda-layer-added',
    added: [EVIL],
    removed: [DEPS],
  },
  {
    name: 'function created with layers',
    history: [],
    record: deployed(),
    detection: 'lambda-function-created-with-layers',
    baseline: 'known',
  },
  {
    name: 'function created without layers: nothing',
    history: [],
    record: createFunction('orders', { time: at(0) }),
    detection: null,
  },
  {
    name: 'a layer attached right after the function was created without layers is added against a known baseline',
    history: [createFunction('orders', { time: at(0) })],
    record: updateFunctionConfiguration('orders', { layers: [EVIL], time: at(1) }),
    detection: 'lambda-layer-added',
    baseline: 'known',
  },
  {
    name: 'layer version published',
    history: [],
    record: publishLayerVersion('tools', 2),
    detection: 'lambda-layer-version-published',
    between: ['informational', 'low'],
  },
  {
    name: 'public share',
    history: [],
    record: addLayerVersionPermission('tools', 2, '*'),
    detection: 'lambda-layer-shared',
    between: ['high', 'critical'],
  },
  {
    name: 'share with one external account',
    history: [],
    record: addLayerVersionPermission('tools', 2, OTHER_ACCOUNT),
    detection: 'lambda-layer-shared',
    between: ['medium', 'critical'],
  },
  {
    name: 'share with the organization',
    history: [],
    record: addLayerVersionPermission('tools', 2, '*', { organizationId: 'o-abc123def4' }),
    detection: 'lambda-layer-shared',
    between: ['low', 'medium'],
  },
  {
    name: 'persistence: a layer attached and the exec wrapper pointed into /opt in one call',
    history: [deployed()],
    record: updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5) }),
    live: {
      status: 'ok',
      layers: [DEPS, EVIL],
      runtime: 'python3.12',
      role: null,
      hooks: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper' },
    },
    detection: 'lambda-exec-hook-set',
    between: ['high', 'critical'],
    added: [EVIL],
  },
  {
    name: 'the same layers in another order, file lists unknown',
    history: [deployed('orders', [DEPS, EVIL])],
    record: updateFunctionConfiguration('orders', { layers: [EVIL, DEPS], time: at(5) }),
    detection: 'lambda-layer-reordered',
    between: ['medium', 'medium'],
    added: [],
    removed: [],
  },
  {
    name: 'attach then publish: the version freezes the layer its predecessor did not run',
    history: [deployed(), publishVersion('orders', '1', { layers: [DEPS], time: at(1) }), attached()],
    record: publishVersion('orders', '2', { layers: [DEPS, EVIL], time: at(6) }),
    detection: 'lambda-version-published-with-layer',
    between: ['high', 'critical'],
  },
  {
    name: 'deploy publishes the same layers: nothing',
    history: [deployed(), publishVersion('orders', '1', { layers: [DEPS], time: at(1) })],
    record: publishVersion('orders', '2', { layers: [DEPS], time: at(6), identity: identities.deployRole() }),
    detection: null,
  },
  {
    name: 'an alias moved to a version running another layer',
    history: [...aliased(), attached(), publishVersion('orders', '2', { layers: [DEPS, EVIL], time: at(6) })],
    record: updateAlias('orders', 'prod', '2', { time: at(7) }),
    detection: 'lambda-alias-routes-to-layer',
    between: ['high', 'critical'],
  },
  {
    name: 'a layer removed from $LATEST that an alias still runs, scored as the layer',
    history: [
      ...aliased(),
      attached(),
      publishVersion('orders', '2', { layers: [DEPS, EVIL], time: at(6) }),
      updateAlias('orders', 'prod', '2', { time: at(7) }),
    ],
    record: updateFunctionConfiguration('orders', { layers: [DEPS], time: at(8) }),
    detection: 'lambda-layer-still-runs',
    between: ['high', 'critical'],
  },
  {
    name: 'attempt: the guardrail refuses an IAM user attaching an external layer',
    history: [deployed()],
    record: denied(attached()),
    detection: 'lambda-layer-attach-denied',
    between: ['high', 'high'],
  },
];

describe('analyze', () => {
  it.each(cases)('$name', (c) => {
    const { finding, verdicts } = analyzeAfter(c.history, c.record, c.live);
    if (c.detection === null) {
      expect(finding).toBeNull();
      expect(verdicts.some((v) => v.status === 'match')).toBe(false);
      return;
    }
    expect(finding?.detectionId).toBe(c.detection);
    if (!finding) return;
    expectValidFinding(finding);
    if (c.between) {
      expect(severityRank(finding.severity)).toBeGreaterThanOrEqual(severityRank(c.between[0]));
      expect(severityRank(finding.severity)).toBeLessThanOrEqual(severityRank(c.between[1]));
    }
    if (c.added) expect(finding.layers?.added).toEqual(c.added);
    if (c.removed) expect(finding.layers?.removed).toEqual(c.removed);
    if (c.baseline) expect(finding.layers?.baseline).toBe(c.baseline);
  });

  it('diffs a late event against the state before it, not the newest state', () => {
    // The attack happened at :05 and was reverted at :10; the revert's event arrived first.
    const history = [deployed(), updateFunctionConfiguration('orders', { layers: [DEPS], time: at(10) })];
    const late = updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5) });
    const { finding } = analyzeAfter(history, late);
    expect(finding?.detectionId).toBe('lambda-layer-added');
    expect(finding?.layers?.before).toEqual([DEPS]);
    expect(finding?.layers?.added).toEqual([EVIL]);
  });

  it('gives the revert command that restores the previous layers', () => {
    const { finding } = analyzeAfter(
      [deployed()],
      updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5) }),
    );
    expect(finding?.remediation.revertCommand).toBe(
      `aws lambda update-function-configuration --region us-east-1 --function-name ${functionArn('orders')} --layers ${DEPS}`,
    );
  });

  it('gives the remove-permission command for a share', () => {
    const { finding } = analyzeAfter(
      [],
      addLayerVersionPermission('tools', 2, '*', { statementId: 'everyone' }),
    );
    expect(finding?.remediation.revertCommand).toBe(
      `aws lambda remove-layer-version-permission --region us-east-1 --layer-name ${layerArn('tools', 2).replace(/:2$/, '')} --version-number 2 --statement-id everyone`,
    );
  });

  it('uses the live configuration when the requested layers cannot be read, and says what differs', () => {
    const record = updateFunctionConfiguration('orders', { layers: [], noResponse: true, time: at(5) });
    (record.requestParameters as Rec).layers = 'garbled';
    const { finding } = analyzeAfter([deployed()], record, {
      status: 'ok',
      layers: [DEPS, EVIL],
      runtime: 'python3.12',
      role: null,
    });
    expect(finding?.detectionId).toBe('lambda-layer-added');
    expect(finding?.gaps.join(' ')).toMatch(/requested layers unreadable/);
  });

  it('notes when the live function no longer matches the event', () => {
    const { finding } = analyzeAfter(
      [deployed()],
      updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5) }),
      {
        status: 'ok',
        layers: [DEPS],
        runtime: null,
        role: null,
      },
    );
    expect(finding?.layers?.current).toEqual([DEPS]);
    expect(finding?.reasons.join(' ')).toMatch(/now has other layers/);
  });

  it('still reports, and names the gap, when the function cannot be read', () => {
    const { finding } = analyzeAfter([], updateFunctionConfiguration('orders', { layers: [EVIL] }), {
      status: 'not-found',
      message: 'ResourceNotFoundException: Function not found',
    });
    expect(finding?.detectionId).toBe('lambda-layer-added');
    expect(finding?.gaps).toEqual([
      'function configuration: the function no longer exists (ResourceNotFoundException: Function not found)',
    ]);
  });

  it('gives the same finding id for the same event (deduplication downstream)', () => {
    const record = updateFunctionConfiguration('orders', { layers: [EVIL] });
    expect(analyzeAfter([], record).finding?.findingId).toBe(analyzeAfter([], record).finding?.findingId);
  });

  it('isolates a detection that throws and still runs the others', () => {
    const broken: Detection = {
      ...(DETECTIONS[0] as Detection),
      id: 'broken',
      evaluate: () => {
        throw new Error('boom');
      },
    };
    const event = eventOf(publishLayerVersion('tools', 1));
    const result = analyze(event, { baseline: null, live: { status: 'not-read' } }, [broken, ...DETECTIONS]);
    expect(result.verdicts[0]).toEqual({ detectionId: 'broken', status: 'error', error: 'boom' });
    expect(result.finding?.detectionId).toBe('lambda-layer-version-published');
  });
});

describe('detections', () => {
  it('have unique, stable-looking ids and complete metadata', () => {
    const ids = DETECTIONS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of DETECTIONS) {
      expect(d.id).toMatch(/^(lambda|detector)-[a-z-]+$/);
      expect(d.falsePositives.length).toBeGreaterThan(0);
      expect(d.references.length).toBeGreaterThan(0);
      expect(d.mitre.length).toBeGreaterThan(0);
    }
  });

  it('each has a positive case above', () => {
    const covered = new Set(cases.map((c) => c.detection));
    for (const d of DETECTIONS) expect(covered).toContain(d.id);
  });
});
