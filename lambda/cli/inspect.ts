/**
 * `layerwatch inspect [--format jsonl|table] [--attached] INPUT...` - what a layer will run, read
 * offline from its zip, and what a function configuration's variables make the runtime run.
 * Exit codes: 0 every input was inspected (gaps are reported in it); 2 usage error or an unreadable input.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { inspectSource } from '../adapters/layer-archive-reader.js';
import { BudgetMeter, FileSource } from '../adapters/layer-archive-source.js';
import {
  inspectConfiguration,
  parseFunctionConfiguration,
} from '../domain/inspection/function-configuration.js';
import { layerOverlap } from '../domain/inspection/layer-overlap.js';
import type { ArchiveEntry } from '../domain/inspection/model.js';
import { isSeverity, SEVERITIES, type Severity } from '../domain/severity.js';
import { cut, oneLine } from '../domain/text.js';
import {
  type AwsInspectDeps,
  classifyAwsInput,
  defaultAwsDeps,
  InspectInputError,
  type InspectReport,
  inspectAwsInput,
} from './inspect-aws.js';

import { safeJson, terminalText } from './terminal-text.js';

export type { InspectReport } from './inspect-aws.js';

export interface InspectIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

export const INSPECT_SYNOPSIS =
  'layerwatch inspect [--format jsonl|table] [--attached] [--fail-on SEVERITY] [--region REGION] INPUT...';

const USAGE = `Usage: ${INSPECT_SYNOPSIS}

Says what a Lambda layer will run, without extracting it: external extensions, Python and Ruby
start-up hooks, copies of the AWS SDK, a custom runtime bootstrap, exec wrapper scripts, native
code, and unsafe archives (paths outside /opt, decompression bombs). Only the archive's directory
and the first bytes of a few files are read.

INPUT is, in this order:
  a local file     a layer zip, or a function configuration JSON as printed by
                   \`aws lambda get-function-configuration\` (or get-function): its environment
                   variables are checked for ones that make the runtime run extra code
                   (AWS_LAMBDA_EXEC_WRAPPER, NODE_OPTIONS --require, JAVA_TOOL_OPTIONS -javaagent,
                   LD_PRELOAD, ...); its layers are listed, not fetched
  a layer version  arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION, read with your AWS
  ARN              credentials: GetLayerVersion, then HTTP range reads of its archive (sha256 and
                   codeSha256 are the layer's CodeSha256, in hex and in base64)
  a function       its ARN, or its name (in --region): GetFunctionConfiguration, its variables as
                   above, each attached layer read as above, and which layer shadows which;
                   NAME:QUALIFIER (or an ARN with one) reads that version, or that alias's version
                   and each version it sends a weighted share of its traffic to (GetAlias)
AWS inputs use the SDK's default credentials (environment, AWS_PROFILE, SSO, instance role) and
need lambda:GetFunctionConfiguration and lambda:GetLayerVersion (lambda:GetAlias for an alias).

Options:
  --format jsonl|table   jsonl: one report JSON per input on stdout; table: for people
                         (default: table on a terminal, jsonl otherwise)
  --attached             the layer inputs are one function's layers, in its order: also report
                         which files a later layer replaces in /opt (layer-overlap)
  --fail-on SEVERITY     exit 1 when a signal at or above SEVERITY (informational, low,
                         medium, high, critical) is reported: a gate for CI
  --region REGION        where function names are looked up (default: AWS_REGION, or the
                         profile's); ARNs carry their own region
  -h, --help             this text

Exit codes: 0 every input inspected (and, with --fail-on, no signal at or above it), 1 a signal
at or above --fail-on, 2 usage error or an unreadable input (missing file, no credentials, access
denied, not found, throttled, an archive that could not be fetched). Try it on the example layers:
\`layerwatch inspect --format table examples/layers/*.zip\` in a clone of the repository.
`;

/** Layer zips are at most 50 MB uploaded directly, 250 MB unzipped: a larger file is not hashed. */
const MAX_HASHED_BYTES = 512 * 1024 * 1024;
const MAX_JSON_BYTES = 16 * 1024 * 1024;
const LOCAL_BUDGET = { maxBytes: 256 * 1024 * 1024, timeoutMs: 60_000 };

async function hashFile(
  path: string,
  size: number,
): Promise<{ sha256: string | null; codeSha256: string | null }> {
  if (size > MAX_HASHED_BYTES) return { sha256: null, codeSha256: null };
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const digest = hash.digest();
  return { sha256: digest.toString('hex'), codeSha256: digest.toString('base64') };
}

async function inspectZip(
  path: string,
  size: number,
): Promise<{ report: InspectReport; entries: ArchiveEntry[] }> {
  const handle = await open(path, 'r');
  try {
    const source = new FileSource(handle, size, new BudgetMeter(LOCAL_BUDGET));
    const result = await inspectSource(source, { publisher: null });
    if (result.error)
      throw new InspectInputError(
        `not a readable zip archive: ${result.error.name}: ${result.error.message}`,
      );
    const digest = await hashFile(path, size);
    const gaps = [...result.report.gaps];
    if (digest.sha256 === null)
      gaps.push({ reason: `not hashed: over ${MAX_HASHED_BYTES} bytes, larger than any layer` });
    return {
      report: { source: path, kind: 'layer', ...digest, ...result.report, gaps },
      entries: result.entries,
    };
  } finally {
    await handle.close();
  }
}

function inspectFunction(path: string, text: string): InspectReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse quotes the input in its message: the file's bytes are never echoed.
    throw new InspectInputError('not a zip archive, and not JSON');
  }
  let config: ReturnType<typeof parseFunctionConfiguration>;
  try {
    config = parseFunctionConfiguration(doc);
  } catch (error) {
    throw new InspectInputError(`not a function configuration: ${(error as Error).message}`);
  }
  const { signals, gaps } = inspectConfiguration(config);
  return {
    source: path,
    kind: 'function',
    sha256: null,
    codeSha256: null,
    files: null,
    uncompressedBytes: null,
    functionName: config.functionName,
    runtime: config.runtime,
    layers: config.layers,
    signals,
    gaps,
  };
}

const ZIP_MAGIC = [Buffer.from('PK\x03\x04'), Buffer.from('PK\x05\x06'), Buffer.from('PK\x07\x08')];

interface Inspection {
  report: InspectReport;
  entries: ArchiveEntry[] | null;
  /** What could not be read (stderr lines; exit 2), for an input that is still reported. */
  problems: string[];
}

/** An existing local path wins; otherwise a layer version ARN or a function, read from AWS. */
async function inspectInput(path: string, aws: () => AwsInspectDeps): Promise<Inspection> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
    throw new InspectInputError(`cannot read it (${error.code ?? error.message})`);
  });
  if (info === null) return inspectAwsInput(path, classifyAwsInput(path), aws());
  if (!info.isFile()) throw new InspectInputError('not a file');
  const handle = await open(path, 'r');
  const head = Buffer.alloc(4);
  try {
    await handle.read(head, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (ZIP_MAGIC.some((m) => head.equals(m))) return { ...(await inspectZip(path, info.size)), problems: [] };
  if (info.size > MAX_JSON_BYTES)
    throw new InspectInputError(`not a zip archive, and too large for a configuration`);
  return { report: inspectFunction(path, await readFile(path, 'utf8')), entries: null, problems: [] };
}

/** What a qualifier runs: `, runs version 2 (90 %), version 3 (10 %)`. */
function versionsText(report: InspectReport): string {
  if (!report.versions) return '';
  const each = report.versions.map((v) => `version ${v.version} (${Math.round(v.share * 1000) / 10} %)`);
  return `, runs ${each.join(', ')}`;
}

function table(report: InspectReport): string {
  const size =
    report.kind === 'layer'
      ? `${report.files} files, ${report.uncompressedBytes} bytes unzipped, sha256 ${report.sha256 ?? '-'}`
      : report.kind === 'function'
        ? `function ${report.functionName ?? '-'}${report.qualifier ? `:${report.qualifier}` : ''} (${report.runtime ?? '-'}), ${report.layers?.length ?? 0} layer(s)${versionsText(report)}`
        : `${report.layers?.length ?? 0} layers in order`;
  const lines = [`${report.kind} ${report.source}: ${size}`];
  // In a function's report, a file is shown with its layer (NAME:VERSION).
  // A hook resolved into a layer shows both ends: VARIABLE -> NAME:VERSION path.
  const where = (s: InspectReport['signals'][number]) => {
    const file =
      s.path && s.layer && report.kind === 'function'
        ? `${s.layer.split(':').slice(-2).join(':')} ${s.path}`
        : (s.path ?? null);
    if (s.variable && file) return `${s.variable} -> ${file}`;
    return file ?? s.variable ?? '-';
  };
  const rows = report.signals.map((s) => [s.severity, s.id, where(s), s.reason]);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => Math.min(60, (r[i] as string).length))));
  for (const row of rows)
    lines.push(
      `  ${row
        .map((c, i) => (i < 3 ? cut(oneLine(c), 60).padEnd(widths[i] as number) : oneLine(c)))
        .join('  ')}`,
    );
  if (rows.length === 0) lines.push('  (no signals)');
  for (const gap of report.gaps)
    lines.push(`  not inspected: ${gap.path ? `${gap.path}: ` : ''}${gap.reason}`);
  // Names, paths and reasons come from the input: nothing of it may drive the terminal.
  return `${lines.map(terminalText).join('\n')}\n`;
}

interface Options {
  /** null: table on a terminal, jsonl otherwise. */
  format: 'jsonl' | 'table' | null;
  attached: boolean;
  /** --fail-on: exit 1 when a signal at or above it is reported. */
  failOn: Severity | null;
  inputs: string[];
  /** --region: where function names are looked up (ARNs carry their own). */
  region: string | null;
}

function parse(args: readonly string[]): Options | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      attached: { type: 'boolean' },
      'fail-on': { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (values.format !== undefined && values.format !== 'jsonl' && values.format !== 'table')
    throw new InspectInputError(`--format: "${values.format}" is not jsonl or table`);
  if (positionals.length === 0) throw new InspectInputError('no INPUT given');
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(values.region))
    throw new InspectInputError(`--region: "${values.region}" is not a region name`);
  return {
    format: values.format ?? null,
    attached: values.attached ?? false,
    failOn: failOnOf(values['fail-on']),
    inputs: positionals,
    region: values.region ?? null,
  };
}

function failOnOf(value: string | undefined): Severity | null {
  if (value === undefined) return null;
  if (!isSeverity(value))
    throw new InspectInputError(`--fail-on: "${value}" is not one of ${SEVERITIES.join(', ')}`);
  return value;
}

export function inspectHelp(): string {
  return USAGE;
}

export interface InspectDeps {
  /** Read for AWS_REGION / AWS_DEFAULT_REGION. @default process.env */
  env?: Record<string, string | undefined>;
  /** How AWS inputs are read, built on first use. @default defaultAwsDeps (the SDK's default chain) */
  aws?: (region: string | null) => AwsInspectDeps;
}

export async function runInspect(
  args: readonly string[],
  io: InspectIo,
  deps: InspectDeps = {},
): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args);
  } catch (error) {
    io.stderr.write(`${terminalText(`layerwatch inspect: ${(error as Error).message}`)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  const format = options.format ?? (io.stdout.isTTY ? 'table' : 'jsonl');
  let failed = false;
  const print = (report: InspectReport) => {
    if (options.failOn && report.signals.some((s) => atLeast(s.severity, options.failOn as Severity)))
      failed = true;
    io.stdout.write(format === 'jsonl' ? `${safeJson(report)}\n` : table(report));
  };
  const warn = (input: string, message: string) =>
    io.stderr.write(`${terminalText(`layerwatch inspect: ${input}: ${message}`)}\n`);
  const env = deps.env ?? process.env;
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? null;
  let aws: AwsInspectDeps | null = null;
  const awsDeps = () => {
    aws ??= (deps.aws ?? defaultAwsDeps)(region);
    return aws;
  };
  let code = 0;
  const attached: { name: string; entries: ArchiveEntry[] }[] = [];
  for (const input of options.inputs) {
    try {
      const { report, entries, problems } = await inspectInput(input, awsDeps);
      print(report);
      for (const problem of problems) warn(input, problem);
      if (problems.length > 0) code = 2;
      if (entries) attached.push({ name: input, entries });
    } catch (error) {
      const message =
        error instanceof InspectInputError
          ? error.message
          : `${(error as Error).name}: ${(error as Error).message}`;
      warn(input, message);
      code = 2;
    }
  }
  if (options.attached && attached.length > 1)
    print({
      source: 'attached layers',
      kind: 'attached-layers',
      sha256: null,
      codeSha256: null,
      files: null,
      uncompressedBytes: null,
      layers: attached.map((l) => l.name),
      signals: layerOverlap(attached),
      gaps: [],
    });
  return code === 0 && failed ? 1 : code;
}

function atLeast(severity: Severity, floor: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(floor);
}
