/**
 * The output step of `scan`: diagnostics and the summary on stderr (made safe for a terminal),
 * findings on stdout in the chosen format, and the exit code a CI gate can trust.
 */
import type { Finding } from '../domain/finding.js';
import { type Severity, severityRank } from '../domain/severity.js';
import type { Io } from './command.js';
import { exitFor } from './parts.js';
import type { ScanStats } from './scan.js';
import type { ScanOptions } from './scan-args.js';
import { isPartial, type SourceProblem } from './source-types.js';
import { terminalText } from './terminal-text.js';

/** One line per problem, sorted by file: the same diagnostics whatever the reading order. */
export function problemLines(problems: readonly SourceProblem[]): string {
  return [...problems]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map((p) => terminalText(`layerwatch: ${p.file}${p.position ? `: ${p.position}` : ''}: ${p.message}`))
    .map((line) => `${line}\n`)
    .join('');
}

export interface Tally {
  /** Inputs with a part that could not be read (I/O, gzip, record over the limit). */
  unreadable: number;
  /** Stretches of input that are not JSON. */
  invalid: number;
  /** JSON documents that name their event arrays more than once (`Records` twice). */
  ambiguous: number;
}

export function tally(problems: readonly SourceProblem[]): Tally {
  const unreadable = new Set(problems.filter((p) => p.kind === 'unreadable').map((p) => p.file));
  const count = (kind: SourceProblem['kind']) => problems.filter((p) => p.kind === kind).length;
  return { unreadable: unreadable.size, invalid: count('invalid'), ambiguous: count('ambiguous') };
}

/**
 * The run in one line on stderr (for people; nothing parses it). Candidates are the distinct
 * records the detection core analyses: layer operations and calls that can tamper with layerwatch.
 */
export function summaryLine(stats: ScanStats, t: Tally, shown: number, seconds: number): string {
  return `layerwatch: ${stats.files} files (${stats.unparsedFiles} without candidate events, not parsed), ${t.unreadable} unreadable, ${stats.records} records, ${stats.relevant} candidates (layer or tampering calls), ${stats.ignored} skipped, ${stats.malformed} malformed, ${t.invalid} not JSON, ${t.ambiguous} ambiguous (event arrays named twice, a JSON line that reads as CSV), ${stats.duplicates} duplicates, ${stats.findings} findings (${stats.suppressed} suppressed, ${shown} shown) in ${seconds.toFixed(2)}s\n`;
}

function reaches(findings: readonly Finding[], level: Severity): boolean {
  return findings.some((f) => severityRank(f.severity) >= severityRank(level));
}

/** 1 when --fail-on is reached; else 2 when an input was not read completely (unless allowed); else 0. */
export function exitCode(
  unsuppressed: readonly Finding[],
  problems: readonly SourceProblem[],
  options: Pick<ScanOptions, 'failOn' | 'allowPartial'>,
): number {
  return exitFor({
    failOnReached: options.failOn !== null && reaches(unsuppressed, options.failOn),
    incomplete: problems.some(isPartial),
    allowPartial: options.allowPartial,
  });
}

/** Writes everything and returns the exit code. */
export function report(
  all: readonly Finding[],
  stats: ScanStats,
  problems: readonly SourceProblem[],
  options: ScanOptions,
  io: Io,
  seconds: number,
): number {
  const unsuppressed = all.filter((f) => !f.suppression);
  stats.findings = all.length;
  stats.suppressed = all.length - unsuppressed.length;
  io.stderr.write(problemLines(problems));
  const shown = (options.includeSuppressed ? all : unsuppressed).filter(
    (f) => severityRank(f.severity) >= severityRank(options.minSeverity),
  );
  io.stdout.write(options.format.render(shown));
  io.stderr.write(summaryLine(stats, tally(problems), shown.length, seconds));
  return exitCode(unsuppressed, problems, options);
}
