/**
 * Output formats of `scan`. A new format is one file exporting an `OutputFormat` and one line in
 * `FORMATS`; `--format` and `--help` take their names and descriptions from here.
 */
import type { Finding } from '../domain/finding.js';
import { jsonlFormat } from './format-jsonl.js';
import { tableFormat } from './format-table.js';

export interface OutputFormat {
  name: string;
  /** One line for --help. */
  description: string;
  /** All the findings shown, as the text to write to stdout. */
  render(findings: readonly Finding[]): string;
}

export const FORMATS: readonly OutputFormat[] = [jsonlFormat, tableFormat];

export function formatNamed(name: string): OutputFormat | undefined {
  return FORMATS.find((f) => f.name === name);
}
