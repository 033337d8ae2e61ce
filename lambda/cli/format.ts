/** Output formats. `jsonl`: one finding per line and nothing else. `table`: for people. */
import type { Finding } from '../domain/finding.js';
import { cut, oneLine } from '../domain/text.js';

export function jsonl(finding: Finding): string {
  return `${JSON.stringify(finding)}\n`;
}

const COLUMNS = ['TIME', 'SEVERITY', 'SCORE', 'DETECTION', 'WHAT', 'WHO', 'SOURCE IP'] as const;

export function table(findings: readonly Finding[]): string {
  const rows = findings.map((f) =>
    [
      f.event.time,
      f.severity,
      String(f.riskScore),
      f.detectionId,
      f.title,
      f.actor.arn ?? f.actor.principalId ?? '-',
      f.event.sourceIp ?? '-',
    ].map((cell) => cut(oneLine(cell), 90)),
  );
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const lines = [fmt(COLUMNS), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
  if (findings.length === 0) lines.push('(no findings)');
  return `${lines.join('\n')}\n`;
}
