/**
 * The sweep's coverage report, sent to the operations topic when an account or region was missed (and,
 * by the fanned-out sweep, after every run: a run that reached every pair says so).
 */
import { cut, safeText } from '../text.js';
import type { AlertMessage } from './alert.js';

export interface SweepSummary {
  startedAt: string;
  pairs: number;
  reached: number;
  functions: number;
  seeded: number;
  drifted: number;
  unchanged: number;
  unreachable: { account: string; region: string; error: string }[];
  /** Aliases compared and published versions read (versions and aliases, sweep-qualifiers.ts). */
  aliases?: number;
  versionsRead?: number;
  /** Alias moves and activations the sweep found without an event (each alerted). */
  qualifiersDrifted?: number;
  /**
   * What the sweep did not compare of a function's versions and aliases: past its per-function
   * bound, or not readable. Kept up to MAX_QUALIFIER_GAPS; `qualifierGapsMore` counts the rest.
   */
  qualifierGaps?: { functionArn: string; gap: string }[];
  qualifierGapsMore?: number;
}

export const MAX_QUALIFIER_GAPS = 50;

/** Adds a gap to the run's summary (bounded: past MAX_QUALIFIER_GAPS only counted). */
export function addQualifierGap(s: SweepSummary, functionArn: string, gap: string): void {
  s.qualifierGaps ??= [];
  if (s.qualifierGaps.length < MAX_QUALIFIER_GAPS) s.qualifierGaps.push({ functionArn, gap: cut(gap, 300) });
  else s.qualifierGapsMore = (s.qualifierGapsMore ?? 0) + 1;
}

function qualifierLines(s: SweepSummary): string[] {
  const gaps = s.qualifierGaps ?? [];
  if (gaps.length === 0) return [];
  return [
    '',
    `Versions and aliases not compared (${gaps.length + (s.qualifierGapsMore ?? 0)}): aliases past the per-function bound, versions past the reads allowed per run (read on the next runs), or reads that failed:`,
    ...gaps.map((g) => `  - ${safeText(g.functionArn)}: ${safeText(g.gap)}`),
    ...(s.qualifierGapsMore ? [`  - and ${s.qualifierGapsMore} more`] : []),
  ];
}

export function renderSweepReport(s: SweepSummary): AlertMessage {
  const partial = (s.qualifierGaps ?? []).length + (s.qualifierGapsMore ?? 0);
  // Every pair reached and every version and alias compared: the short note. Anything missed is named.
  if (s.unreachable.length === 0 && partial === 0) return renderFullCoverage(s);
  const missed = s.unreachable.map((u) => `${u.account} / ${u.region}: ${safeText(cut(u.error, 300))}`);
  const unreached = s.unreachable.length > 0;
  const subject = (
    unreached
      ? `[HIGH] layerwatch drift sweep could not reach ${s.unreachable.length} of ${s.pairs} account/region pairs`
      : `[MEDIUM] layerwatch drift sweep did not compare ${partial} version(s) or alias(es)`
  ).slice(0, 99);
  const text = [
    ...(unreached
      ? [
          `The drift sweep of ${s.startedAt} could not list the functions of ${s.unreachable.length} account/region pair(s).`,
          'Layer changes there that CloudTrail did not deliver would go unnoticed: check the read-only member role',
          '(deployed by the member stack or StackSet) and its trust policy.',
          '',
          ...missed.map((m) => `  - ${m}`),
        ]
      : [
          `The drift sweep of ${s.startedAt} reached every account/region pair, but not every version and alias.`,
        ]),
    ...qualifierLines(s),
    '',
    `Covered: ${s.reached} of ${s.pairs} pairs, ${s.functions} functions (${s.seeded} baselines seeded, ${s.drifted} drifted, ${s.unchanged} unchanged); ${s.aliases ?? 0} aliases compared, ${s.versionsRead ?? 0} versions read, ${s.qualifiersDrifted ?? 0} alias moves or activations found.`,
  ].join('\n');
  const chat = {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: unreached
        ? `:warning: layerwatch sweep missed ${s.unreachable.length} account/region pair(s)`
        : `:warning: layerwatch sweep did not compare ${partial} version(s) or alias(es)`,
      description: [
        ...missed.map((m) => `- \`${m.replace(/`/g, "'")}\``),
        ...(s.qualifierGaps ?? []).map((g) => `- \`${`${g.functionArn}: ${g.gap}`.replace(/`/g, "'")}\``),
        `Covered ${s.reached}/${s.pairs} pairs, ${s.functions} functions.`,
      ].join('\n'),
    },
  };
  return {
    subject,
    message: JSON.stringify({
      default: JSON.stringify(chat),
      https: JSON.stringify(chat),
      email: text,
      sqs: JSON.stringify({ kind: 'sweep-report', ...s }),
      lambda: JSON.stringify({ kind: 'sweep-report', ...s }),
    }),
    attributes: {
      severity: { DataType: 'String', StringValue: unreached ? 'high' : 'medium' },
      detectionId: { DataType: 'String', StringValue: 'layerwatch-sweep-coverage' },
    },
  };
}

/** A run that reached every pair: a short note, so that a missing report is itself noticed. */
function renderFullCoverage(s: SweepSummary): AlertMessage {
  const qualifiers =
    s.aliases === undefined
      ? ''
      : `; ${s.aliases} aliases compared, ${s.versionsRead ?? 0} versions read, ${s.qualifiersDrifted ?? 0} alias moves or activations found`;
  const counts = `${s.functions} functions (${s.seeded} baselines seeded, ${s.drifted} drifted, ${s.unchanged} unchanged)${qualifiers}`;
  const body = { kind: 'sweep-report', ...s };
  return {
    subject: `[INFO] layerwatch drift sweep reached all ${s.pairs} account/region pairs`.slice(0, 99),
    message: JSON.stringify({
      default: `layerwatch drift sweep of ${s.startedAt}: all ${s.pairs} pairs reached, ${counts}.`,
      email: `The drift sweep of ${s.startedAt} reached all ${s.pairs} account/region pairs: ${counts}.`,
      sqs: JSON.stringify(body),
      lambda: JSON.stringify(body),
    }),
    attributes: {
      severity: { DataType: 'String', StringValue: 'info' },
      detectionId: { DataType: 'String', StringValue: 'layerwatch-sweep-coverage' },
    },
  };
}
