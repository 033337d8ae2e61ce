import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import {
  mapBeside,
  readableStackOf,
  StackMapper,
  withReadableStacks,
} from '../../../lambda/adapters/readable-stack.js';

/**
 * A minified bundle with its source map, as the runtimes are built: `fail()` throws from line 7 of
 * `thrower.ts`, `pass()` returns.
 */
function bundle(dir: string): { file: string; fail: () => Promise<void>; pass: () => Promise<string> } {
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(src, 'thrower.ts'),
    [
      '// a comment line',
      'export async function pass(): Promise<string> {',
      "  return 'fine';",
      '}',
      '',
      'export async function fail(): Promise<void> {',
      "  throw new Error('the table is gone');",
      '}',
    ].join('\n'),
  );
  const file = join(dir, 'task', 'index.js');
  buildSync({
    entryPoints: [join(src, 'thrower.ts')],
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'cjs',
    platform: 'node',
    outfile: file,
    logLevel: 'silent',
  });
  return require(file);
}

/**
 * The stack V8 gives the bundle's error in a plain node process (jest maps stacks of the modules it
 * loads by itself, so its own errors' stacks are already readable).
 */
function rawStack(file: string): string {
  const r = spawnSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(file)}).fail().catch((e) => process.stdout.write(e.stack))`],
    { encoding: 'utf8' },
  );
  if (!r.stdout.startsWith('Error: the table is gone\n')) throw new Error(`no stack: ${r.stderr}`);
  return r.stdout;
}

/** The error as it leaves the bundle in a deployed function: its stack as V8 wrote it. */
function bundleError(stack: string): Error {
  const error = new Error('the table is gone');
  error.stack = stack;
  return error;
}

describe('readable stacks', () => {
  let dir: string;
  let code: ReturnType<typeof bundle>;
  let raw: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-stack-'));
    code = bundle(dir);
    raw = rawStack(join(dir, 'task', 'index.js'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const thrown = async (fn: () => Promise<unknown>): Promise<Error> => {
    try {
      await fn();
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a throw');
  };

  it('rewrites a frame in the bundle to the source file, line and column it came from', async () => {
    const error = bundleError(raw);
    expect(error.stack).toContain(`${join(dir, 'task', 'index.js')}:1:`);
    readableStackOf(error, new StackMapper(join(dir, 'task')));
    expect(error.stack).toMatch(/^Error: the table is gone\n/);
    expect(error.stack).toMatch(/src\/thrower\.ts:7:9\)/);
    expect(error.stack).not.toContain(`${join(dir, 'task', 'index.js')}:1:`);
    // Frames outside the bundle (node's own, the -e script) are left as they were.
    expect(error.stack).toContain('[eval]');
  });

  it('reads no map outside the code directory, and leaves such frames alone', async () => {
    const error = bundleError(raw);
    const before = error.stack;
    const load = jest.fn(mapBeside);
    readableStackOf(error, new StackMapper(join(dir, 'elsewhere'), load));
    expect(error.stack).toBe(before);
    expect(load).not.toHaveBeenCalled();
    // No code directory (the CLI, the tests): nothing is read at all.
    readableStackOf(error, new StackMapper(undefined, load));
    expect(load).not.toHaveBeenCalled();
  });

  it('leaves the stack as it was when the map is missing, damaged or its reading throws', async () => {
    const error = bundleError(raw);
    const before = error.stack;
    readableStackOf(error, new StackMapper(join(dir, 'task'), () => null));
    expect(error.stack).toBe(before);
    readableStackOf(
      error,
      new StackMapper(join(dir, 'task'), () => {
        throw new Error('disk gone');
      }),
    );
    expect(error.stack).toBe(before);
    writeFileSync(join(dir, 'broken.js.map'), '{"version": 3, "mappings": ');
    expect(mapBeside(join(dir, 'broken.js'))).toBeNull();
    expect(mapBeside(join(dir, 'absent.js'))).toBeNull();
  });

  it('never rewrites a message that imitates a frame', async () => {
    const location = /\(([^()]*index\.js:1:\d+)\)/.exec(raw)?.[1] as string;
    expect(location).toBeDefined();
    const error = new Error(`function evil\n    at x (${location})`);
    error.stack = `${String(error)}\n    at y (${location})`;
    readableStackOf(error, new StackMapper(join(dir, 'task')));
    const [header, frame] = [
      error.stack.slice(0, String(error).length),
      error.stack.slice(String(error).length),
    ];
    expect(header).toBe(String(error));
    expect(frame).not.toContain(location);
  });

  it('a wrapped handler rethrows the very error, with the readable stack, and passes results through', async () => {
    const mapper = new StackMapper(join(dir, 'task'));
    const original = bundleError(raw);
    const wrapped = withReadableStacks(async () => {
      throw original;
    }, mapper);
    const error = await thrown(wrapped);
    expect(error).toBe(original);
    expect(error.stack).toMatch(/src\/thrower\.ts:7:9\)/);
    await expect(withReadableStacks(code.pass, mapper)()).resolves.toBe('fine');
    // A thrown value that is not an Error goes through untouched.
    await expect(
      withReadableStacks(async () => {
        throw 'a string';
      }, mapper)(),
    ).rejects.toBe('a string');
  });

  it.each([
    '    at f (/var/task/../../etc/x:1:1)',
    '    at file:///var/task/../etc/x.mjs:1:1',
    '    at f (/var/task/./../task-other/x.mjs:1:1)',
  ])('reads no map of a frame that climbs out of the code directory: %s', (frame) => {
    const load = jest.fn(() => null);
    expect(new StackMapper('/var/task', load).readable(frame)).toBe(frame);
    expect(load).not.toHaveBeenCalled();
  });

  it('reads the map of a frame under the code directory by its resolved path', () => {
    const load = jest.fn(() => null);
    new StackMapper('/var/task', load).readable('    at f (/var/task/lib/../index.mjs:1:1)');
    expect(load).toHaveBeenCalledWith('/var/task/index.mjs');
  });

  it('keeps at most a few maps, whatever the stacks name', () => {
    const load = jest.fn(() => null);
    const mapper = new StackMapper('/var/task', load);
    for (let i = 0; i < 50; i += 1) mapper.readable(`    at f (/var/task/f${i % 10}.mjs:1:1)`);
    // 10 files cycling through a cache of 8: every read is a file it no longer keeps.
    expect(load.mock.calls.length).toBeGreaterThan(10);
    expect(load.mock.calls.length).toBeLessThanOrEqual(50);
  });
});
