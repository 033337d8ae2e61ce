/**
 * The scanner never loses a finding and never hangs: hostile and everyday inputs, end to end through
 * the command (in this process), and through the built CLI where only a process shows it (walks that
 * must end, special files, pipes, standard input, the bundle's threads). Big inputs are generated here into a temp dir, small (a few MB at most), against a
 * lowered --max-record-bytes; the gigabyte cases are in the scan benchmark.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeBigLogFile, writeCorpus } from '../../bench/corpus.js';
import { runCli } from '../support/cli-run.js';
import {
  ACCOUNT,
  createFunction,
  layerArn,
  OTHER_ACCOUNT,
  otherService,
  updateFunctionConfiguration,
} from '../support/records.js';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'layerwatch-cli.mjs');

/**
 * The built command as a user runs it (the bin wrapper, the bundle and its reader threads, the exit
 * code of the process), killed if it hangs: for what only a process shows (walks and special files
 * that must end, pipes, standard input, the bundle's threads).
 */
function runProcess(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    timeout: 60_000,
    maxBuffer: 1 << 26,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** The same command in this process (test/support/cli-run.ts): the same output and exit code. */
const run = (args: string[]) => runCli(args);
const scan = (...args: string[]) => run(['scan', '--format', 'jsonl', ...args]);
const scanProcess = (...args: string[]) => runProcess(['scan', '--format', 'jsonl', ...args]);
const names = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).function?.name ?? JSON.parse(l).layer?.name)
    .sort();
const tempDir = () => mkdtempSync(join(tmpdir(), 'layerwatch-inputs-'));

const evil = layerArn('ext', 1, OTHER_ACCOUNT);
const attack = (fn: string, time = '2026-03-14T09:05:00Z') =>
  updateFunctionConfiguration(fn, { layers: [evil], time });
const logFile = (...records: unknown[]) => JSON.stringify({ Records: records });

describe('1. files of any size: streamed, bounded, and one bad file never costs the others', () => {
  it('finds every planted event of a single-line log file many times the record limit, as the in-memory path does', async () => {
    const dir = tempDir();
    const stats = writeBigLogFile(join(dir, 'big.json'), 3, false, 7, 0.002);
    expect(stats.layerEvents).toBeGreaterThan(3);
    const streamed = await scan('--max-record-bytes', '65536', dir);
    const whole = await scan(dir);
    expect(streamed.code).toBe(0);
    expect(streamed.stdout.split('\n').filter(Boolean)).toHaveLength(stats.layerEvents);
    expect(streamed.stdout).toBe(whole.stdout);
    expect((await scan('--no-prefilter', '--max-record-bytes', '65536', dir)).stdout).toBe(whole.stdout);
  });

  it('streams a gzip that inflates past the limit (a small bomb) and finds its events', async () => {
    const dir = tempDir();
    const stats = writeBigLogFile(join(dir, 'bomb.json.gz'), 3, true, 11, 0.002);
    expect(stats.gzBytes).toBeLessThan(stats.bytes / 4);
    const r = await scan('--max-record-bytes', '65536', dir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(stats.layerEvents);
    expect(r.stdout).toBe((await scan(dir)).stdout);
  });

  it('names and counts a record over the limit, exits 2, and still reports every other file', async () => {
    const dir = tempDir();
    const huge = { ...attack('hidden'), padding: 'x'.repeat(200_000) };
    writeFileSync(join(dir, 'a-huge.json'), logFile(attack('before'), huge, attack('after')));
    writeFileSync(join(dir, 'b-good.json'), logFile(attack('good')));
    const r = await scan('--max-record-bytes', '65536', dir);
    expect(r.code).toBe(2);
    expect(names(r.stdout)).toEqual(['after', 'before', 'good']);
    expect(r.stderr).toMatch(
      /a-huge\.json: Records\[1\]: a record of \d+ bytes or more is over the limit of 65536 bytes/,
    );
    expect(r.stderr).toMatch(/, 1 unreadable, /);
  });
});

describe('2. exit codes a CI gate can trust', () => {
  it('exits 2 under --fail-on high when a gzip is truncated, keeping the records before the damage', async () => {
    const dir = tempDir();
    // A creation with a layer of the same account: a finding below high.
    const early = createFunction('early', { layers: [layerArn('deps', 1)], time: '2026-03-14T09:00:00Z' });
    const gz = gzipSync(logFile(early, ...Array.from({ length: 400 }, otherService)));
    writeFileSync(join(dir, 'cut.json.gz'), gz.subarray(0, Math.floor(gz.length * 0.8)));
    const r = await scan('--fail-on', 'high', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cut\.json\.gz: cannot read: truncated or damaged gzip/);
    expect(r.stderr).toMatch(/, 1 unreadable, /);
    expect(names(r.stdout)).toEqual(['early']);
  });

  it('exits 2 on a JSON syntax error in a file that holds candidate events; --allow-partial gives 0', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.json'), `${logFile(attack('f')).slice(0, -40)}`);
    const r = await scan('--fail-on', 'high', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json: line 1: unexpected end of input/);
    expect(r.stderr).toMatch(/, 1 not JSON, /);
    expect((await scan('--fail-on', 'high', '--allow-partial', dir)).code).toBe(0);
  });

  it('exits 2 on a log file cut short even when it holds no candidate event (pre-filter or not)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cut.json'), logFile(otherService(), otherService()).slice(0, -30));
    for (const extra of [[], ['--no-prefilter']]) {
      const r = await scan(...extra, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cut\.json: line 1: unexpected end of input/);
    }
  });

  it('--fail-on wins over an incomplete input when it is reached', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'good.json'), logFile(attack('f')));
    writeFileSync(
      join(dir, 'bad.jsonl'),
      `{"eventSource":"lambda.amazonaws.com","eventName":"CreateFunction20150331" oops}\n`,
    );
    expect((await scan('--fail-on', 'low', dir)).code).toBe(1);
    expect((await scan(dir)).code).toBe(2);
  });
});

describe('3. walks that end', () => {
  it('visits each real folder and file once through symlink cycles and self-links', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'log.json'), logFile(attack('f')));
    symlinkSync('.', join(dir, 'self'));
    symlinkSync('..', join(dir, 'sub', 'up'));
    symlinkSync(dir, join(dir, 'sub', 'again'));
    symlinkSync(join(dir, 'sub', 'log.json'), join(dir, 'link.json'));
    const r = scanProcess(dir);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^layerwatch: 1 files /m);
    expect(r.stderr).toContain(' 0 duplicates');
  });
});

describe('4. special files', () => {
  it('skips a FIFO inside a folder with a note and reports the good file beside it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'good.json'), logFile(attack('f')));
    expect(spawnSync('mkfifo', [join(dir, 'pipe.json')]).status).toBe(0);
    const r = scanProcess(dir);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(names(r.stdout)).toEqual(['f']);
    expect(r.stderr).toContain('pipe.json: a FIFO (named pipe), not a file: skipped');
  });

  it('reads a pipe named on the command line, and - as standard input', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'named.pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const child = spawn(process.execPath, [CLI, 'scan', '--format', 'jsonl', fifo], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    writeFileSync(fifo, logFile(attack('piped')));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(names(out)).toEqual(['piped']);
    expect(names(scanProcess('-').stdout)).toEqual([]);
    const stdin = runProcess(['scan', '--format', 'jsonl', '-'], gzipSync(logFile(attack('stdin'))));
    expect(stdin.code).toBe(0);
    expect(names(stdin.stdout)).toEqual(['stdin']);
  });
});

/** Characters that could drive a terminal (line feeds aside), as code points. */
function unsafe(text: string): number[] {
  return [...text]
    .filter((ch) => ch !== '\n' && /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(ch))
    .map((ch) => ch.codePointAt(0) as number);
}

describe('5. nothing from the input drives the terminal', () => {
  it('escapes control, bidi and zero-width characters from file names and bad lines on stderr and in the table', async () => {
    const dir = tempDir();
    const name = 'evil\u001b[31m\u202e\u200b.jsonl';
    writeFileSync(
      join(dir, name),
      `{"eventSource":"lambda.amazonaws.com","eventName":"CreateFunction\u001b]0;pwned\u0007" x}\n`,
    );
    const identity = {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::${ACCOUNT}:user/ev\u001b[2Jil\u2066\u0085`,
      accountId: ACCOUNT,
      userName: 'ev\u001b[2Jil',
    };
    const sneaky = createFunction('fn', { layers: [evil], identity });
    writeFileSync(join(dir, 'ok.json'), logFile(sneaky));
    for (const format of ['table', 'jsonl']) {
      const r = await run(['scan', '--format', format, dir]);
      expect(unsafe(r.stderr)).toEqual([]);
      expect(r.stderr).toContain('evil\\u001b[31m\\u202e\\u200b.jsonl');
      if (format === 'table') expect(unsafe(r.stdout)).toEqual([]);
      else {
        expect(unsafe(r.stdout)).toEqual([]);
        expect(JSON.parse(r.stdout.split('\n')[0] as string).actor.arn).toBe(identity.arn);
      }
    }
  });
});

describe('6. saved forms', () => {
  const records = [
    createFunction('f', { layers: [layerArn('deps', 1)], time: '2026-03-14T09:00:00Z' }),
    attack('f', '2026-03-14T09:05:00Z'),
    otherService(),
    otherService(),
    otherService(),
  ];

  it('reads JSON Lines whose lines are whole log files, and log files concatenated without a separator', async () => {
    const dir = tempDir();
    const reference = join(dir, 'reference.json');
    writeFileSync(reference, logFile(...records));
    const expected = (await scan(reference)).stdout;
    expect(names(expected)).toEqual(['f', 'f']);
    const lines = `${logFile(records[0])}\n${logFile(records[1], records[2])}\n${logFile(records[3], records[4])}\n`;
    const concatenated = `${logFile(records[0])}${logFile(records[1], records[3])}  ${JSON.stringify(records[2])}${JSON.stringify(records[4])}`;
    // Larger than the limit given below, so that it streams them.
    expect(Math.min(lines.length, concatenated.length)).toBeGreaterThan(3072);
    for (const [file, text] of [
      ['lines.jsonl', lines],
      ['lines.json.gz', gzipSync(lines)],
      ['concatenated.json', concatenated],
    ] as const) {
      writeFileSync(join(dir, file), text);
      for (const extra of [[], ['--max-record-bytes', '3072'], ['--no-prefilter']]) {
        const r = await scan(...extra, join(dir, file));
        expect([file, r.code, r.stdout]).toEqual([file, 0, expected]);
      }
    }
  });
});

describe('7. aws cloudtrail lookup-events output', () => {
  it('parses each CloudTrailEvent string, newest first, into the same findings as the log files', async () => {
    const dir = tempDir();
    const records = [
      createFunction('g', { layers: [layerArn('deps', 1)], time: '2026-03-14T09:00:00Z' }),
      attack('g', '2026-03-14T09:05:00Z'),
      otherService(),
    ];
    writeFileSync(join(dir, 'trail.json'), logFile(...records));
    const events = [...records].reverse().map((r) => ({
      EventId: (r as { eventID: string }).eventID,
      EventName: (r as { eventName: string }).eventName,
      CloudTrailEvent: JSON.stringify(r),
    }));
    const history = JSON.stringify({ Events: events, NextToken: 'abc' }, null, 2);
    expect(history.length).toBeGreaterThan(3072);
    writeFileSync(join(dir, 'history.json'), history);
    const expected = (await scan(join(dir, 'trail.json'))).stdout;
    expect(names(expected)).toEqual(['g', 'g']);
    for (const extra of [[], ['--max-record-bytes', '3072'], ['--no-prefilter']])
      expect((await scan(...extra, join(dir, 'history.json'))).stdout).toBe(expected);
  });
});

describe('fast, threaded and plain paths', () => {
  it('print identical output on a corpus mixing every form, damaged files included', async () => {
    const dir = tempDir();
    writeCorpus(join(dir, 'trail'), 2, 5, 0.002);
    writeFileSync(join(dir, 'lines.jsonl'), `${logFile(attack('x'))}\n${JSON.stringify(attack('y'))}\n`);
    writeFileSync(
      join(dir, 'events.json'),
      JSON.stringify({ Events: [{ CloudTrailEvent: JSON.stringify(attack('z')) }] }),
    );
    const cut = gzipSync(
      logFile(attack('w', '2026-03-14T08:00:00Z'), ...Array.from({ length: 300 }, otherService)),
    );
    writeFileSync(join(dir, 'cut.json.gz'), cut.subarray(0, cut.length - 100));
    writeFileSync(
      join(dir, 'bad.jsonl'),
      `${JSON.stringify(attack('v'))}\n{"eventSource":"lambda.amazonaws.com","eventName":"CreateFunction" x}\n`,
    );
    // The built command, threaded by default (more than 16 files), against the others in process.
    const fast = scanProcess(dir);
    expect(fast.signal).toBeNull();
    expect(fast.code).toBe(2);
    expect(names(fast.stdout)).toEqual(expect.arrayContaining(['v', 'w', 'x', 'y', 'z']));
    const summary = (stderr: string) => stderr.replace(/ in [\d.]+s\n$/, '');
    expect(summary((await scan('--threads', '2', dir)).stderr)).toBe(
      summary((await scan('--threads', '1', dir)).stderr),
    );
    for (const extra of [
      ['--threads', '2'],
      ['--threads', '1'],
      ['--no-prefilter'],
      ['--max-record-bytes', '4096'],
    ])
      expect((await scan(...extra, dir)).stdout).toBe(fast.stdout);
  });
});
