/** `--format jsonl`: one finding JSON per line and nothing else; values exact, unsafe characters escaped. */
import type { OutputFormat } from './output-format.js';
import { safeJson } from './terminal-text.js';

export const jsonlFormat: OutputFormat = {
  name: 'jsonl',
  description:
    'one finding JSON per line on stdout (for machines; the default when stdout is not a terminal)',
  render: (findings) => findings.map((f) => `${safeJson(f)}\n`).join(''),
};
