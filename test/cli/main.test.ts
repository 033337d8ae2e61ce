import type { Command } from '../../lambda/cli/command.js';
import { COMMANDS, entryOf } from '../../lambda/cli/commands.js';
import { FORMATS } from '../../lambda/cli/formats.js';
import { main, usage } from '../../lambda/cli/main.js';
import { emptyStats } from '../../lambda/cli/scan.js';
import { parseScanArgs, scanHelp } from '../../lambda/cli/scan-args.js';
import { exitCode, problemLines, summaryLine, tally } from '../../lambda/cli/scan-report.js';
import type { SourceProblem } from '../../lambda/cli/source-types.js';
import { safeJson, terminalText } from '../../lambda/cli/terminal-text.js';
import { memoryIo } from '../support/cli-io.js';

const io = memoryIo;

describe('main', () => {
  it('dispatches through the command table: a new command needs no change to main', async () => {
    const seen: string[][] = [];
    const track: Command = {
      name: 'track',
      synopsis: 'layerwatch track THING',
      help: () => 'Usage: layerwatch track THING\n\nTracks.\n',
      run: async (args) => {
        seen.push([...args]);
        return 0;
      },
    };
    const o = io();
    expect(await main(['track', 'x'], o, [...COMMANDS, entryOf(track)])).toBe(0);
    expect(seen).toEqual([['x']]);
    expect(await usage([...COMMANDS, entryOf(track)])).toContain('layerwatch track THING');
    expect(await main(['track'], io())).toBe(2);
  });

  it('lists each command by the synopsis its module gives, and loads it only to run it', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect([entry.name, entry.synopsis]).toEqual([command.name, command.synopsis]);
    }
    const loaded: string[] = [];
    const lazy = COMMANDS.map((c) => ({
      ...c,
      load: () => {
        loaded.push(c.name);
        return c.load();
      },
    }));
    expect(await main(['--version'], io(), lazy)).toBe(0);
    expect(loaded).toEqual([]);
    expect(await main(['verify', '--help'], io(), lazy)).toBe(0);
    expect(loaded).toEqual(['verify']);
  });

  it('prints usage: on stdout for --help (exit 0), on stderr when no command is given (exit 2)', async () => {
    const help = io();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out).toMatch(/^Usage: layerwatch scan/);
    const none = io();
    expect(await main([], none)).toBe(2);
    expect(none.err).toMatch(/^Usage: layerwatch scan/);
  });

  it('escapes a hostile command name', async () => {
    const o = io();
    await main(['\u001b[2J'], o);
    expect(o.err).toContain('unknown command "\\u001b[2J"');
  });
});

describe('scan --help', () => {
  it('documents every exit code, every format, s3:// and stdin', () => {
    const help = scanHelp();
    for (const code of ['0  ', '1  ', '2  ', '3  ']) expect(help).toContain(`\n  ${code}`);
    for (const f of FORMATS) expect(help).toContain(`${f.name}: ${f.description}`);
    expect(help).toContain('s3://bucket/prefix/');
    expect(help).toMatch(/- for\s+standard input/);
    expect(help).toContain('--allow-partial');
  });

  it('parses options into ScanOptions and rejects bad values', () => {
    const o = parseScanArgs(
      ['--format', 'table', '--allow-partial', '--max-record-bytes', '4096', 'x'],
      false,
    );
    expect(o).toMatchObject({ paths: ['x'], allowPartial: true, maxRecordBytes: 4096 });
    expect(o !== 'help' && o.format.name).toBe('table');
    expect(parseScanArgs(['-h'], false)).toBe('help');
    expect(() => parseScanArgs(['--max-record-bytes', '10', 'x'], false)).toThrow(/--max-record-bytes/);
    expect(() => parseScanArgs(['--format', 'xml', 'x'], false)).toThrow(/not one of jsonl, table/);
  });
});

describe('exit codes', () => {
  const problem = (kind: SourceProblem['kind']): SourceProblem => ({
    file: 'f',
    position: null,
    message: 'm',
    kind,
  });
  const critical = [{ severity: 'critical' }] as never[];
  it.each([
    ['nothing wrong', [], [], null, false, 0],
    ['an unreadable file', [], [problem('unreadable')], null, false, 2],
    ['text that is not JSON', [], [problem('invalid')], 'high', false, 2],
    ['a document naming its event arrays twice', [], [problem('ambiguous')], null, false, 2],
    ['--allow-partial', [], [problem('invalid')], null, true, 0],
    ['--fail-on reached wins', critical, [problem('unreadable')], 'high', false, 1],
    ['a malformed record or a note alone', [], [problem('malformed'), problem('note')], null, false, 0],
  ] as const)('%s', (_n, findings, problems, failOn, allowPartial, code) => {
    expect(exitCode(findings, problems, { failOn, allowPartial })).toBe(code);
  });
});

describe('scan report', () => {
  const problems: SourceProblem[] = [
    { file: 'b.json', position: 'line 2', message: 'not JSON: \u001b[2J', kind: 'invalid' },
    { file: 'a\u202e.json', position: null, message: 'cannot read: EIO', kind: 'unreadable' },
    { file: 'a\u202e.json', position: 'Records[1]', message: 'too big', kind: 'unreadable' },
    { file: 'c.json', position: 'Records[0]', message: 'eventTime missing', kind: 'malformed' },
  ];

  it('prints problems sorted by file, escaped, one per line', () => {
    expect(problemLines(problems).split('\n')).toEqual([
      'layerwatch: a\\u202e.json: cannot read: EIO',
      'layerwatch: a\\u202e.json: Records[1]: too big',
      'layerwatch: b.json: line 2: not JSON: \\u001b[2J',
      'layerwatch: c.json: Records[0]: eventTime missing',
      '',
    ]);
  });

  it('counts unreadable inputs once per file and stretches that are not JSON', () => {
    const t = tally(problems);
    expect(t).toEqual({ unreadable: 1, invalid: 1, ambiguous: 0 });
    expect(summaryLine({ ...emptyStats(), files: 3 }, t, 0, 1.5)).toMatch(
      /^layerwatch: 3 files \(0 without candidate events, not parsed\), 1 unreadable, 0 records, .* 0 malformed, 1 not JSON, 0 ambiguous \(event arrays named twice, a JSON line that reads as CSV\), .* in 1\.50s\n$/,
    );
  });
});

describe('terminal text', () => {
  it('shows controls, bidi and zero-width characters as escapes for people, and keeps JSON exact', () => {
    const hostile = 'a\u001b[31m\u0007\u009b\u202e\u2066\u200b\u2060\ufeff\u2028\u{e0041}b';
    const shown = terminalText(hostile);
    expect(shown).toBe('a\\u001b[31m\\u0007\\u009b\\u202e\\u2066\\u200b\\u2060\\ufeff\\u2028\\udb40\\udc41b');
    const json = safeJson({ v: hostile });
    expect(json).not.toMatch(/[^\x20-\x7e]/);
    expect(JSON.parse(json).v).toBe(hostile);
  });
});
