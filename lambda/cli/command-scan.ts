/**
 * `layerwatch scan`: a pipeline of named steps, each in its own module: arguments (scan-args),
 * settings, inputs (walk), sources (scan-inputs), analysis (scan), output (scan-report).
 */
import { readFile } from 'node:fs/promises';
import {
  DEFAULT_SETTINGS,
  type DetectionSettings,
  parseSettings,
  SettingsError,
} from '../domain/settings.js';
import { type Command, EXIT, type Io } from './command.js';
import { keepEvent, keepFinding } from './filter.js';
import { progressDisplay } from './progress.js';
import { detect, EventCollector, emptyStats } from './scan.js';
import { parseScanArgs, SCAN_SYNOPSIS, type ScanOptions, scanHelp } from './scan-args.js';
import { EarlyReaders, readInputs } from './scan-inputs.js';
import { report } from './scan-report.js';
import type { SourceProblem } from './source-types.js';
import { terminalText } from './terminal-text.js';
import { findInputs } from './walk.js';

/** The CLI prints everything by default: a publish threshold applies only when the file sets one. */
export async function loadSettings(path: string | null): Promise<DetectionSettings> {
  if (path === null) return { ...DEFAULT_SETTINGS, minSeverity: 'informational' };
  const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
  const parsed = parseSettings(raw);
  const explicit = typeof raw === 'object' && raw !== null && 'minSeverity' in raw;
  return explicit ? parsed : { ...parsed, minSeverity: 'informational' };
}

function parse(args: readonly string[], io: Io): ScanOptions | number {
  try {
    const parsed = parseScanArgs(args, io.stdout.isTTY === true);
    if (parsed !== 'help') return parsed;
    io.stdout.write(scanHelp());
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(terminalText(`layerwatch scan: ${(error as Error).message}`));
    io.stderr.write(`\n\n${scanHelp()}`);
    return EXIT.incomplete;
  }
}

async function scan(options: ScanOptions, settings: DetectionSettings, io: Io): Promise<number> {
  const started = Date.now();
  const problems: SourceProblem[] = [];
  const stats = emptyStats();
  const collector = new EventCollector(stats, problems);
  // On a terminal: a progress line on stderr, erased before the summary.
  const display = io.stderr.isTTY
    ? progressDisplay((text) => io.stderr.write(text), io.stderr.columns)
    : null;
  let found = 0;
  const tick = (current = 0, force = false) =>
    display?.update(
      {
        files: stats.files,
        totalFiles: Math.max(found, stats.files),
        records: stats.records,
        bytes: stats.bytes,
        candidates: stats.relevant,
        current,
      },
      force,
    );
  const state = { stats, problems, collector, tick };
  // Reading starts while the walk still runs (reader threads take files as they are found).
  const early = new EarlyReaders(options, state, io.readerScript);
  const inputs = findInputs(options.paths, problems, (file) => {
    found += 1;
    early.onFile(file);
  });
  await readInputs(inputs, options, io, state, early);
  tick(0, true);
  display?.done();
  const events = collector.sorted().filter((e) => keepEvent(e, options.filter));
  const all = detect(events, settings).filter((f) => keepFinding(f, options.filter));
  return report(all, stats, problems, options, io, (Date.now() - started) / 1000);
}

export const scanCommand: Command = {
  name: 'scan',
  synopsis: SCAN_SYNOPSIS,
  help: scanHelp,
  async run(args, io) {
    const options = parse(args, io);
    if (typeof options === 'number') return options;
    let settings: DetectionSettings;
    try {
      settings = await loadSettings(options.config);
    } catch (error) {
      const why = error instanceof SettingsError ? error.message : (error as Error).message;
      io.stderr.write(terminalText(`layerwatch scan: --config ${options.config}: ${why}`));
      io.stderr.write('\n');
      return EXIT.incomplete;
    }
    return scan(options, settings, io);
  },
};
