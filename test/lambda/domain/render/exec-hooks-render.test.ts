/**
 * The two detections of start-up hooks and layer order through every format: email, chat, the
 * SNS JSON message, OCSF (validated by py-ocsf-models) and ASFF (checked against its limits).
 */
import { recordState } from '../../../../lambda/domain/baseline.js';
import { analyze, type LiveConfiguration } from '../../../../lambda/domain/engine.js';
import type { Finding } from '../../../../lambda/domain/finding.js';
import { chatNotification, emailText, renderAlert } from '../../../../lambda/domain/render/alert.js';
import { renderAsff } from '../../../../lambda/domain/render/asff.js';
import { renderOcsf } from '../../../../lambda/domain/render/ocsf.js';
import { checkAsff } from '../../../support/asff.js';
import { validateOcsf } from '../../../support/ocsf.js';
import {
  functionArn,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  updateFunctionConfiguration,
} from '../../../support/records.js';
import { eventOf } from '../../../support/run.js';
import { expectValidFinding } from '../../../support/schema.js';

const A = layerArn('a', 1);
const X = layerArn('x', 3, OTHER_ACCOUNT);
const fn = functionArn('orders');

function after(
  before: string[],
  beforeHooks: Record<string, string>,
  layers: string[],
  live: LiveConfiguration,
  layerPaths?: Record<string, string[]>,
): Finding {
  const baseline = recordState(null, fn, {
    layers: before,
    eventTime: '2026-03-14T09:00:00Z',
    eventId: 'e0',
    source: 'event',
    hooks: beforeHooks,
  });
  const event = eventOf(
    updateFunctionConfiguration('orders', {
      layers,
      time: '2026-03-14T09:05:00Z',
      identity: identities.iamUser(),
    }),
  );
  const { finding } = analyze(event, { baseline, live, layerPaths });
  if (!finding) throw new Error('no finding');
  expectValidFinding(finding);
  return finding;
}

const hookSet = after([A], { NODE_OPTIONS: '--enable-source-maps', LD_PRELOAD: '/opt/old.so' }, [A, X], {
  status: 'ok',
  layers: [A, X],
  runtime: 'nodejs22.x',
  role: null,
  hooks: {
    NODE_OPTIONS: `--require /opt/x.js \`<!here>\` *bold* https://evil.example ${'z'.repeat(900)}`,
    AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper',
  },
});
const reordered = after(
  [X, A],
  {},
  [A, X],
  { status: 'not-read' },
  { [A]: ['extensions/agent'], [X]: ['extensions/agent'] },
);
const reorderUnknown = after([X, A], {}, [A, X], { status: 'not-read' });
const all = [hookSet, reordered, reorderUnknown];

describe('rendering lambda-exec-hook-set and lambda-layer-reordered', () => {
  it('the email names each hook change, old and new value, and the hooks in force', () => {
    const text = emailText(hookSet);
    expect(text).toContain(
      '  Hook:        AWS_LAMBDA_EXEC_WRAPPER: (unset) -> /opt/wrapper (Lambda starts this program',
    );
    expect(text).toMatch(/ {2}Hook: {8}NODE_OPTIONS: --enable-source-maps -> --require \/opt\/x\.js/);
    expect(text).toContain('  Hook:        LD_PRELOAD: /opt/old.so -> (removed)');
    expect(text).toMatch(/ {2}Hooks now: {3}AWS_LAMBDA_EXEC_WRAPPER=\/opt\/wrapper, NODE_OPTIONS=/);
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('https://');
    expect(emailText(reorderUnknown)).toMatch(/NOT KNOWN\n {2}- layer file lists not read/);
  });

  it('the chat message fences every hook value in inline code', () => {
    const d = chatNotification(hookSet).content.description;
    expect(d).toContain('*Hook:* AWS_LAMBDA_EXEC_WRAPPER: (unset) -> `/opt/wrapper`');
    expect(d).not.toContain('<!here>');
    const line = d.split('\n').find((l) => l.startsWith('*Hook:* NODE_OPTIONS:')) ?? '';
    expect(line).toMatch(/^\*Hook:\* NODE_OPTIONS: `--enable-source-maps` -> `--require \/opt\/x\.js /);
    // The value's own backticks cannot close the fence: every backtick on the line is a fence.
    expect(line.split('`')).toHaveLength(7);
    expect(chatNotification(reordered).content.title).toContain('reordered');
  });

  it('the SNS message carries the finding exactly, execHooks included', () => {
    for (const f of all) {
      const bodies = JSON.parse(renderAlert(f).message) as Record<string, string>;
      expect(JSON.parse(bodies.sqs as string)).toEqual(f);
    }
  });

  it('OCSF carries execHooks in unmapped, and py-ocsf-models accepts every finding', () => {
    const rendered = all.map((f) => renderOcsf(f, { productVersion: '0.1.0' }));
    expect(
      (rendered[0] as unknown as { unmapped: { layerwatch: { exec_hooks: unknown } } }).unmapped.layerwatch
        .exec_hooks,
    ).toEqual(hookSet.execHooks);
    const problems = validateOcsf(rendered).results.flat();
    expect(problems).toEqual([]);
  });

  it('ASFF carries the hooks in ProductFields and stays within its limits', () => {
    for (const f of all)
      expect(
        checkAsff(renderAsff(f, { productVersion: '0.1.0', updatedAt: '2026-03-15T00:00:00Z' })),
      ).toEqual([]);
    const fields = renderAsff(hookSet, {
      productVersion: '0.1.0',
      updatedAt: '2026-03-15T00:00:00Z',
    }).ProductFields;
    expect(fields['layerwatch/ExecHooksChanged']).toBe('AWS_LAMBDA_EXEC_WRAPPER NODE_OPTIONS LD_PRELOAD');
    expect(fields['layerwatch/ExecHooks']).toMatch(
      /^AWS_LAMBDA_EXEC_WRAPPER=\/opt\/wrapper; NODE_OPTIONS=--require/,
    );
    expect(
      renderAsff(reordered, { productVersion: '0.1.0', updatedAt: '2026-03-15T00:00:00Z' }).ProductFields,
    ).not.toHaveProperty('layerwatch/ExecHooks');
  });
});
