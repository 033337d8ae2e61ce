import { normalize } from '../../../lambda/domain/cloudtrail.js';
import { denialOf } from '../../../lambda/domain/cloudtrail-denied.js';
import { analyze } from '../../../lambda/domain/engine.js';
import { History } from '../../../lambda/domain/history.js';
import {
  createFunction,
  denied,
  failed,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../../support/records.js';
import { expectValidFinding } from '../../support/schema.js';

const own = layerArn('shared-deps', 3);
const implant = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);
const attach = (o: Rec = {}) =>
  updateFunctionConfiguration('orders-api', { layers: [own, implant], identity: identities.iamUser(), ...o });

describe('a refused layer-setting call', () => {
  it.each([
    [
      'with an explicit deny in a service control policy',
      { explicit: true, policy: 'service control policy' },
    ],
    [
      'with an explicit deny in an identity-based policy',
      { explicit: true, policy: 'identity-based policy' },
    ],
    ['with an explicit deny in a permissions boundary', { explicit: true, policy: 'permissions boundary' }],
    [
      'because no identity-based policy allows the lambda:UpdateFunctionConfiguration action',
      { explicit: false, policy: 'identity-based policy' },
    ],
    ['', { explicit: false, policy: null }],
  ])('says what refused it: "%s"', (because, denial) => {
    expect(
      denialOf(`User: x is not authorized to perform: lambda:UpdateFunctionConfiguration ${because}`),
    ).toEqual(denial);
  });

  it('is an attempt, with who, which layers, which function and the denial', () => {
    const r = normalize(denied(attach()));
    expect(r).toMatchObject({
      status: 'relevant',
      event: {
        kind: 'Denied',
        call: 'UpdateFunctionConfiguration',
        fn: { name: 'orders-api' },
        requested: { state: 'list', layers: [own, implant] },
        errorCode: 'AccessDenied',
        denial: { explicit: true, policy: 'service control policy' },
      },
    });
  });

  it.each([
    [
      'AccessDeniedException on CreateFunction',
      denied(
        createFunction('thumbnailer', { layers: [implant] }),
        'because no identity-based policy allows the lambda:CreateFunction action',
        'AccessDeniedException',
      ),
      'relevant',
    ],
    [
      'a refused call whose request sets no layers',
      denied(updateFunctionConfiguration('orders-api', { request: { memorySize: 512 } })),
      'ignored',
    ],
    [
      'a refused call with an empty layer list',
      denied(updateFunctionConfiguration('orders-api', { layers: [] })),
      'ignored',
    ],
    ['a failed call of another kind', failed(attach(), 'ResourceConflictException'), 'ignored'],
    ['a refused publish', failed({ ...attach(), eventName: 'PublishLayerVersion20181031' }), 'ignored'],
    ['a refused call that names no function at all', failed(attach()), 'ignored'],
  ])('%s', (_, record, status) => {
    expect(normalize(record).status).toBe(status);
  });

  it('with no request in the record, is still an attempt on the function the message names, its layers a gap', () => {
    const r = normalize({ ...denied(attach()), requestParameters: null });
    expect(r).toMatchObject({
      status: 'relevant',
      event: { requested: { state: 'absent' }, fn: { name: 'orders-api' } },
    });
    if (r.status !== 'relevant') throw new Error('not relevant');
    const { finding } = analyze(r.event, { baseline: null, live: { status: 'not-read' } });
    expect(finding?.gaps).toContain(
      'requested layers: the record of the refused call does not carry the request',
    );
    expect(finding?.title).toBe(
      'Configuration change to orders-api refused (explicit deny in a service control policy; request not logged)',
    );
  });

  it('weighs a refusal whose request is not logged as weaker evidence than one that names layers', () => {
    const score = (record: Record<string, unknown>) => {
      const r = normalize(record);
      if (r.status !== 'relevant') throw new Error('not relevant');
      return analyze(r.event, { baseline: null, live: { status: 'not-read' } }).finding;
    };
    // Refused for want of an allow, the layer the account's own: neither reaches the cap of an attempt.
    const noAllow = denied(
      attach({ layers: [own], identity: identities.deployRole() }),
      'because no identity-based policy allows the lambda:UpdateFunctionConfiguration action',
    );
    const named = score(noAllow);
    const unlogged = score({ ...noAllow, requestParameters: null });
    expect(named?.riskScore).toBeLessThan(79);
    expect((named?.riskScore ?? 0) - (unlogged?.riskScore ?? 0)).toBe(15);
    expect(unlogged?.reasons.join('\n')).toContain('whether it asked for layers is unknown (-15)');
  });

  it('becomes a lambda-layer-attach-denied finding that records no state, at most high', () => {
    const r = normalize(denied(attach()));
    if (r.status !== 'relevant') throw new Error('not relevant');
    const a = analyze(r.event, { baseline: null, live: { status: 'not-read' } });
    expect(a.state).toBeNull();
    expect(a.qualifier).toBeNull();
    const f = a.finding;
    expect(f).toMatchObject({
      detectionId: 'lambda-layer-attach-denied',
      title:
        'Attach of perf-monitor-extension:1 to orders-api refused (explicit deny in a service control policy)',
      severity: 'high',
      riskScore: 79,
      function: { name: 'orders-api' },
      layer: { versionArn: implant },
      layers: null,
      remediation: { revertCommand: null },
    });
    expect(f?.reasons).toEqual(
      expect.arrayContaining([expect.stringContaining('a service control policy refused it explicitly')]),
    );
    expect(f?.provenance.map((p) => p.relation)).toEqual(['same-account', 'external']);
    expectValidFinding(f);
  });

  it('a missing permission on an own layer by a deploy role ranks lower than a guardrail stopping a human', () => {
    const deploy = normalize(
      denied(
        updateFunctionConfiguration('orders-api', { layers: [own], identity: identities.deployRole() }),
        'because no identity-based policy allows the lambda:UpdateFunctionConfiguration action',
      ),
    );
    const human = normalize(denied(attach()));
    if (deploy.status !== 'relevant' || human.status !== 'relevant') throw new Error('not relevant');
    const score = (e: typeof deploy.event) =>
      analyze(e, { baseline: null, live: { status: 'not-read' } }).finding?.riskScore ?? 0;
    expect(score(deploy.event)).toBeLessThan(60);
    expect(score(human.event)).toBeGreaterThan(score(deploy.event));
  });

  it('in a history: the baseline stays, and the posture says the guardrail refused it', () => {
    const h = new History();
    const r = (rec: Rec) => {
      const n = normalize(rec);
      if (n.status !== 'relevant') throw new Error(n.status);
      return h.next(n.event);
    };
    r(createFunction('orders-api', { layers: [own] }));
    const a = r(denied(attach()));
    expect(a.finding?.posture?.guardrail).toMatchObject({ verdict: 'refused', refusedLayers: [implant] });
    // The next successful change is judged against the list before the refused call.
    const next = r(updateFunctionConfiguration('orders-api', { layers: [own, layerArn('tools', 1)] }));
    expect(next.finding?.layers?.before).toEqual([own]);
  });
});
