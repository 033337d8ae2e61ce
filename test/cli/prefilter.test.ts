/**
 * The byte pre-filter: false must be certain, so every way a parse can read a watched event name
 * must answer true; a file of other calls answers false.
 */
import { mayHoldCandidate, recordMayBeCandidate } from '../../lambda/cli/prefilter.js';

const inString = (record: string) => JSON.stringify({ CloudTrailEvent: record });

describe('mayHoldCandidate', () => {
  it.each([
    ['a compact record', '{"eventName":"UpdateFunctionConfiguration20150331v2"}', true],
    ['a value aligned far to the right', `{"eventName"${' '.repeat(40)}:   "PutRolePolicy"}`, true],
    ['CRLF and tabs around the colon', '{"eventName"\r\n\t:\r\n "DeleteTrail"}', true],
    ['escaped JSON inside a string', inString('{"eventName":"StopLogging"}'), true],
    [
      'escaped blanks inside a string',
      inString('{"eventName"\r\n\t:\r\n "UpdateFunctionCode20150331v2"}'),
      true,
    ],
    ['a name spelled with a `\\u` escape', '{"eventName":"\\u0055pdateFunctionConfiguration"}', true],
    ['the key spelled with a `\\u` escape', '{"event\\u004Eame":"StopLogging"}', true],
    ['a `\\u` escape inside a string', inString('{"eventName":"\\u0044eleteTrail"}'), true],
    ['another call', '{"eventName":"GetObject","note":"UpdateFunctionConfiguration"}', false],
    ['another call with an escaped sign', '{"eventName":"GetObject","q":"a\\u003db"}', false],
    ['another call with escaped blanks', inString('{"eventName"\r\n:\t"runInstances"}'), false],
  ])('%s', (_label, text, expected) => {
    expect(mayHoldCandidate(Buffer.from(text))).toBe(expected);
  });
});

describe('recordMayBeCandidate', () => {
  it.each([
    ['a `\\u` escape', '{"event\\u004eame":"\\u0055pdateFunctionConfiguration"}', true],
    ['a `\\u` escape inside a string', inString('{"event\\u004eame":"DeleteTrail"}'), true],
    ['another call', '{"eventName":"GetObject"}', false],
  ])('%s', (_label, text, expected) => {
    expect(recordMayBeCandidate(Buffer.from(text))).toBe(expected);
  });
});
