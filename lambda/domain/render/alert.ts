/**
 * Renders a finding for people and machines: the SNS subject, and the SNS JSON message that
 * carries one body per protocol (chat.ts for chat, email.ts for email, the finding itself for
 * queues and functions). Every untrusted string is flattened to one line and, in chat, fenced in
 * inline code so it cannot format, link or mention.
 */
import type { Finding } from '../finding.js';
import { printableAscii, safeText, utf8Length } from '../text.js';
import { chatNotification } from './chat.js';
import { emailText } from './email.js';
import { shrink } from './shrink.js';

export { type ChatNotification, chatNotification } from './chat.js';
export { emailText } from './email.js';

/** SNS limit for a whole message (all protocol bodies of a JSON-structured message together). */
export const SNS_MAX_BYTES = 262_144;
/** Room kept for message attributes and the service's own accounting. */
const BUDGET_BYTES = SNS_MAX_BYTES - 6_144;
export const SUBJECT_MAX = 99;

/** A finding as it travels in alerts: possibly cut to fit, and then marked. */
export type RenderedFinding = Finding & { truncated?: true };

export interface AlertMessage {
  subject: string;
  /** The `Message` for SNS Publish with `MessageStructure=json`. */
  message: string;
  attributes: Record<string, { DataType: 'String' | 'Number'; StringValue: string }>;
}

export function subjectOf(finding: Finding): string {
  const text = printableAscii(safeText(`[${finding.severity.toUpperCase()}] ${finding.title}`));
  return text.length <= SUBJECT_MAX ? text : `${text.slice(0, SUBJECT_MAX - 3)}...`;
}

/** A string as a JSON string literal. */
const quoted = (value: string): string => JSON.stringify(value);

/**
 * The message with its bodies, as `JSON.stringify({ default, https, email, sqs, lambda })` gives
 * it, with each body serialized and quoted once and shared by the protocols that carry it.
 */
function compose(finding: RenderedFinding, max: number, json = quoted(JSON.stringify(finding))): string {
  const chat = quoted(JSON.stringify(chatNotification(finding, max)));
  return `{"default":${chat},"https":${chat},"email":${quoted(emailText(finding, max))},"sqs":${json},"lambda":${json}}`;
}

/** The message when it fits the budget, else null. */
function fitting(finding: RenderedFinding, max: number): string | null {
  const json = quoted(JSON.stringify(finding));
  // The finding alone, carried twice, already exceeds the budget: no need to render the rest.
  if (2 * json.length > BUDGET_BYTES) return null;
  const message = compose(finding, max, json);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most messages fit without counting.
  return message.length * 3 <= BUDGET_BYTES || utf8Length(message) <= BUDGET_BYTES ? message : null;
}

/** The limits of each cutting pass, from light to severe: characters per string, items per list. */
const PASSES = [
  [2048, 64],
  [512, 16],
  [128, 8],
  [48, 4],
] as const;

/**
 * Builds the SNS message. Long fields are cut, never the publish: the message is rendered with
 * smaller and smaller limits until it fits, and the finding it carries says `truncated: true`.
 */
export function renderAlert(finding: Finding): AlertMessage {
  const attributes: AlertMessage['attributes'] = {
    severity: { DataType: 'String', StringValue: finding.severity },
    detectionId: { DataType: 'String', StringValue: finding.detectionId },
    riskScore: { DataType: 'Number', StringValue: String(finding.riskScore) },
  };
  const subject = subjectOf(finding);
  // Most alerts fit as they are: render the finding itself first, and cut only when needed.
  const whole = fitting(finding, 512);
  if (whole !== null) return { subject, message: whole, attributes };
  for (const [chars, items] of PASSES) {
    const shrunk = shrink(finding, chars, items);
    const rendered: RenderedFinding = shrunk.cut ? { ...shrunk.value, truncated: true } : shrunk.value;
    const message = fitting(rendered, Math.min(chars, 512));
    if (message !== null) return { subject, message, attributes };
  }
  // Unreachable for any finding the core builds (every field is bounded); kept so a publish never fails on size.
  const minimal = { ...shrink(finding, 16, 2).value, truncated: true as const };
  return { subject, message: compose(minimal, 16), attributes };
}
