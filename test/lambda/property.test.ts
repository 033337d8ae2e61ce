/**
 * Property-based tests over arbitrary and mutated CloudTrail records: nothing throws unclassified,
 * the subject is always valid, the message always fits, the finding JSON cannot be forged, chat
 * text cannot carry markup, links or mentions, and the baseline history stays well-formed.
 */
import fc from 'fast-check';
import { type Baseline, MAX_STATES, recordState } from '../../lambda/domain/baseline.js';
import { normalize } from '../../lambda/domain/cloudtrail.js';
import { analyze } from '../../lambda/domain/engine.js';
import { chatNotification, emailText, renderAlert, SNS_MAX_BYTES } from '../../lambda/domain/render/alert.js';
import { parseSettings } from '../../lambda/domain/settings.js';
import { handlerWith } from '../support/builders.js';
import {
  addLayerVersionPermission,
  createFunction,
  envelope,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';

const RUNS = { numRuns: 300, seed: 20261122 };

const templates: (() => Rec)[] = [
  () =>
    updateFunctionConfiguration('orders', { layers: [layerArn('deps', 1), layerArn('x', 1, OTHER_ACCOUNT)] }),
  () =>
    updateFunctionConfiguration('orders', {
      request: { memorySize: 512 },
      responseLayers: [layerArn('deps', 1)],
    }),
  () => createFunction('orders', { layers: [layerArn('deps', 1)], identity: identities.deployRole() }),
  () => publishLayerVersion('tools', 3),
  () => addLayerVersionPermission('tools', 3, '*'),
];

/** Paths an attacker or a broken producer can influence. */
const PATHS = [
  ['userAgent'],
  ['sourceIPAddress'],
  ['eventTime'],
  ['eventID'],
  ['eventName'],
  ['awsRegion'],
  ['errorCode'],
  ['recipientAccountId'],
  ['requestParameters'],
  ['requestParameters', 'layers'],
  ['requestParameters', 'layers', '0'],
  ['requestParameters', 'functionName'],
  ['requestParameters', 'principal'],
  ['requestParameters', 'layerName'],
  ['responseElements'],
  ['responseElements', 'layers'],
  ['responseElements', 'functionArn'],
  ['responseElements', 'functionName'],
  ['responseElements', 'layerVersionArn'],
  ['responseElements', 'statement'],
  ['userIdentity'],
  ['userIdentity', 'arn'],
  ['userIdentity', 'type'],
  ['userIdentity', 'accessKeyId'],
  ['userIdentity', 'sessionContext', 'sessionIssuer', 'arn'],
  ['userIdentity', 'sessionContext', 'attributes', 'mfaAuthenticated'],
];

const hostileString = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.constantFrom(
    '<!channel>',
    '<@U123|x>',
    '<https://evil.example|click>',
    '`code` *b* _i_ ~s~',
    'line1\nSubject: forged\r\n',
    '\u202eexe.txt',
    '","severity":"informational","x":"',
    'A'.repeat(5000),
  ),
);
const anyValue = fc.oneof(
  hostileString,
  fc.jsonValue({ maxDepth: 4 }),
  fc.constant(null),
  fc.constant(undefined),
);

function mutate(record: Rec, path: readonly string[], value: unknown): Rec {
  const copy = structuredClone(record);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) return copy;
    node = next as Record<string, unknown>;
  }
  const last = path.at(-1) as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const mutatedRecord = fc
  .tuple(
    fc.constantFrom(...templates),
    fc.array(fc.tuple(fc.constantFrom(...PATHS), anyValue), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([make, edits, wrap]) => {
    let r = make();
    for (const [path, value] of edits) r = mutate(r, path, value);
    return wrap ? envelope(r) : r;
  });

function checkAlert(finding: Parameters<typeof renderAlert>[0]) {
  const alert = renderAlert(finding);
  expect(alert.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  expect(Buffer.byteLength(alert.message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
  const bodies = JSON.parse(alert.message) as Record<string, string>;
  const sqs = JSON.parse(bodies.sqs as string);
  expectValidFinding(sqs);
  if (!sqs.truncated) expect(sqs).toEqual(finding);
  const chat = chatNotification(finding);
  const text = `${chat.content.title}\n${chat.content.description}\n${chat.content.nextSteps.join('\n')}`;
  expect(text).not.toMatch(/<[!@#]|<https?:/);
  for (const line of chat.content.description.split('\n'))
    expect((line.match(/`/g) ?? []).length % 2).toBe(0);
  expect(
    emailText(finding)
      .split('\n')
      .some((l) => /^(Subject|From|To):/i.test(l)),
  ).toBe(false);
}

describe('properties', () => {
  it('normalize never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 6 }), fc.anything()), (value) => {
        expect(['relevant', 'ignored', 'malformed']).toContain(normalize(value).status);
      }),
      RUNS,
    );
  });

  it('mutated records: classified, and every finding renders a valid, fitting, unforgeable alert', () => {
    let findings = 0;
    fc.assert(
      fc.property(mutatedRecord, (record) => {
        const n = normalize(record);
        expect(['relevant', 'ignored', 'malformed']).toContain(n.status);
        if (n.status !== 'relevant') return;
        const { finding } = analyze(n.event, { baseline: null, live: { status: 'not-read' } });
        if (finding) {
          findings += 1;
          expectValidFinding(finding);
          checkAlert(finding);
        }
      }),
      RUNS,
    );
    // The mutations must leave enough records detectable for the property to mean something.
    expect(findings).toBeGreaterThan(RUNS.numRuns / 4);
  });

  it('the handler never throws an unclassified error and never corrupts the baseline', async () => {
    const { handler, baselines, publisher } = handlerWith({
      settings: parseSettings({ minSeverity: 'informational' }),
      live: () => ({ status: 'ok', layers: [layerArn('deps', 1)], runtime: null, role: null }),
    });
    await fc.assert(
      fc.asyncProperty(mutatedRecord, async (record) => {
        const result = await handler(record);
        expect(['malformed', 'ignored', 'no-finding', 'published', 'duplicate', 'suppressed']).toContain(
          result.outcome,
        );
        for (const b of baselines.items.values()) {
          const times = b.states.map((s) => Date.parse(s.eventTime));
          expect(times.every((t, i) => i === 0 || (times[i - 1] as number) <= t)).toBe(true);
          expect(b.states.length).toBeLessThanOrEqual(MAX_STATES);
        }
      }),
      { ...RUNS, numRuns: 200 },
    );
    for (const m of publisher.published)
      expect(Buffer.byteLength(m.message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
  });

  it('the baseline history stays ordered, bounded and free of repeated events in any arrival order', () => {
    const state = fc.record({
      minute: fc.integer({ min: 0, max: 59 }),
      id: fc.constantFrom(
        'a',
        'b',
        'c',
        'd',
        'e',
        'f',
        'g',
        'h',
        'i',
        'j',
        'k',
        'l',
        'm',
        'n',
        'o',
        'p',
        'q',
        'r',
        's',
        't',
      ),
    });
    fc.assert(
      fc.property(fc.array(state, { maxLength: 60 }), (states) => {
        let b: Baseline | null = null;
        for (const s of states) {
          b = recordState(b, 'fn', {
            layers: [s.id],
            eventTime: `2026-03-14T09:${String(s.minute).padStart(2, '0')}:00Z`,
            eventId: s.id,
            source: 'event',
          });
        }
        const kept = b?.states ?? [];
        expect(kept.length).toBeLessThanOrEqual(MAX_STATES);
        expect(new Set(kept.map((s) => s.eventId)).size).toBe(kept.length);
        const times = kept.map((s) => Date.parse(s.eventTime));
        expect(times).toEqual([...times].sort((x, y) => x - y));
      }),
      RUNS,
    );
  });

  it('survives oversize and deeply nested input', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5000; i += 1) deep = { a: deep };
    const huge = updateFunctionConfiguration('orders', {
      layers: Array.from({ length: 2000 }, (_, i) => layerArn(`l${i}`, 1, OTHER_ACCOUNT)),
      userAgent: 'U'.repeat(1_000_000),
    });
    const inputs = [
      deep,
      { ...updateFunctionConfiguration('orders'), requestParameters: deep },
      huge,
      { ...huge, requestParameters: { layers: { not: 'a list' } } },
    ];
    const outcomes = inputs.map((input) => {
      const n = normalize(input);
      if (n.status !== 'relevant') return n.status;
      const { finding } = analyze(n.event, { baseline: null, live: { status: 'not-read' } });
      if (finding) checkAlert(finding);
      return finding?.detectionId ?? 'no-finding';
    });
    // The bare nesting is not a record; the others are read, detected, and rendered within limits
    // (an unreadable request list falls back to the response's list).
    expect(outcomes).toEqual(['malformed', 'no-finding', 'lambda-layer-added', 'lambda-layer-added']);
  });
});
