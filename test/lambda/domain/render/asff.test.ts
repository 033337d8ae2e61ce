import type { Finding } from '../../../../lambda/domain/finding.js';
import { asffTypes, clip, renderAsff } from '../../../../lambda/domain/render/asff.js';
import { checkAsff } from '../../../support/asff.js';
import { allFindings, exampleFindings } from '../../../support/example-findings.js';

const OPTIONS = { productVersion: '0.1.0', updatedAt: '2026-03-15T00:00:00Z' };

describe('renderAsff', () => {
  const findings = allFindings();

  it('renders every example finding within Security Hub limits', () => {
    const problems = findings.flatMap((f) =>
      checkAsff(renderAsff(f, OPTIONS)).map((p) => `${f.detectionId} ${f.findingId}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('has a checker that finds what Security Hub refuses, so that the check above can fail', () => {
    const good = renderAsff(findings[3] as Finding, OPTIONS) as unknown as Record<string, unknown>;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, Title: 't'.repeat(257) }, /Title: 257 characters/],
      [{ ...good, Description: '' }, /Description: a non-empty string/],
      [{ ...good, Severity: { Label: 'SEVERE' } }, /Severity.Label/],
      [{ ...good, CreatedAt: '2026-03-14 09:00:00' }, /CreatedAt: not an RFC 3339/],
      [{ ...good, UpdatedAt: '2020-01-01T00:00:00Z' }, /UpdatedAt: earlier than CreatedAt/],
      [{ ...good, Types: ['Persistence'] }, /not namespace\/category/],
      [{ ...good, Types: ['Attacks/Persistence'] }, /unknown namespace/],
      [{ ...good, AwsAccountId: '999999999999' }, /default product must be the importing account/],
      [{ ...good, Resources: Array.from({ length: 33 }, () => ({ Type: 'Other', Id: 'x' })) }, /1 to 32/],
      [
        { ...good, ProductFields: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
        /51 pairs/,
      ],
      [{ ...good, ProductFields: { k: 7 } }, /ProductFields\["k"\]/],
      [{ ...good, ProductFields: { k: 'x'.repeat(250_000) } }, /size: \d+ bytes/],
      [{ ...good, Id: undefined }, /Id: required/],
      [{ ...good, Colour: 'red' }, /Colour: not an ASFF attribute/],
      [{ ...good, SourceUrl: null }, /SourceUrl: null/],
    ];
    for (const [finding, expected] of cases) expect(checkAsff(finding).join('\n')).toMatch(expected);
  });

  it('imports under the account default product, with an Id stable per finding', () => {
    const f = exampleFindings().find((x) => x.detectionId === 'lambda-layer-added') as Finding;
    const a = renderAsff(f, OPTIONS);
    const again = renderAsff(structuredClone(f), { ...OPTIONS, updatedAt: '2026-04-01T00:00:00Z' });
    expect(a.Id).toBe(`layerwatch/lambda-layer-added/${f.findingId}`);
    expect(again.Id).toBe(a.Id);
    expect(again.CreatedAt).toBe(a.CreatedAt);
    expect(again.UpdatedAt).toBe('2026-04-01T00:00:00.000Z');
    expect(a).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: `arn:aws:securityhub:${f.event.region}:${f.event.account}:product/${f.event.account}/default`,
      GeneratorId: 'layerwatch/lambda-layer-added',
      AwsAccountId: f.event.account,
      CreatedAt: new Date(f.event.time).toISOString(),
      FirstObservedAt: new Date(f.event.time).toISOString(),
      Severity: { Label: f.severity.toUpperCase(), Original: String(f.riskScore) },
      FindingProviderFields: { Severity: { Label: f.severity.toUpperCase() } },
      Title: f.title,
    });
    expect(a.Types).toEqual([
      'TTPs/Persistence/Lambda Layer Attached',
      'TTPs/Execution/T1648-Serverless Execution',
    ]);
  });

  it('imports into the account and region it is told (organization mode: the detector account)', () => {
    const f = exampleFindings()[3] as Finding;
    const a = renderAsff(f, { ...OPTIONS, account: '999988887777', region: 'eu-west-1' });
    expect(a.AwsAccountId).toBe('999988887777');
    expect(a.ProductArn).toBe('arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default');
    expect(a.ProductFields['layerwatch/EventAccount']).toBe(f.event.account);
    expect(checkAsff(a)).toEqual([]);
  });

  it('names the function with its details and each layer version as resources', () => {
    const f = exampleFindings().find((x) => x.detectionId === 'lambda-layer-added') as Finding;
    const [fn, ...layers] = renderAsff(f, OPTIONS).Resources;
    expect(fn).toMatchObject({
      Type: 'AwsLambdaFunction',
      Id: f.function?.arn,
      Partition: 'aws',
      Region: f.function?.region,
      Details: {
        AwsLambdaFunction: {
          FunctionName: f.function?.name,
          Layers: f.layers?.after.map((Arn) => ({ Arn })),
        },
      },
    });
    expect(layers.map((l) => [l.Type, l.Id])).toEqual(
      (f.layers?.added ?? []).map((arn) => ['AwsLambdaLayerVersion', arn]),
    );
    expect(layers[0]?.Details).toMatchObject({ AwsLambdaLayerVersion: { Version: 1 } });
  });

  it('recommends the revert command, or points to ProductFields when it is too long for the text', () => {
    const f = exampleFindings().find((x) => x.remediation.revertCommand) as Finding;
    const a = renderAsff(f, OPTIONS);
    expect(a.Remediation.Recommendation.Text).toContain(f.remediation.revertCommand as string);
    expect(a.ProductFields['layerwatch/RevertCommand']).toBe(f.remediation.revertCommand);
    const long = { ...f, remediation: { ...f.remediation, revertCommand: `aws lambda ${'x'.repeat(600)}` } };
    const b = renderAsff(long, OPTIONS);
    expect(b.Remediation.Recommendation.Text).toMatch(/ProductFields "layerwatch\/RevertCommand"/);
    expect(b.ProductFields['layerwatch/RevertCommand']).toBe(long.remediation.revertCommand);
  });

  it('records the API call: remote IP, or the AWS service domain that made it', () => {
    const byIp = renderAsff(exampleFindings()[3] as Finding, OPTIONS).Action;
    expect(byIp).toMatchObject({
      ActionType: 'AWS_API_CALL',
      AwsApiCallAction: { CallerType: 'remoteip', RemoteIpDetails: { IpAddressV4: expect.any(String) } },
    });
    const byService = findings.find((x) => x.event.sourceIp === 'cloudformation.amazonaws.com') as Finding;
    expect(renderAsff(byService, OPTIONS).Action).toMatchObject({
      AwsApiCallAction: { CallerType: 'domain', DomainDetails: { Domain: 'cloudformation.amazonaws.com' } },
    });
  });

  it('types a public share as data exposure too', () => {
    const f = findings.find((x) => x.permission?.public) as Finding;
    expect(asffTypes(f)).toContain('Effects/Data Exposure/Lambda Layer Shared Publicly');
  });

  it('refuses an import time that is not a date', () => {
    expect(() => renderAsff(findings[0] as Finding, { ...OPTIONS, updatedAt: 'now' })).toThrow(
      /updatedAt "now"/,
    );
  });
});

describe('clip', () => {
  it('cuts to UTF-16 units, keeps code points whole and marks the cut', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcd', 3)).toBe('ab\u2026');
    const cut = clip('a\u{1F600}\u{1F600}', 4);
    expect(cut).toBe('a\u{1F600}\u2026');
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});
