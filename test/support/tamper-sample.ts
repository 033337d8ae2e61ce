/** README's sample of a detector-tampered alert (test/docs-tamper.test.ts keeps them equal). */
import { analyze } from '../../lambda/domain/engine.js';
import { emailText, subjectOf } from '../../lambda/domain/render/alert.js';
import { DEFAULT_SETTINGS } from '../../lambda/domain/settings.js';
import { eventOf } from './run.js';
import { tamperingCalls } from './tamper-records.js';

/** The sample: the detector's layer rule disabled by an IAM user, with a fixed event id. */
export function tamperSample(): string {
  const record = tamperingCalls().find((c) => c.label === 'DisableRule')?.record ?? {};
  const event = eventOf({ ...record, eventID: '00000000-0000-4000-8000-0000000000a1' });
  const finding = analyze(event, {
    baseline: null,
    live: { status: 'not-read' },
    settings: DEFAULT_SETTINGS,
  }).finding;
  if (!finding) throw new Error('the sample raised no finding');
  return `Subject: ${subjectOf(finding)}\n\n${emailText(finding)}`;
}
