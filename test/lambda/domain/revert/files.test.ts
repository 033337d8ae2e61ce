import { PLAN_KIND, parsePlanFile, parseRestoreFile } from '../../../../lambda/domain/revert/files.js';
import { RESTORE_KIND } from '../../../../lambda/domain/revert/restore.js';
import { ARN, DEPS, EVIL, request, snapshot } from './fixtures.js';

const step = { kind: 'set-layers', from: [DEPS, EVIL], to: [DEPS], revisionId: 'r' };
const restore = (change: Record<string, unknown> = {}, entry: Record<string, unknown> = {}) => ({
  kind: RESTORE_KIND,
  version: 1,
  writtenAt: '2026-03-15T10:00:00Z',
  findingIds: ['f1'],
  functions: [{ functionArn: ARN, applied: [step], ...entry }],
  ...change,
});

describe('parseRestoreFile', () => {
  it('reads back what a revert wrote', () => {
    expect(parseRestoreFile(JSON.parse(JSON.stringify(restore())))).toEqual(restore());
  });

  it.each([
    ['another kind of file', restore({ kind: 'layerwatch-revert-plan' }), 'not a layerwatch restore file'],
    ['a qualified function', restore({}, { functionArn: `${ARN}:prod` }), 'functionArn: not a function ARN'],
    [
      'a layer that is no ARN',
      restore({}, { applied: [{ ...step, to: ['$(curl evil)'] }] }),
      'not a list of layer version ARNs',
    ],
    ['an unknown step', restore({}, { applied: [{ kind: 'delete-function' }] }), 'unknown step kind'],
    [
      'an alias name a shell would read',
      restore(
        {},
        {
          applied: [
            {
              kind: 'set-routing',
              alias: 'p;rm -rf',
              from: { version: '1', weights: {} },
              to: { version: '2', weights: {} },
            },
          ],
        },
      ),
      'no alias name',
    ],
    [
      'a weight over 1',
      restore(
        {},
        {
          applied: [
            {
              kind: 'set-routing',
              alias: 'p',
              from: { version: '1', weights: { '2': 3 } },
              to: { version: '2', weights: {} },
            },
          ],
        },
      ),
      'weights',
    ],
    [
      'a negative reservation',
      restore({}, { applied: [{ kind: 'set-concurrency', from: -1, to: 0 }] }),
      'not a concurrency',
    ],
  ])('refuses %s, saying where', (_name, file, words) => {
    expect(parseRestoreFile(file)).toEqual(expect.stringContaining(words));
  });
});

describe('parsePlanFile', () => {
  const plan = (s: unknown = snapshot()) => ({
    kind: PLAN_KIND,
    version: 1,
    createdAt: 'x',
    options: { throttle: true, qualifier: null },
    functions: [{ snapshot: s, request: request(), steps: [step], refusal: null }],
  });

  it('reads back the snapshot and the steps (never the refusal: the guards run again)', () => {
    const read = parsePlanFile(JSON.parse(JSON.stringify(plan())));
    expect(read).toEqual({
      options: { throttle: true, qualifier: null },
      plans: [{ snapshot: snapshot(), request: request(), steps: [step] }],
    });
  });

  it.each([
    [
      'a snapshot without its function',
      plan({ ...snapshot(), arn: 'pay' }),
      'snapshot.arn: not a function ARN',
    ],
    ['versions that are no list', plan({ ...snapshot(), versions: 'x' }), 'versions and aliases are lists'],
    ['a restore file', { ...plan(), kind: RESTORE_KIND }, 'not a layerwatch revert plan'],
    ['no options', { ...plan(), options: undefined }, 'options: missing'],
    [
      'a layer to take off that is no ARN',
      { ...plan(), functions: [{ ...plan().functions[0], request: { subjects: ['x'] } }] },
      'request.subjects',
    ],
  ])('refuses %s', (_name, file, words) => {
    expect(parsePlanFile(file)).toEqual(expect.stringContaining(words));
  });
});
