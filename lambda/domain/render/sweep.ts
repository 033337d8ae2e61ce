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
}

export function renderSweepReport(s: SweepSummary): AlertMessage {
  if (s.unreachable.length === 0) return renderFullCoverage(s);
  const missed = s.unreachable.map((u) => `${u.account} / ${u.region}: ${safeText(cut(u.error, 300))}`);
  const subject =
    `[HIGH] layerwatch drift sweep could not reach ${s.unreachable.length} of ${s.pairs} account/region pairs`.slice(
      0,
      99,
    );
  const text = [
    `The drift sweep of ${s.startedAt} could not list the functions of ${s.unreachable.length} account/region pair(s).`,
    'Layer changes there that CloudTrail did not deliver would go unnoticed: check the read-only member role',
    '(deployed by the member stack or StackSet) and its trust policy.',
    '',
    ...missed.map((m) => `  - ${m}`),
    '',
    `Covered: ${s.reached} of ${s.pairs} pairs, ${s.functions} functions (${s.seeded} baselines seeded, ${s.drifted} drifted, ${s.unchanged} unchanged).`,
  ].join('\n');
  const chat = {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: `:warning: layerwatch sweep missed ${s.unreachable.length} account/region pair(s)`,
      description: [
        ...missed.map((m) => `- \`${m.replace(/`/g, "'")}\``),
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
      severity: { DataType: 'String', StringValue: 'high' },
      detectionId: { DataType: 'String', StringValue: 'layerwatch-sweep-coverage' },
    },
  };
}

/** A run that reached every pair: a short note, so that a missing report is itself noticed. */
function renderFullCoverage(s: SweepSummary): AlertMessage {
  const counts = `${s.functions} functions (${s.seeded} baselines seeded, ${s.drifted} drifted, ${s.unchanged} unchanged)`;
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
