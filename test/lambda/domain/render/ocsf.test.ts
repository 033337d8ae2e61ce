import type { Finding } from '../../../../lambda/domain/finding.js';
import {
  isIpAddress,
  mitreAttacks,
  OCSF_VERSION,
  renderOcsf,
} from '../../../../lambda/domain/render/ocsf.js';
import { allFindings, exampleFindings } from '../../../support/example-findings.js';
import { PY_OCSF_MODELS_VERSION, validateOcsf } from '../../../support/ocsf.js';

const OPTIONS = { productVersion: '0.1.0' };

describe('renderOcsf', () => {
  const findings = allFindings();
  const rendered = findings.map((f) => renderOcsf(f, OPTIONS));

  it('renders every example finding as a Detection Finding that py-ocsf-models accepts', () => {
    const validation = validateOcsf(rendered);
    expect(validation.version).toBe(PY_OCSF_MODELS_VERSION);
    expect(validation.results).toHaveLength(findings.length);
    const problems = validation.results.flatMap((p, i) => p.map((x) => `${findings[i]?.detectionId}: ${x}`));
    expect(problems).toEqual([]);
  });

  it('maps every kind of caller and partition, and py-ocsf-models accepts each variant', () => {
    const f = exampleFindings().find((x) => x.detectionId === 'lambda-layer-added') as Finding;
    const share = exampleFindings().find((x) => x.detectionId === 'lambda-layer-shared') as Finding;
    const actor = (patch: Partial<Finding['actor']>): Finding => ({ ...f, actor: { ...f.actor, ...patch } });
    const variants: [Finding, Record<string, unknown>][] = [
      [
        actor({ kind: 'root', type: 'Root', arn: 'arn:aws:iam::111122223333:root' }),
        { type_id: 2, type: 'Admin' },
      ],
      [
        actor({
          kind: 'aws-service',
          type: 'AWSService',
          arn: null,
          principalId: null,
          accountId: null,
          invokedBy: 'cloudformation.amazonaws.com',
        }),
        {
          type_id: 3,
          type: 'System',
          uid: 'cloudformation.amazonaws.com',
          account: expect.objectContaining({ uid: f.event.account }),
        },
      ],
      [
        actor({ kind: 'assumed-role', human: false, type: 'AssumedRole' }),
        { type_id: 99, type: 'AssumedRole' },
      ],
    ];
    for (const [finding, user] of variants)
      expect(renderOcsf(finding, OPTIONS).actor).toMatchObject({ user: expect.objectContaining(user) });
    const nobody = actor({
      arn: null,
      principalId: null,
      invokedBy: null,
      accessKeyId: null,
      sessionIssuerArn: null,
      credentials: 'unknown',
    });
    expect(renderOcsf(nobody, OPTIONS).actor).toEqual({ app_name: expect.any(String) });
    // A finding of the China partition: its event's region is there too (a partition that does not
    // agree with the finding's own region is forged, and replaced).
    const toChina = (arn: string) =>
      arn.replace('arn:aws:', 'arn:aws-cn:').replace(':us-east-1:', ':cn-north-1:');
    const china = {
      ...share,
      event: { ...share.event, region: 'cn-north-1' },
      layer: share.layer && {
        ...share.layer,
        layerArn: toChina(share.layer.layerArn),
        versionArn: share.layer.versionArn && toChina(share.layer.versionArn),
      },
      provenance: [],
      remediation: { revertCommand: null, nextSteps: [] },
    };
    const o = renderOcsf(china, OPTIONS);
    expect(o.resources).toEqual([
      expect.objectContaining({
        type: 'AWS::Lambda::LayerVersion',
        cloud_partition: 'aws-cn',
        region: 'cn-north-1',
      }),
    ]);
    expect(o.remediation).toMatchObject({ desc: 'Review the change with the owner of the resource.' });
    const all = [...variants.map(([v]) => v), nobody, china].map((v) => renderOcsf(v, OPTIONS));
    expect(validateOcsf(all).results.flat()).toEqual([]);
  });

  it('has a validator that rejects what OCSF does not allow, so that the check above can fail', () => {
    const good = rendered[0] as Record<string, unknown>;
    const broken = [
      { ...good, severity_id: '4' },
      { ...good, type_uid: 200402 },
      { ...good, time: '2026-03-14T09:05:00Z' },
      { ...good, finding_info: { title: 'no uid' } },
      { ...good, colour: 'red' },
      { ...good, actor: { user: { uid: 'x' } } },
      { ...good, evidences: [{ src_endpoint: { ip: 'cloudformation.amazonaws.com' } }] },
      { ...good, metadata: { version: OCSF_VERSION } },
    ];
    const results = validateOcsf(broken).results;
    results.forEach((problems, i) => {
      expect([i, problems.length > 0]).toEqual([i, true]);
    });
  });

  it('maps the finding: class, type, time in milliseconds, severity, product and version', () => {
    const f = exampleFindings().find((x) => x.detectionId === 'lambda-layer-added') as Finding;
    const o = renderOcsf(f, { productVersion: '9.9.9' });
    expect(o).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200401,
      time: Date.parse(f.event.time),
      metadata: {
        version: '1.5.0',
        product: { name: 'layerwatch', vendor_name: 'layerwatch', version: '9.9.9' },
      },
      finding_info: {
        uid: f.findingId,
        title: f.title,
        analytic: { type_id: 1, type: 'Rule', uid: 'lambda-layer-added' },
        attacks: [
          {
            tactic: { name: 'Execution', uid: 'TA0002' },
            technique: { uid: 'T1648', name: 'Serverless Execution' },
          },
        ],
      },
      api: { operation: 'UpdateFunctionConfiguration', service: { version: '2015-03-31' } },
      cloud: { provider: 'AWS', region: f.event.region, account: { uid: f.event.account } },
    });
    expect(o.severity_id).toBe({ informational: 1, low: 2, medium: 3, high: 4, critical: 5 }[f.severity]);
  });

  it('names the function and every layer as resources, with region and account', () => {
    const f = exampleFindings().find((x) => x.detectionId === 'lambda-layer-added') as Finding;
    const resources = renderOcsf(f, OPTIONS).resources as { uid: string; type: string; region: string }[];
    expect(resources[0]).toMatchObject({ uid: f.function?.arn, type: 'AWS::Lambda::Function' });
    for (const arn of f.layers?.added ?? [])
      expect(resources).toContainEqual(
        expect.objectContaining({ uid: arn, type: 'AWS::Lambda::LayerVersion', region: f.event.region }),
      );
  });

  it('carries the CloudTrail event as evidence and the revert command as remediation', () => {
    const f = exampleFindings().find((x) => x.remediation.revertCommand) as Finding;
    const o = renderOcsf(f, OPTIONS);
    const ev = (o.evidences as Record<string, unknown>[])[0];
    expect(ev).toMatchObject({
      api: { operation: f.event.name.replace(/\d{8}(v\d+)?$/, '') },
      actor: { user: { uid: f.actor.arn } },
      src_endpoint: { ip: f.event.sourceIp },
      data: { event_uid: f.event.id },
    });
    expect((o.remediation as { desc: string }).desc).toContain(f.remediation.revertCommand as string);
    expect(o.actor).toMatchObject({ user: { uid: f.actor.arn, account: { uid: f.actor.accountId } } });
  });

  it('puts an AWS service caller in svc_name, never in ip', () => {
    const f = findings.find((x) => x.event.sourceIp === 'cloudformation.amazonaws.com') as Finding;
    const ev = (renderOcsf(f, OPTIONS).evidences as Record<string, unknown>[])[0];
    expect(ev?.src_endpoint).toEqual({ svc_name: 'cloudformation.amazonaws.com' });
  });

  it('marks a suppressed finding Suppressed, with the rule that matched', () => {
    const f = findings.find((x) => x.suppression) as Finding;
    expect(renderOcsf(f, OPTIONS)).toMatchObject({ status_id: 3, status: 'Suppressed' });
    expect(renderOcsf(findings.find((x) => !x.suppression) as Finding, OPTIONS)).toMatchObject({
      status_id: 1,
    });
  });

  it('is stable: the same finding renders the same document', () => {
    const f = exampleFindings()[2] as Finding;
    expect(JSON.stringify(renderOcsf(f, OPTIONS))).toBe(
      JSON.stringify(renderOcsf(structuredClone(f), OPTIONS)),
    );
  });

  it('refuses a finding whose event time is not a date', () => {
    const f = { ...(exampleFindings()[0] as Finding) };
    f.event = { ...f.event, time: 'yesterday' };
    expect(() => renderOcsf(f, OPTIONS)).toThrow(/event time "yesterday" is not a date/);
  });
});

describe('mitreAttacks', () => {
  it('splits a sub-technique from its technique and knows the tactic ids', () => {
    expect(
      mitreAttacks([
        {
          techniqueId: 'T1546.004',
          techniqueName: 'Unix Shell Configuration Modification',
          tactic: 'Persistence',
          url: 'https://attack.mitre.org/techniques/T1546/004/',
        },
        { techniqueId: 'T9999', techniqueName: 'Made up', tactic: 'Unheard of', url: 'https://example.com' },
      ]),
    ).toEqual([
      {
        tactic: { name: 'Persistence', uid: 'TA0003', src_url: 'https://attack.mitre.org/tactics/TA0003/' },
        technique: { uid: 'T1546', name: 'T1546', src_url: 'https://attack.mitre.org/techniques/T1546/' },
        sub_technique: {
          uid: 'T1546.004',
          name: 'Unix Shell Configuration Modification',
          src_url: 'https://attack.mitre.org/techniques/T1546/004/',
        },
      },
      {
        tactic: { name: 'Unheard of' },
        technique: { uid: 'T9999', name: 'Made up', src_url: 'https://example.com' },
      },
    ]);
  });
});

describe('isIpAddress', () => {
  it.each([
    ['203.0.113.10', true],
    ['2001:db8::1', true],
    ['cloudformation.amazonaws.com', false],
    ['AWS Internal', false],
    ['999.1.1.1', false],
  ])('%s -> %s', (value, expected) => {
    expect(isIpAddress(value)).toBe(expected);
  });
});
