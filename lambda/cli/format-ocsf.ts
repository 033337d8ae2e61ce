/** `--format ocsf`: one OCSF 1.5.0 Detection Finding (class 2004) JSON per line, for Security Lake and SIEMs. */
import { renderOcsf } from '../domain/render/ocsf.js';
import type { OutputFormat } from './output-format.js';
import { safeJson } from './terminal-text.js';
import { VERSION } from './version.js';

export const ocsfFormat: OutputFormat = {
  name: 'ocsf',
  description: 'one OCSF 1.5.0 Detection Finding (class_uid 2004) JSON per line, for Security Lake and SIEMs',
  render: (findings) =>
    findings.map((f) => `${safeJson(renderOcsf(f, { productVersion: VERSION }))}\n`).join(''),
};
