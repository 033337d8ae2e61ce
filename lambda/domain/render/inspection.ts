/**
 * What the layers' content will run, in words, for the email and chat renderings: one line per
 * inspected layer version, one sentence per signal ("This layer starts an external extension,
 * `extensions/x`, which runs beside every invocation with the function's credentials."), and what
 * each new version adds. Paths are untrusted: `show` renders them.
 */
import { signalSentence } from '../content-scoring.js';
import type { Finding } from '../finding.js';
import type { InspectionSignal } from '../inspection/model.js';
import { signalNoun } from '../layer-inspection.js';
import type { Show } from './describe.js';

const STATUS: Record<string, string> = {
  inspected: 'read',
  partial: 'read in part',
  unread: 'NOT READ',
  skipped: 'not inspected',
};

function severityTag(s: InspectionSignal): string {
  const lowered = s.lowered ? `, lowered from ${s.lowered.from}: known publisher ${s.lowered.publisher}` : '';
  return `[${s.severity}${lowered}]`;
}

/** "This layer starts ... credentials. [high]" */
export function signalLine(s: InspectionSignal, show: Show): string {
  return `This layer ${signalSentence(s, (p) => show(p, 200))}. ${severityTag(s)}`;
}

export interface InspectionBlock {
  /** The layer version (untrusted, for `show`) and its status line. */
  layer: string;
  status: string;
  lines: string[];
}

/**
 * One block per inspected layer version, then one per version change that adds something.
 * `maxSignals` bounds the sentences per block (the most severe first; the rest are counted).
 */
export function inspectionBlocks(f: Finding, show: Show, maxSignals: number): InspectionBlock[] {
  if (!f.inspection) return [];
  const blocks: InspectionBlock[] = [];
  for (const l of f.inspection.layers) {
    const size =
      l.status === 'inspected' || l.status === 'partial'
        ? `, ${l.files} files, ${l.uncompressedBytes} bytes unzipped`
        : '';
    const status = `${STATUS[l.status] ?? l.status}${l.cached ? ' (cached report)' : ''}${size}`;
    const lines = l.signals.slice(0, maxSignals).map((s) => signalLine(s, show));
    if (l.signals.length > maxSignals) lines.push(`... and ${l.signals.length - maxSignals} more signals`);
    if (lines.length === 0 && l.status === 'inspected') lines.push('Nothing that runs on its own was found.');
    blocks.push({ layer: l.versionArn, status, lines });
  }
  for (const c of f.inspection.versionChanges) {
    if (!c.compared || c.added.length === 0) continue;
    const [to, from] = [versionOf(c.to), versionOf(c.from)];
    const lines = c.added
      .slice(0, maxSignals)
      .map(
        (s) =>
          `Version ${to} adds ${signalNoun(s.id)}${s.path ? ` ${show(s.path, 200)}` : ''} that version ${from} did not have. ${severityTag(s)}`,
      );
    blocks.push({ layer: c.to, status: `new in this version (compared with ${c.from})`, lines });
  }
  return blocks;
}

function versionOf(arn: string): string {
  return /:(\d+)$/.exec(arn)?.[1] ?? '?';
}
