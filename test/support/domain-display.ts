/**
 * What "safe to show" means for rendered alerts, as checks the render tests share: no chat-active
 * syntax, no invisible or control characters, and in chat prose (outside inline code) no
 * formatting marks or bare links.
 */
import type { Finding } from '../../lambda/domain/finding.js';
import { chatNotification, emailText, renderAlert } from '../../lambda/domain/render/alert.js';

/** Slack's active syntax: special mentions, user, channel and link references, bare mention words. */
export const ACTIVE = /<[!@#]|<(?:https?|mailto|ftp):|@(?:here|channel|everyone)\b/i;
/** Format (Cf) characters, the U+2060-U+206F block, C0/C1 controls and line separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const INVISIBLE = /[\p{Cf}\u2060-\u206f\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
/** Formatting marks, Markdown link brackets and bare links, which are inert only inside inline code. */
const PROSE_ACTIVE = /[*_~`[\]]|:\/\/|\bwww\./i;

/** Chat text outside inline code, without the labels and emoji the renderer writes itself. */
export function chatProse(text: string): string {
  return text
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/\*[A-Z][A-Za-z ]*:\*/g, ' ')
    .replace(/\*\(public\)\*/g, ' ')
    .replace(/^:rotating_light: /, '');
}

/** Every human-readable field of an alert, by name: subject, email, chat, the finding's own prose. */
export function displayFields(finding: Finding): Record<string, string> {
  const alert = renderAlert(finding);
  const bodies = JSON.parse(alert.message) as Record<string, string>;
  const chat = chatNotification(finding);
  const sent = JSON.parse(bodies.sqs as string) as Finding;
  return {
    subject: alert.subject,
    email: emailText(finding),
    'email (sent)': bodies.email as string,
    'chat title': chat.content.title,
    'chat description': chat.content.description,
    'chat nextSteps': chat.content.nextSteps.join('\n'),
    'chat keywords': chat.content.keywords.join('\n'),
    'chat summary': chat.metadata.summary,
    'chat context': Object.values(chat.metadata.additionalContext).join('\n'),
    'chat (sent)': bodies.default as string,
    'finding title': sent.title,
    'finding reasons': sent.reasons.join('\n'),
    'finding gaps': sent.gaps.join('\n'),
    'finding nextSteps': sent.remediation.nextSteps.join('\n'),
  };
}

/** The fields of `displayFields` that break a rule, with the offending text. */
export function unsafeFields(finding: Finding): string[] {
  const bad: string[] = [];
  const fields = displayFields(finding);
  for (const [name, text] of Object.entries(fields)) {
    // Whole messages are JSON: their escapes (\n, \u...) are checked on the parsed fields instead.
    const lines = name.endsWith('(sent)') ? [text] : text.split('\n');
    for (const l of lines) {
      if (ACTIVE.test(l)) bad.push(`${name}: active syntax in ${JSON.stringify(l)}`);
      if (!name.endsWith('(sent)') && INVISIBLE.test(l))
        bad.push(`${name}: invisible in ${JSON.stringify(l)}`);
    }
  }
  const chat = chatNotification(finding);
  const prose = [
    chat.content.title,
    chat.metadata.summary,
    ...chat.content.description.split('\n'),
    ...chat.content.nextSteps,
  ];
  for (const p of prose)
    if (PROSE_ACTIVE.test(chatProse(p))) bad.push(`chat prose: marks or link in ${JSON.stringify(p)}`);
  return bad;
}
