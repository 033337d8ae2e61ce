import { contentPoints, signalSentence } from '../../../lambda/domain/content-scoring.js';
import { publishedByHuman } from '../../../lambda/domain/correlation.js';
import { versionContentChange } from '../../../lambda/domain/layer-inspection.js';
import { severityRank } from '../../../lambda/domain/severity.js';
import { at, DEPS, deployed } from '../../support/domain-scenarios.js';
import {
  analyzeInspected,
  ciRole,
  EXTENSION,
  inspectedFinding,
  NATIVE,
  report,
  SDK,
} from '../../support/inspected-findings.js';
import {
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  updateFunctionConfiguration,
} from '../../support/records.js';
import { expectValidFinding } from '../../support/schema.js';

const EXTERNAL = layerArn('otel', 7, OTHER_ACCOUNT);
const INSIGHTS = 'arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53';
const V6 = layerArn('tools', 6);
const V7 = layerArn('tools', 7);

const addBy = (layer: string, identity = ciRole()) =>
  updateFunctionConfiguration('orders', { layers: [DEPS, layer], time: at(5), identity });

describe('content signals on a finding that scores provenance', () => {
  it('ranks an external layer with an extension clearly above the same layer without one', () => {
    const without = inspectedFinding([deployed()], addBy(EXTERNAL), {
      inspections: { [EXTERNAL]: report(EXTERNAL, []) },
    });
    const withExtension = inspectedFinding([deployed()], addBy(EXTERNAL), {
      inspections: { [EXTERNAL]: report(EXTERNAL, [EXTENSION]) },
    });
    expect(withExtension.riskScore - without.riskScore).toBe(25);
    expect(severityRank(withExtension.severity)).toBeGreaterThan(severityRank(without.severity));
    expect(withExtension.reasons.join('\n')).toContain(
      "layer otel:7 starts an external extension, extensions/otel-collector, which runs beside every invocation with the function's credentials (high) (+25)",
    );
    expectValidFinding(withExtension);
  });

  it("raises less for a known publisher's extension (lowered one step), and never hides it", () => {
    const insights = inspectedFinding([deployed()], addBy(INSIGHTS), {
      inspections: { [INSIGHTS]: report(INSIGHTS, [EXTENSION]) },
    });
    const signal = insights.inspection?.layers[0]?.signals[0];
    expect(signal).toEqual(
      expect.objectContaining({
        severity: 'medium',
        lowered: { from: 'high', publisher: 'AWS CloudWatch Lambda Insights' },
      }),
    );
    expect(insights.reasons.join('\n')).toMatch(/lowered from high.*\(\+15\)/);
  });

  it('gives native code no points: it explains, it does not rank', () => {
    const plain = inspectedFinding([deployed()], addBy(EXTERNAL), {
      inspections: { [EXTERNAL]: report(EXTERNAL, []) },
    });
    const native = inspectedFinding([deployed()], addBy(EXTERNAL), {
      inspections: { [EXTERNAL]: report(EXTERNAL, [NATIVE]) },
    });
    expect(native.riskScore).toBe(plain.riskScore);
    expect(native.reasons.some((r) => r.includes('holds native code'))).toBe(true);
    expect(contentPoints('native-code', 'high')).toBe(0);
  });

  it('counts each kind once, at its most severe occurrence', () => {
    const second = { ...EXTENSION, path: 'extensions/other', severity: 'medium' as const };
    const f = inspectedFinding([deployed()], addBy(EXTERNAL), {
      inspections: { [EXTERNAL]: report(EXTERNAL, [second, EXTENSION, SDK]) },
    });
    const content = f.reasons.filter((r) => r.startsWith('layer otel:7'));
    expect(content).toHaveLength(2);
    expect(content[0]).toContain('1 more of this kind');
  });

  it('is null without inspection (the CLI), and names an incomplete read in gaps', () => {
    expect(inspectedFinding([deployed()], addBy(EXTERNAL)).inspection).toBeNull();
    const partial = inspectedFinding([deployed()], addBy(EXTERNAL), {
      inspections: {
        [EXTERNAL]: report(EXTERNAL, [], {
          status: 'partial',
          gaps: [{ path: 'wrapper', reason: 'ReadBudgetExceededError: read budget of 8000 ms spent' }],
        }),
      },
    });
    expect(partial.gaps).toContain(
      `layer content of ${EXTERNAL}: partial (wrapper: ReadBudgetExceededError: read budget of 8000 ms spent)`,
    );
    expect(partial.inspection?.layers[0]?.status).toBe('partial');
    expectValidFinding(partial);
  });

  it('bounds the informational signals a finding lists', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ ...NATIVE, path: `lib/n${i}.so` }));
    const f = inspectedFinding([deployed()], addBy(EXTERNAL), {
      inspections: { [EXTERNAL]: report(EXTERNAL, [EXTENSION, ...many]) },
    });
    const layer = f.inspection?.layers[0];
    expect(layer?.signals).toHaveLength(11);
    expect(layer?.gaps).toEqual([{ reason: '30 more informational signals not listed' }]);
  });
});

describe('version changes: what the new version adds', () => {
  const history = [
    createFunction('orders', { layers: [V6], time: at(0), identity: identities.deployRole() }),
  ];
  const bump = (identity = ciRole()) =>
    updateFunctionConfiguration('orders', { layers: [V7], time: at(5), identity });

  it('stays low when the new version runs nothing new', () => {
    const f = inspectedFinding(history, bump(), {
      inspections: { [V6]: report(V6, [EXTENSION]), [V7]: report(V7, [EXTENSION]) },
    });
    expect(f.detectionId).toBe('lambda-layer-version-changed');
    expect(f.riskScore).toBeLessThanOrEqual(39);
    expect(f.inspection?.versionChanges).toEqual([
      expect.objectContaining({ from: V6, to: V7, compared: true, added: [] }),
    ]);
  });

  it('is at least high when the new version adds an external extension, and says so', () => {
    const f = inspectedFinding(history, bump(), {
      inspections: { [V6]: report(V6, []), [V7]: report(V7, [EXTENSION]) },
    });
    expect(f.riskScore).toBeGreaterThanOrEqual(60);
    expect(f.reasons.join('\n')).toContain(
      'version 7 adds an external extension extensions/otel-collector that version 6 did not have',
    );
    expectValidFinding(f);
  });

  it('is at least medium when it adds a copy of the SDK', () => {
    const f = inspectedFinding(history, bump(), {
      inspections: { [V6]: report(V6, []), [V7]: report(V7, [SDK]) },
    });
    expect(f.riskScore).toBeGreaterThanOrEqual(40);
    expect(f.riskScore).toBeLessThan(60);
  });

  it('ranks it higher when a person published the new version', () => {
    const inspections = { [V6]: report(V6, []), [V7]: report(V7, [EXTENSION]) };
    const publish = (actorKey: string, human?: boolean) => ({
      layerVersionArn: V7,
      eventId: 'pub-7',
      actorKey,
      timeMs: Date.parse(at(3)),
      ...(human === undefined ? {} : { human }),
    });
    const byPipeline = inspectedFinding(history, bump(), {
      inspections,
      publishes: [publish('arn:aws:sts::111122223333:assumed-role/ci-runner/build-41')],
    });
    const byPerson = inspectedFinding(history, bump(), {
      inspections,
      publishes: [publish('arn:aws:iam::111122223333:user/mallory')],
    });
    expect(byPerson.riskScore).toBeGreaterThanOrEqual(70);
    expect(byPerson.riskScore).toBeGreaterThan(byPipeline.riskScore);
    expect(byPerson.reasons.join('\n')).toContain('published by a person');
  });

  it('does not compare when the old version was not read completely, and says why', () => {
    const f = inspectedFinding(history, bump(), {
      inspections: {
        [V6]: report(V6, [], { status: 'unread', gaps: [{ reason: 'archive not read' }] }),
        [V7]: report(V7, [EXTENSION]),
      },
    });
    expect(f.riskScore).toBeLessThanOrEqual(39);
    expect(f.inspection?.versionChanges[0]?.compared).toBe(false);
    expect(f.gaps.join('\n')).toContain('version 6 was not read completely (unread)');
  });

  it('compares by kind and path, lowered for a known publisher', () => {
    const change = { layerArn: 'l', from: V6, to: V7 };
    const moved = { ...EXTENSION, path: 'extensions/renamed' };
    const c = versionContentChange(change, report(V6, [EXTENSION]), report(V7, [moved]), 'Datadog');
    expect(c.added).toEqual([expect.objectContaining({ path: 'extensions/renamed', severity: 'medium' })]);
  });
});

describe('publishedByHuman', () => {
  it.each([
    ['arn:aws:iam::111122223333:user/mallory', true],
    ['arn:aws:iam::111122223333:root', true],
    ['arn:aws:sts::111122223333:federated-user/bob', true],
    ['arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice', true],
    ['arn:aws:sts::111122223333:assumed-role/ci-runner/build', false],
    ['AIDAEXAMPLE', false],
  ])('%s -> %s', (actorKey, human) => {
    expect(publishedByHuman({ layerVersionArn: V7, eventId: 'e', actorKey, timeMs: 0 })).toBe(human);
  });

  it('is recorded with each publish the engine remembers', () => {
    const publish = (identity = identities.iamUser()) =>
      analyzeInspected([], publishLayerVersion('tools', 8, { time: at(1), identity })).publish;
    expect(publish()?.human).toBe(true);
    expect(publish(identities.deployRole())?.human).toBe(false);
  });

  it('prefers what the record says', () => {
    const key = 'arn:aws:sts::111122223333:assumed-role/admin/console';
    expect(
      publishedByHuman({ layerVersionArn: V7, eventId: 'e', actorKey: key, timeMs: 0, human: true }),
    ).toBe(true);
  });
});

describe('signalSentence', () => {
  it('flattens a hostile path to one line', () => {
    const s = signalSentence({ ...EXTENSION, path: 'extensions/a\nSubject: forged' });
    expect(s).not.toContain('\n');
  });
});
