/** `layerwatch revert` in process with a fake Lambda: options, the writer's undo, the cap, unreadable functions. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRevert } from '../../lambda/cli/command-revert.js';
import { parseRevertArgs, type RevertArgs } from '../../lambda/cli/revert-args.js';
import { planFunction } from '../../lambda/domain/revert/plan.js';
import type { FunctionStep } from '../../lambda/domain/revert/steps.js';
import { applySteps, type RevertPort } from '../../lambda/pipeline/revert-apply.js';
import { ARN, DEPS, EVIL, request, snapshot } from '../lambda/domain/revert/fixtures.js';
import { memoryIo } from '../support/cli-io.js';

describe('parseRevertArgs', () => {
  it.each([
    [[], 'give one of'],
    [['f.json', '--function', ARN], 'give one of'],
    [['--layer', EVIL, 'f.json'], '--layer goes with --function'],
    [['--plan', 'p.json'], '--plan FILE is applied with --apply'],
    [['--restore', 'r.json', '--apply'], '--restore FILE puts a state back by itself'],
    [['f.json', '--max-functions', '0'], '--max-functions'],
    [['f.json', '--qualifier', 'a b'], '--qualifier'],
    [['f.json', '--since', 'yesterday'], '--since'],
    [['f.json', '--out'], '--out needs a value'],
    [['f.json', '--yes'], 'unknown option --yes'],
    [
      ['--function', ARN, '--state-table', 'layerwatch-state'],
      '--state-table goes with --function and --since',
    ],
    [
      ['--function', ARN, '--state-table', 't-1', '--since', '2026-03-14', '--layer', EVIL],
      'instead of --layer',
    ],
  ])('%j: %s', (argv, words) => {
    expect(() => parseRevertArgs(argv)).toThrow(words);
  });

  it('takes the qualifier of a qualified function ARN', () => {
    expect(parseRevertArgs(['--function', `${ARN}:prod`, '--layer', EVIL])).toMatchObject({
      qualifier: 'prod',
    });
    expect(() =>
      parseRevertArgs(['--function', `${ARN}:prod`, '--layer', EVIL, '--qualifier', 'beta']),
    ).toThrow('give one');
  });

  it('reads a plan to apply and the defaults', () => {
    expect(parseRevertArgs(['--plan', 'p.json', '--apply'])).toMatchObject({
      plan: 'p.json',
      apply: true,
      maxFunctions: 5,
      stack: 'LayerWatch',
      force: false,
    });
  });
});

/** A fake Lambda of many functions; `failOn` makes one write throw. */
function fakePort(failOn: (what: string) => boolean = () => false): RevertPort & { writes: string[] } {
  const writes: string[] = [];
  const fail = (what: string) => {
    writes.push(what);
    if (failOn(what))
      throw Object.assign(new Error(`${what} refused`), { name: 'ResourceConflictException' });
  };
  return {
    writes,
    snapshot: async (arn) => {
      if (arn.endsWith(':gone'))
        throw Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' });
      return snapshot({ arn, name: arn.split(':').at(-1) as string });
    },
    setLayers: async (arn, layers) => {
      fail(`layers ${arn.split(':').at(-1)} ${layers.length}`);
      return 'r-new';
    },
    setRouting: async (arn, alias, to) => {
      fail(`alias ${arn.split(':').at(-1)} ${alias} ${to.version}`);
      return 'r-new';
    },
    setConcurrency: async (arn, n) => fail(`concurrency ${arn.split(':').at(-1)} ${n}`),
  };
}

describe('applySteps', () => {
  const steps: FunctionStep[] = [
    { functionArn: ARN, step: { kind: 'set-concurrency', from: null, to: 0 } },
    {
      functionArn: ARN,
      step: {
        kind: 'set-routing',
        alias: 'prod',
        from: { version: '4', weights: {} },
        to: { version: '3', weights: {} },
        revisionId: 'r',
      },
    },
    { functionArn: ARN, step: { kind: 'set-layers', from: [DEPS, EVIL], to: [DEPS], revisionId: 'r' } },
  ];

  it('undoes every write before the one that failed, last first', async () => {
    const port = fakePort((w) => w === 'layers pay 1');
    const r = await applySteps(port, steps);
    expect(port.writes).toEqual([
      'concurrency pay 0',
      'alias pay prod 3',
      'layers pay 1',
      'alias pay prod 4',
      'concurrency pay null',
    ]);
    expect(r.undone.map((s) => s.step.kind)).toEqual(['set-routing', 'set-concurrency']);
    expect(r.failed?.error).toBe('layers pay 1 refused');
  });

  it("takes a refused retry of a write that landed for that write's success", async () => {
    const port = fakePort();
    let attempts = 0;
    const landed: RevertPort = {
      ...port,
      // The first attempt lands and its answer is lost; the retry names the revision it replaced.
      setLayers: async () => {
        attempts += 1;
        throw Object.assign(new Error('The Revision Id provided does not match'), {
          name: 'PreconditionFailedException',
        });
      },
      snapshot: async (arn) => ({ ...(await port.snapshot(arn)), layers: [DEPS], revisionId: 'r-landed' }),
    };
    const r = await applySteps(landed, steps);
    expect([r.failed, attempts, r.done.length]).toEqual([null, 1, 3]);
  });

  it('names a write whose undo failed too', async () => {
    const r = await applySteps(
      fakePort((w) => w === 'layers pay 1' || w === 'alias pay prod 4'),
      steps,
    );
    expect(r.stuck.map((s) => s.step.step.kind)).toEqual(['set-routing']);
    expect(r.undone.map((s) => s.step.kind)).toEqual(['set-concurrency']);
  });
});

async function revert(argv: string[], port: RevertPort, files: Record<string, string> = {}) {
  const lines: string[] = [];
  const code = await runRevert(parseRevertArgs(argv) as RevertArgs, {
    port,
    exposure: null,
    io: memoryIo(),
    now: () => new Date('2026-03-15T10:00:00Z'),
    out: (l) => lines.push(l),
    err: (l) => lines.push(`ERR ${l}`),
    readText: async (p) => files[p] ?? '',
    writeText: async (p, t) => {
      files[p] = t;
    },
  });
  return { code, text: lines.join('\n'), files };
}

const fn = (name: string) => ARN.replace(':pay', `:${name}`);
const OPTIONS = { throttle: false, qualifier: null };

/** A plan file as `--out` writes it, of the fake functions named. */
function planFileOf(names: string[]) {
  return {
    kind: 'layerwatch-revert-plan',
    version: 1,
    createdAt: 'x',
    options: OPTIONS,
    functions: names.map((n) =>
      planFunction(snapshot({ arn: fn(n), name: n }), request({ functionArn: fn(n) }), OPTIONS),
    ),
  };
}

describe('runRevert', () => {
  it('refuses a run over the cap whole, before writing anything', async () => {
    const port = fakePort();
    // Three functions in one saved plan (one --function names one function).
    const plan = planFileOf(['a', 'b', 'c']);
    const r = await revert(['--plan', 'p.json', '--apply', '--max-functions', '2'], port, {
      'p.json': JSON.stringify(plan),
    });
    expect(r.code).toBe(1);
    expect(r.text).toContain('this run would change 3 functions, more than --max-functions 2');
    expect(port.writes).toEqual([]);
    expect(Object.keys(r.files)).toEqual(['p.json']);
  });

  it('applies a saved plan, and refuses one whose steps were edited', async () => {
    const plan = planFileOf(['a']);
    expect(
      (await revert(['--plan', 'p.json', '--apply'], fakePort(), { 'p.json': JSON.stringify(plan) })).code,
    ).toBe(0);
    const step = plan.functions[0]?.steps[1];
    if (step?.kind === 'set-layers') step.to = [EVIL];
    const port = fakePort();
    const r = await revert(['--plan', 'p.json', '--apply'], port, { 'p.json': JSON.stringify(plan) });
    expect(r.code).toBe(1);
    expect(r.text).toContain('are not the plan of its own snapshot and layers (edited?)');
    expect(port.writes).toEqual([]);
  });

  it("plans the findings of a scan's JSON Lines that have layers to take off, and names the others", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'revert-cli-')), 'findings.jsonl');
    const layerAdded = {
      findingId: 'f1',
      detectionId: 'lambda-layer-added',
      function: { arn: ARN },
      layers: { added: [EVIL], before: [DEPS], baseline: 'known' },
    };
    const tampered = { findingId: 'f2', detectionId: 'detector-tampered', function: null, layers: null };
    writeFileSync(file, `${JSON.stringify(layerAdded)}\n${JSON.stringify(tampered)}\n`);
    const r = await revert([file], fakePort());
    expect(r.code).toBe(0);
    expect(r.text).toContain('plan for 1 function(s)');
    expect(r.text).toContain('ERR layerwatch revert: skipped: ');
    expect(r.text).toContain("finding f2 (detector-tampered) is about no function's layers");
  });

  it('names a function it cannot read and changes nothing', async () => {
    const port = fakePort();
    const r = await revert(['--function', fn('gone'), '--layer', EVIL, '--apply'], port);
    expect(r.code).toBe(2);
    expect(r.text).toContain('ERR layerwatch revert: Function not found; nothing was changed');
    expect(port.writes).toEqual([]);
  });

  it('writes the restore file before the first write, with every step', async () => {
    const port = fakePort();
    const r = await revert(['--function', ARN, '--layer', EVIL, '--apply', '--restore-file', 'r.json'], port);
    expect(r.code).toBe(0);
    expect(
      JSON.parse(r.files['r.json'] as string).functions[0].applied.map((s: { kind: string }) => s.kind),
    ).toEqual(['set-routing', 'set-layers']);
    expect(r.text.indexOf('previous state written to r.json')).toBeLessThan(r.text.indexOf('DONE'));
  });

  it('changes nothing when the restore file cannot be written', async () => {
    const port = fakePort();
    const r = await runRevert(
      parseRevertArgs(['--function', ARN, '--layer', EVIL, '--apply']) as RevertArgs,
      {
        port,
        exposure: null,
        io: memoryIo(),
        now: () => new Date(),
        out: () => undefined,
        err: () => undefined,
        readText: async () => '',
        writeText: async () => {
          throw new Error('EEXIST');
        },
      },
    );
    expect(r).toBe(2);
    expect(port.writes).toEqual([]);
  });
});
