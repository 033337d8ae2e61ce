import { JsonSplitter, type Piece } from '../../lambda/cli/json-splitter.js';

function split(chunks: string[], limit = 1 << 20) {
  const pieces: Pick<Piece, 'line' | 'doc' | 'wrapper' | 'index'>[] = [];
  const texts: string[] = [];
  const invalid: [number, string][] = [];
  const oversized: [string, number][] = [];
  const ambiguous: [number, string][] = [];
  const s = new JsonSplitter(
    {
      piece: (p) => {
        pieces.push({ line: p.line, doc: p.doc, wrapper: p.wrapper, index: p.index });
        texts.push(p.bytes.toString());
      },
      invalid: (line, message) => invalid.push([line, message]),
      oversized: (p, size) => oversized.push([`${p.wrapper}[${p.index}]`, size]),
      ambiguous: (line, names) => ambiguous.push([line, names.join(' ')]),
    },
    limit,
  );
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return { pieces, texts, invalid, oversized, ambiguous };
}

/** Every way of cutting the text in two chunks gives the same pieces. */
function everyCut(text: string, limit?: number) {
  const whole = split([text], limit);
  for (let i = 1; i < text.length; i += 1)
    expect(split([text.slice(0, i), text.slice(i)], limit)).toEqual(whole);
  return whole;
}

describe('JsonSplitter', () => {
  it('cuts the Records and Events arrays into elements, whatever the chunking', () => {
    const r = everyCut('{"Records": [{"a": "x\\"]}"}, {"b": [1, {"c": null}]}, 7], "other": {"Records": 1}}');
    expect(r.texts).toEqual(['{"a": "x\\"]}"}', '{"b": [1, {"c": null}]}', '7']);
    expect(r.pieces.map((p) => [p.wrapper, p.index])).toEqual([
      ['Records', 0],
      ['Records', 1],
      ['Records', 2],
    ]);
    expect(everyCut('{"NextToken":"t","Events":[{"CloudTrailEvent":"{}"}]}').texts).toEqual([
      '{"CloudTrailEvent":"{}"}',
    ]);
    expect(r.invalid).toEqual([]);
    const athena = everyCut(
      '{"ResultSet":{"Meta":[1],"Rows":[{"Data":[]},{"Data":[{"V":"x"}]}]},"Rows":[9]}',
    );
    expect(athena.texts).toEqual(['{"Data":[]}', '{"Data":[{"V":"x"}]}']);
    expect(athena.pieces.map((p) => p.wrapper)).toEqual(['ResultSet.Rows', 'ResultSet.Rows']);
  });

  it.each([
    // [input, pieces as wrapper[index]=text, what is reported]
    ['{"Records":[1],"Records":[2]}', ['Records[0]=1', 'Records[0]=2'], [[1, 'Records Records']]],
    ['{"Records":[1],"x":{"Records":[9]},"Records":5}', ['Records[0]=1'], [[1, 'Records Records']]],
    ['{"Records":5,"Records":[2]}', ['Records[0]=2'], [[1, 'Records Records']]],
    ['{"Rec\\u006frds":[1],"Records":[2]}', ['Records[0]=1', 'Records[0]=2'], [[1, 'Records Records']]],
    ['{"Records":[1],"Events":[2],"q":0}', ['Records[0]=1', 'Events[0]=2'], [[1, 'Records Events']]],
    [
      '\n{"Records":[1],"ResultSet":{"Rows":[2]}}',
      ['Records[0]=1', 'ResultSet.Rows[0]=2'],
      [[2, 'Records ResultSet ResultSet.Rows']],
    ],
    [
      '{"ResultSet":{"Rows":[1],"Rows":[2]},"Rows":[9]}',
      ['ResultSet.Rows[0]=1', 'ResultSet.Rows[0]=2'],
      [[1, 'ResultSet ResultSet.Rows ResultSet.Rows']],
    ],
    // One array each: nothing to report, other keys and nested names aside.
    ['{"a":{"Records":[9]},"Records":[1],"b":[{"Events":[8]}]}', ['Records[0]=1'], []],
    ['{"Records":[1]} {"Records":[2]}', ['Records[0]=1', 'Records[0]=2'], []],
    ['{"ResultSet":{"Rows":[1],"ResultSetMetadata":{"Rows":[7]}}}', ['ResultSet.Rows[0]=1'], []],
  ])('%s: every event array is read, more than one in a document reported', (text, pieces, reported) => {
    const r = everyCut(text);
    expect(r.pieces.map((p, i) => `${p.wrapper}[${p.index}]=${r.texts[i]}`)).toEqual(pieces);
    expect(r.ambiguous).toEqual(reported);
    expect(r.invalid).toEqual([]);
  });

  it('follows runs of backslashes before quotes, across chunk boundaries', () => {
    const records = [{ k: 'a\\' }, { k: '\\"' }, { k: '\\\\\\"\\' }, { k: '"' }];
    const r = everyCut(JSON.stringify({ Records: records }));
    expect(r.texts.map((t) => JSON.parse(t))).toEqual(records);
  });

  it('gives other documents whole: JSON Lines, concatenated documents, top-level arrays by element', () => {
    const r = everyCut('{"eventName":"A"}\n{"x":{"Records":[1]}}{"y":2} [{"e":1},{"e":2}]\n"s" 12\n');
    expect(r.texts).toEqual([
      '{"eventName":"A"}',
      '{"x":{"Records":[1]}}',
      '{"y":2}',
      '{"e":1}',
      '{"e":2}',
      '"s"',
      '12',
    ]);
    expect(r.pieces.map((p) => [p.line, p.doc, p.wrapper])).toEqual([
      [1, 0, null],
      [2, 1, null],
      [2, 2, null],
      [2, 3, ''],
      [2, 3, ''],
      [3, 4, null],
      [3, 5, null],
    ]);
  });

  it('reports a syntax error with its line and goes on at the next line', () => {
    const r = everyCut('{"a":1}\n{not json\n{"b":2}\n{"c": "open\n{"d":4}\n');
    expect(r.texts).toEqual(['{"a":1}', '{"b":2}', '{"d":4}']);
    expect(r.invalid[0]).toEqual([2, "not JSON: unexpected 'n' where a key should be"]);
    expect(r.invalid.at(-1)?.[1]).toMatch(/1 more line\(s\) after a syntax error/);
  });

  it('reports a truncated document after delivering the records before the cut', () => {
    const r = everyCut('{"Records":[{"a":1},{"b":');
    expect(r.texts).toEqual(['{"a":1}']);
    expect(r.invalid).toEqual([[1, expect.stringMatching(/unexpected end of input/)]]);
  });

  it('refuses nesting deeper than 512 levels, then reads the next line', () => {
    const r = split([`${'['.repeat(100_000)}\n{"ok":1}\n`]);
    expect(r.invalid[0]).toEqual([1, 'not JSON we read: nested deeper than 512 levels']);
    expect(r.texts).toEqual(['{"ok":1}']);
  });

  it('skips a piece over the limit, saying how big, and keeps the next', () => {
    const big = `{"p":"${'x'.repeat(100)}"}`;
    const r = everyCut(`{"Records":[{"a":1},${big},{"c":3}]}`, 50);
    expect(r.texts).toEqual(['{"a":1}', '{"c":3}']);
    expect(r.oversized.map(([where]) => where)).toEqual(['Records[1]']);
    expect(r.oversized[0]?.[1]).toBeGreaterThan(50);
  });
});
