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
import type { ArchiveEntry, InspectionGap, InspectionSignal } from '../domain/inspection/model.js';
import { cut, oneLine } from '../domain/text.js';

export interface InspectIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

export const INSPECT_SYNOPSIS = 'layerwatch inspect [--format jsonl|table] [--attached] INPUT...';

const USAGE = `Usage: ${INSPECT_SYNOPSIS}

Says what a Lambda layer will run, without extracting it: external extensions, Python and Ruby
start-up hooks, copies of the AWS SDK, a custom runtime bootstrap, exec wrapper scripts, native
code, and unsafe archives (paths outside /opt, decompression bombs). Only the archive's directory
and the first bytes of a few files are read.

INPUT is a layer zip file, or a function configuration JSON as printed by
\`aws lambda get-function-configuration\` (or get-function): its environment variables are
checked for ones that make the runtime run extra code (AWS_LAMBDA_EXEC_WRAPPER, NODE_OPTIONS
--require, JAVA_TOOL_OPTIONS -javaagent, LD_PRELOAD, ...). Its layers are listed, not fetched:
inspect their zips (the Content.Location of aws lambda get-layer-version-by-arn) as INPUTs.

Options:
  --format jsonl|table   jsonl: one report JSON per input on stdout; table: for people
                         (default: table on a terminal, jsonl otherwise)
  --attached             the layer zips are one function's layers, in its order: also report
                         which files a later layer replaces in /opt (layer-overlap)
  -h, --help             this text

Exit codes: 0 every input inspected, 2 usage error or an unreadable input.
`;

/** Layer zips are at most 50 MB uploaded directly, 250 MB unzipped: a larger file is not hashed. */
const MAX_HASHED_BYTES = 512 * 1024 * 1024;
const MAX_JSON_BYTES = 16 * 1024 * 1024;
const LOCAL_BUDGET = { maxBytes: 256 * 1024 * 1024, timeoutMs: 60_000 };

export interface InspectReport {
  source: string;
  kind: 'layer' | 'function' | 'attached-layers';
  /** Hex SHA-256 of the zip; CodeSha256 is the same digest in base64. */
  sha256: string | null;
  codeSha256: string | null;
  files: number | null;
  uncompressedBytes: number | null;
  functionName?: string | null;
  runtime?: string | null;
  layers?: string[];
  signals: InspectionSignal[];
  gaps: InspectionGap[];
}

class InputError extends Error {}

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
      throw new InputError(`not a readable zip archive: ${result.error.name}: ${result.error.message}`);
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
  } catch (error) {
    throw new InputError(`not a zip archive, and not JSON: ${(error as Error).message}`);
  }
  let config: ReturnType<typeof parseFunctionConfiguration>;
  try {
    config = parseFunctionConfiguration(doc);
  } catch (error) {
    throw new InputError(`not a function configuration: ${(error as Error).message}`);
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

async function inspectInput(
  path: string,
): Promise<{ report: InspectReport; entries: ArchiveEntry[] | null }> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(
      error.code === 'ENOENT' ? 'no such file' : `cannot read it (${error.code ?? error.message})`,
    );
  });
  if (!info.isFile()) throw new InputError('not a file');
  const handle = await open(path, 'r');
  const head = Buffer.alloc(4);
  try {
    await handle.read(head, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (ZIP_MAGIC.some((m) => head.equals(m))) return inspectZip(path, info.size);
  if (info.size > MAX_JSON_BYTES)
    throw new InputError(`not a zip archive, and too large for a configuration`);
  return { report: inspectFunction(path, await readFile(path, 'utf8')), entries: null };
}

function table(report: InspectReport): string {
  const size =
    report.kind === 'layer'
      ? `${report.files} files, ${report.uncompressedBytes} bytes unzipped, sha256 ${report.sha256 ?? '-'}`
      : report.kind === 'function'
        ? `function ${report.functionName ?? '-'} (${report.runtime ?? '-'}), ${report.layers?.length ?? 0} layer(s)`
        : `${report.layers?.length ?? 0} layers in order`;
  const lines = [`${report.kind} ${report.source}: ${size}`];
  const rows = report.signals.map((s) => [s.severity, s.id, s.path ?? s.variable ?? '-', s.reason]);
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
  return `${lines.join('\n')}\n`;
}

interface Options {
  /** null: table on a terminal, jsonl otherwise. */
  format: 'jsonl' | 'table' | null;
  attached: boolean;
  inputs: string[];
}

function parse(args: readonly string[]): Options | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      attached: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (values.format !== undefined && values.format !== 'jsonl' && values.format !== 'table')
    throw new InputError(`--format: "${values.format}" is not jsonl or table`);
  if (positionals.length === 0) throw new InputError('no INPUT given');
  return { format: values.format ?? null, attached: values.attached ?? false, inputs: positionals };
}

export function inspectHelp(): string {
  return USAGE;
}

export async function runInspect(args: readonly string[], io: InspectIo): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args);
  } catch (error) {
    io.stderr.write(`layerwatch inspect: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  const format = options.format ?? (io.stdout.isTTY ? 'table' : 'jsonl');
  const print = (report: InspectReport) =>
    io.stdout.write(format === 'jsonl' ? `${JSON.stringify(report)}\n` : table(report));
  let code = 0;
  const attached: { name: string; entries: ArchiveEntry[] }[] = [];
  for (const input of options.inputs) {
    try {
      const { report, entries } = await inspectInput(input);
      print(report);
      if (report.gaps.some((g) => g.reason.startsWith('unsafe archive')))
        io.stderr.write(`layerwatch inspect: ${input}: unsafe archive, its content was not read\n`);
      if (entries) attached.push({ name: input, entries });
    } catch (error) {
      const message =
        error instanceof InputError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
      io.stderr.write(`layerwatch inspect: ${input}: ${message}\n`);
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
  return code;
}
