/**
 * `--format asff`: one AWS Security Finding Format (2018-10-08) JSON per line, under the default
 * product of the account each event happened in, ready for `aws securityhub batch-import-findings`.
 */
import { renderAsff } from '../domain/render/asff.js';
import type { OutputFormat } from './output-format.js';
import { safeJson } from './terminal-text.js';
import { VERSION } from './version.js';

export const asffFormat: OutputFormat = {
  name: 'asff',
  description: 'one ASFF (Security Hub, 2018-10-08) finding JSON per line, for batch-import-findings',
  render: (findings) => {
    const updatedAt = new Date().toISOString();
    return findings
      .map((f) => `${safeJson(renderAsff(f, { productVersion: VERSION, updatedAt }))}\n`)
      .join('');
  },
};
