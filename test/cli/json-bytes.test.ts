import { mayNameEventsTwice } from '../../lambda/cli/json-bytes.js';

/** The check a whole parse makes before trusting `JSON.parse`'s one value for a repeated key. */
describe('mayNameEventsTwice', () => {
  const judged = (text: string) => mayNameEventsTwice(Buffer.from(text), JSON.parse(text));

  it.each([
    ['one Records array', '{"Records":[{"eventName":"x"}]}', false],
    ['Records written twice', '{"Records":[],"Records":[]}', true],
    ['Records and Events', '{"Records":[],"Events":[]}', true],
    ['ResultSet with Rows twice', '{"ResultSet":{"Rows":[],"Rows":[]}}', true],
    ['the second Records spelt with escapes', '{"Records":[],"Rec\\u006frds":[]}', true],
    ['an escaped string that is not a name', '{"Records":[],"x":"caf\\u00e9"}', false],
    ['no event array', '{"x":1}', false],
  ])('%s', (_, text, expected) => {
    expect(judged(text)).toBe(expected);
  });

  it('finds an escaped name after a long run of escapes, and none in a run of other escapes', () => {
    const run = '\\u0041'.repeat(20_000);
    expect(judged(`{"Records":[],"x":"${run}","Rec\\u006frds":[]}`)).toBe(true);
    expect(judged(`{"Records":[],"x":"${run}"}`)).toBe(false);
  });
});
