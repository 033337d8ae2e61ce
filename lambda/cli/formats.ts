/**
 * Output formats of `scan`. A new format is one file exporting an `OutputFormat` and one line in
 * `FORMATS`; `--format` and `--help` take their names and descriptions from here.
 */
import { asffFormat } from './format-asff.js';
import { jsonlFormat } from './format-jsonl.js';
import { ocsfFormat } from './format-ocsf.js';
import { tableFormat } from './format-table.js';
import type { OutputFormat } from './output-format.js';

export type { OutputFormat } from './output-format.js';

export const FORMATS: readonly OutputFormat[] = [jsonlFormat, tableFormat, ocsfFormat, asffFormat];

export function formatNamed(name: string): OutputFormat | undefined {
  return FORMATS.find((f) => f.name === name);
}
