/**
 * ASFF and OCSF from forged records: whatever the record says (a layer ARN of 600 characters, a
 * partition `evil`, a region of blanks, a version of 24 digits, a time before CloudTrail existed, a
 * user agent of 3,000 characters), every field stays within Security Hub's documented limits and
 * enumerations (test/support/asff.ts) and OCSF's (py-ocsf-models, test/support/ocsf.ts), and every
 * field that was cut is named. Regression rows first, then properties over generated records.
 */
import fc from 'fast-check';
import { normalize } from '../../lambda/domain/cloudtrail.js';
import type { Finding } from '../../lambda/domain/finding.js';
import { History } from '../../lambda/domain/history.js';
import { type AsffFinding, renderAsff } from '../../lambda/domain/render/asff.js';
import { EARLIEST_EVENT_MS } from '../../lambda/domain/render/limits.js';
import { renderOcsf } from '../../lambda/domain/render/ocsf.js';
import { checkAsff } from '../support/asff.js';
import { validateOcsf } from '../support/ocsf.js';
import {
  createFunction,
  identities,
  layerArn,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';
import { tamperingCalls } from '../support/tamper-records.js';

const UPDATED_AT = '2026-12-07T12:00:00Z';

interface Forged {
  layers: string[];
  region?: string;
  time?: string;
  userAgent?: string;
  sourceIp?: string;
}

/** The findings of a deploy, then a change that adds the forged layers. */
function findingsOf(f: Forged): Finding[] {
  const h = new History();
  const records: Rec[] = [
    createFunction('orders', {
      layers: [layerArn('deps', 1)],
      time: '2026-03-14T09:00:00Z',
      identity: identities.deployRole(),
    }),
    updateFunctionConfiguration('orders', {
      layers: [layerArn('deps', 1), ...f.layers],
      time: f.time ?? '2026-03-14T09:05:00Z',
      ...(f.region ? { region: f.region } : {}),
      ...(f.userAgent ? { userAgent: f.userAgent } : {}),
      ...(f.sourceIp ? { sourceIp: f.sourceIp } : {}),
    }),
  ];
  const out: Finding[] = [];
  for (const r of records) {
    const n = normalize(r);
    if (n.status !== 'relevant') continue;
    const found = h.next(n.event).finding;
    if (found) out.push(found);
  }
  return out;
}

const asffOf = (f: Finding) => renderAsff(f, { productVersion: '0.1.0', updatedAt: UPDATED_AT });
const ocsfOf = (f: Finding) => renderOcsf(f, { productVersion: '0.1.0' });
const truncatedAsff = (a: AsffFinding) => (a.ProductFields['layerwatch/Truncated'] ?? '').split(' ');
const ocsfTruncated = (o: Record<string, unknown>) =>
  (o.unmapped as { layerwatch: { truncated_fields?: string[] } }).layerwatch.truncated_fields ?? [];

const LONG_NAME = 'x'.repeat(600);

describe('formats of forged records: the cases of the issue', () => {
  const rows: [string, Forged, (a: AsffFinding, o: Record<string, unknown>) => void][] = [
    [
      'a layer resource Id over 512 characters is cut, and the cut named',
      { layers: [`arn:aws:lambda:us-east-1:444455556666:layer:${LONG_NAME}:1`] },
      (a) => expect(truncatedAsff(a)).toContainEqual(expect.stringMatching(/^Resources\[\d+\]\.Id$/)),
    ],
    [
      "partition `evil` and a region of blanks from a forged ARN are replaced by the finding's own",
      {
        layers: [
          'arn:evil:lambda:   :444455556666:layer:implant:1',
          'arn:aws-cn:lambda:cn-north-1:444455556666:layer:cn:1',
        ],
      },
      (a, o) => {
        for (const r of a.Resources) expect([r.Partition, r.Region]).toEqual(['aws', 'us-east-1']);
        for (const r of o.resources as { cloud_partition: string; region: string }[])
          expect([r.cloud_partition, r.region]).toEqual(['aws', 'us-east-1']);
      },
    ],
    [
      'a layer version of 24 digits is not rendered as 1e+23',
      { layers: ['arn:aws:lambda:us-east-1:444455556666:layer:implant:100000000000000000000000'] },
      (a) => expect(JSON.stringify(a)).not.toMatch(/e\+\d/),
    ],
    [
      'a time before CloudTrail existed: OCSF time is not negative, and the move is named',
      { layers: [layerArn('implant', 3, '444455556666')], time: '1900-01-01T00:00:00Z' },
      (a, o) => {
        expect(o.time).toBeGreaterThanOrEqual(EARLIEST_EVENT_MS);
        expect(ocsfTruncated(o)).toContain('time');
        expect(truncatedAsff(a)).toContain('CreatedAt');
      },
    ],
    [
      'a machine field over 2,048 characters is cut with `layerwatch/Truncated` naming it',
      { layers: [layerArn('implant', 3, '444455556666')], userAgent: `aws-cli/2 ${'A'.repeat(3000)}` },
      (a, o) => {
        expect(truncatedAsff(a)).toContain('ProductFields.layerwatch/UserAgent');
        expect(ocsfTruncated(o)).toContain('actor.app_name');
      },
    ],
  ];

  it.each(rows)('%s; both formats valid', (_name, forged, check) => {
    const findings = findingsOf(forged);
    const ocsf = findings.map(ocsfOf) as Record<string, unknown>[];
    for (const f of findings) expect(checkAsff(asffOf(f))).toEqual([]);
    expect(validateOcsf(ocsf).results.flat()).toEqual([]);
    // The last finding is the forged change's.
    const last = findings.at(-1) as Finding;
    expect(last.detectionId).toBe('lambda-layer-added');
    check(asffOf(last), ocsf.at(-1) as Record<string, unknown>);
  });

  it('a finding with nothing cut says nothing was cut', () => {
    const [f] = findingsOf({ layers: [layerArn('implant', 3, '444455556666')] }).slice(-1);
    expect(asffOf(f as Finding).ProductFields['layerwatch/Truncated']).toBeUndefined();
    expect(ocsfTruncated(ocsfOf(f as Finding) as Record<string, unknown>)).toEqual([]);
  });
});

const part = fc.oneof(
  fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'evil', 'aws-iso', 'a'),
  fc.stringMatching(/^[a-z0-9-]{1,32}$/),
);
const region = fc.oneof(
  fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1', 'evil', 'mars-1', ' ', ''),
  fc.stringMatching(/^[a-z0-9-]{1,64}$/),
);
const forgedLayer = fc.oneof(
  fc
    .tuple(part, region, fc.stringMatching(/^[A-Za-z0-9_-]{1,700}$/), fc.stringMatching(/^\d{1,24}$/))
    .map(([p, r, name, v]) => `arn:${p}:lambda:${r}:444455556666:layer:${name}:${v}`),
  fc.string({ maxLength: 900 }),
);
const forged: fc.Arbitrary<Forged> = fc.record({
  layers: fc.array(forgedLayer, { minLength: 1, maxLength: 40 }),
  region: fc
    .option(region, { nil: undefined })
    .map((r) => (r && /^[a-z0-9-]{1,64}$/.test(r) ? r : undefined)),
  time: fc.option(
    fc
      .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
      .map((d) => d.toISOString()),
    { nil: undefined },
  ),
  userAgent: fc.option(fc.string({ minLength: 0, maxLength: 4000 }), { nil: undefined }),
  sourceIp: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 300 })), { nil: undefined }),
});

describe('formats of forged records: properties', () => {
  it('every ASFF finding passes the Security Hub checker, and a cut field is always named', () => {
    fc.assert(
      fc.property(forged, (f) => {
        for (const finding of findingsOf(f)) {
          const a = asffOf(finding);
          expect(checkAsff(a)).toEqual([]);
          if ((finding.event.userAgent ?? '').length > 2047)
            expect(truncatedAsff(a)).toContain('ProductFields.layerwatch/UserAgent');
        }
      }),
      { numRuns: 150, seed: 20261207 },
    );
  });

  it('every OCSF finding passes py-ocsf-models, with a time after CloudTrail began', () => {
    const rendered: unknown[] = [];
    fc.assert(
      fc.property(forged, (f) => {
        for (const finding of findingsOf(f)) {
          const o = ocsfOf(finding) as Record<string, unknown>;
          expect(o.time).toBeGreaterThanOrEqual(EARLIEST_EVENT_MS);
          if ((finding.event.userAgent ?? '').length > 256)
            expect(ocsfTruncated(o)).toContain('actor.app_name');
          rendered.push(o);
        }
      }),
      { numRuns: 150, seed: 20261207 },
    );
    expect(rendered.length).toBeGreaterThan(50);
    const problems = validateOcsf(rendered).results.flatMap((p, i) => p.map((x) => `#${i}: ${x}`));
    expect(problems.slice(0, 5)).toEqual([]);
  });
});

/** Every string of a record's requestParameters and resources replaced by `forge(original)`. */
function forgeStrings(value: unknown, forge: (s: string, i: number) => string, at = { i: 0 }): unknown {
  if (typeof value === 'string') return forge(value, at.i++);
  if (Array.isArray(value)) return value.map((v) => forgeStrings(v, forge, at));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forgeStrings(v, forge, at)]));
  return value;
}

const hostile = fc.oneof(
  fc.constantFrom('arn:evil:sns:   :111122223333:x', 'arn:aws-cn:events:cn-north-1:111122223333:rule/x', ' '),
  fc.stringMatching(/^[A-Za-z0-9:/_-]{600,900}$/),
  fc.string({ maxLength: 40 }),
);

describe('formats of forged tampering records', () => {
  it('every detector-tampered finding, its target forged, passes both checkers', () => {
    const calls = tamperingCalls();
    const rendered: unknown[] = [];
    fc.assert(
      fc.property(
        fc.nat(calls.length - 1),
        fc.array(hostile, { minLength: 1, maxLength: 8 }),
        (k, values) => {
          const call = calls[k]?.record as Rec;
          const forged = {
            ...call,
            requestParameters: forgeStrings(call.requestParameters, (v, i) => values[i % values.length] ?? v),
            ...(call.resources
              ? { resources: forgeStrings(call.resources, (v, i) => values[(i + 1) % values.length] ?? v) }
              : {}),
          };
          const n = normalize(forged);
          if (n.status !== 'relevant') return;
          const finding = new History().next(n.event).finding;
          if (!finding) return;
          expect(checkAsff(asffOf(finding))).toEqual([]);
          rendered.push(ocsfOf(finding));
        },
      ),
      { numRuns: 200, seed: 20261207 },
    );
    expect(rendered.length).toBeGreaterThan(20);
    const problems = validateOcsf(rendered).results.flatMap((p, i) => p.map((x) => `#${i}: ${x}`));
    expect(problems.slice(0, 5)).toEqual([]);
  });
});
