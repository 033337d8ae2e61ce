import { type Baseline, hooksBefore, latestHooks, recordState } from '../../../lambda/domain/baseline.js';
import {
  diffHooks,
  HOOK_VALUE_MAX,
  hookVariablesOf,
  isHookVariable,
  sameHooks,
} from '../../../lambda/domain/inspection/exec-hook-variable.js';

const SECRET = 'sk_live_0123456789abcdef';

describe('hookVariablesOf', () => {
  it('keeps every hook variable, benign values included, and drops every other variable', () => {
    const kept = hookVariablesOf({
      DB_PASSWORD: SECRET,
      API_TOKEN: SECRET,
      NODE_OPTIONS: '--enable-source-maps',
      AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper',
      node_options: '--require /tmp/x.js',
    });
    expect(kept).toEqual({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper', NODE_OPTIONS: '--enable-source-maps' });
    expect(JSON.stringify(kept)).not.toContain(SECRET);
  });

  it('reads nothing from a missing environment, non-string values or inherited names', () => {
    expect(hookVariablesOf(undefined)).toEqual({});
    expect(hookVariablesOf(null)).toEqual({});
    expect(hookVariablesOf({ LD_PRELOAD: 42, PYTHONPATH: null })).toEqual({});
    const inherited = Object.create({ LD_PRELOAD: '/opt/evil.so' }) as Record<string, unknown>;
    expect(hookVariablesOf(inherited)).toEqual({});
  });

  it('names exactly the classifier variables', () => {
    for (const name of [
      'AWS_LAMBDA_EXEC_WRAPPER',
      'NODE_OPTIONS',
      'JAVA_TOOL_OPTIONS',
      '_JAVA_OPTIONS',
      'JDK_JAVA_OPTIONS',
      'DOTNET_STARTUP_HOOKS',
      'LD_PRELOAD',
      'PYTHONPATH',
      'NODE_PATH',
      'RUBYOPT',
      'PERL5OPT',
    ])
      expect(isHookVariable(name)).toBe(true);
    for (const name of ['PATH', 'DB_PASSWORD', 'toString', '__proto__', 'node_options'])
      expect(isHookVariable(name)).toBe(false);
  });

  it('caps a value longer than Lambda allows, keeping a digest so that a change past the cut is seen', () => {
    const a = `--require /opt/a.js ${'x'.repeat(10_000)}a`;
    const b = `--require /opt/a.js ${'x'.repeat(10_000)}b`;
    const ka = hookVariablesOf({ NODE_OPTIONS: a }).NODE_OPTIONS as string;
    const kb = hookVariablesOf({ NODE_OPTIONS: b }).NODE_OPTIONS as string;
    expect(ka.length).toBeLessThanOrEqual(HOOK_VALUE_MAX);
    expect(ka).toMatch(/^--require \/opt\/a\.js x+\u2026 \[cut: 10021 characters, sha256 [0-9a-f]{16}\]$/);
    expect(ka).not.toBe(kb);
    const short = '--require /opt/a.js';
    expect(hookVariablesOf({ NODE_OPTIONS: short }).NODE_OPTIONS).toBe(short);
  });
});

describe('diffHooks', () => {
  it('lists a set, a change and a removal; classifies only what loads code', () => {
    expect(
      diffHooks(
        { NODE_OPTIONS: '--enable-source-maps', LD_PRELOAD: '/opt/lib.so' },
        { NODE_OPTIONS: '--require /opt/x.js', AWS_LAMBDA_EXEC_WRAPPER: '/opt/w' },
      ),
    ).toEqual([
      {
        variable: 'AWS_LAMBDA_EXEC_WRAPPER',
        from: null,
        to: '/opt/w',
        severity: 'high',
        reason: expect.stringContaining('Lambda starts this program') as string,
      },
      {
        variable: 'NODE_OPTIONS',
        from: '--enable-source-maps',
        to: '--require /opt/x.js',
        severity: 'high',
        reason: expect.stringContaining('/opt/x.js') as string,
      },
      { variable: 'LD_PRELOAD', from: '/opt/lib.so', to: null, severity: null, reason: null },
    ]);
  });

  it('gives a benign value no reason, and equal values no change', () => {
    expect(diffHooks({}, { NODE_OPTIONS: '--enable-source-maps' })).toEqual([
      { variable: 'NODE_OPTIONS', from: null, to: '--enable-source-maps', severity: null, reason: null },
    ]);
    expect(diffHooks({ LD_PRELOAD: '/x.so' }, { LD_PRELOAD: '/x.so' })).toEqual([]);
    expect(sameHooks({ LD_PRELOAD: '/x.so' }, { LD_PRELOAD: '/x.so' })).toBe(true);
    expect(sameHooks({ LD_PRELOAD: '/x.so' }, { LD_PRELOAD: '/y.so' })).toBe(false);
    expect(sameHooks({}, { LD_PRELOAD: '/y.so' })).toBe(false);
  });

  it('with nothing known before, every set variable is a change from null', () => {
    expect(diffHooks(null, { LD_PRELOAD: '/opt/x.so' }).map((c) => c.from)).toEqual([null]);
  });
});

describe('hook variables in the baseline', () => {
  const fn = 'arn:aws:lambda:us-east-1:111122223333:function:f';
  const state = (minute: number, hooks?: Record<string, string>) => ({
    layers: [],
    eventTime: `2026-03-14T09:${String(minute).padStart(2, '0')}:00Z`,
    eventId: `e${minute}`,
    source: 'event' as const,
    ...(hooks ? { hooks } : {}),
  });
  const at = (minute: number) => Date.parse(`2026-03-14T09:${String(minute).padStart(2, '0')}:00Z`);

  it('answers the newest known hooks before an event; a state that did not read them does not erase them', () => {
    let b: Baseline | null = null;
    b = recordState(b, fn, state(1, { LD_PRELOAD: '/a.so' }));
    b = recordState(b, fn, state(2));
    b = recordState(b, fn, state(3, { LD_PRELOAD: '/b.so' }));
    expect(hooksBefore(b, at(2), 'x')).toEqual({ LD_PRELOAD: '/a.so' });
    expect(hooksBefore(b, at(3), 'e3')).toEqual({ LD_PRELOAD: '/a.so' });
    expect(hooksBefore(b, at(4), 'x')).toEqual({ LD_PRELOAD: '/b.so' });
    expect(latestHooks(b)).toEqual({ LD_PRELOAD: '/b.so' });
  });

  it('reads old states without hooks as unknown', () => {
    const b = recordState(null, fn, state(1));
    expect(hooksBefore(b, at(5), 'x')).toBeNull();
    expect(latestHooks(b)).toBeNull();
    expect(latestHooks(null)).toBeNull();
  });

  it('copies the hooks it records', () => {
    const hooks = { LD_PRELOAD: '/a.so' };
    const b = recordState(null, fn, state(1, hooks));
    hooks.LD_PRELOAD = '/changed.so';
    expect(latestHooks(b)).toEqual({ LD_PRELOAD: '/a.so' });
  });
});
