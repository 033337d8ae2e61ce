/** `--format table`: for people (the default on a terminal). No input character can drive the terminal. */
import type { Finding } from '../domain/finding.js';
import { cut, oneLine } from '../domain/text.js';
import type { OutputFormat } from './output-format.js';
import { terminalText } from './terminal-text.js';

const COLUMNS = ['TIME', 'SEVERITY', 'SCORE', 'DETECTION', 'WHAT', 'WHO', 'SOURCE IP'] as const;

function cells(f: Finding): string[] {
  return [
    f.event.time,
    f.severity,
    String(f.riskScore),
    f.detectionId,
    f.title,
    f.actor.arn ?? f.actor.principalId ?? '-',
    f.event.sourceIp ?? '-',
  ].map((cell) => terminalText(cut(oneLine(cell), 90)));
}

export function table(findings: readonly Finding[]): string {
  const rows = findings.map(cells);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (row: readonly string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const lines = [fmt(COLUMNS), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
  if (findings.length === 0) lines.push('(no findings)');
  return `${lines.join('\n')}\n`;
}

export const tableFormat: OutputFormat = {
  name: 'table',
  description: 'a table for people (the default on a terminal)',
  render: table,
};
