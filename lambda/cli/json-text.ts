/**
 * Whether a short text (an input's first line, at most HEADER_WINDOW bytes) is JSON text as `jq`
 * reads it: one JSON value or several, concatenated with or without blanks between them.
 */
import { JsonSplitter } from './json-splitter.js';

function parses(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/**
 * True when `text` holds one or more JSON values and nothing else but blanks between them. Cut by
 * the splitter that reads the input (so concatenated documents are told apart the same way), every
 * piece checked with `JSON.parse`.
 */
export function readsAsJsonText(text: string): boolean {
  const bytes = Buffer.from(text, 'utf8');
  let ok = true;
  let pieces = 0;
  const splitter = new JsonSplitter(
    {
      piece: (p) => {
        pieces += 1;
        if (ok && !parses(p.bytes)) ok = false;
      },
      invalid: () => {
        ok = false;
      },
      oversized: () => {
        ok = false;
      },
      ambiguous: () => {},
    },
    bytes.length + 1,
  );
  splitter.push(bytes);
  splitter.end();
  return ok && pieces > 0;
}
