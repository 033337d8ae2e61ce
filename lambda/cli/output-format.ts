/** What an output format of `scan` is (see the table in `formats.ts`). */
import type { Finding } from '../domain/finding.js';

export interface OutputFormat {
  name: string;
  /** One line for --help. */
  description: string;
  /** All the findings shown, as the text to write to stdout. */
  render(findings: readonly Finding[]): string;
}
