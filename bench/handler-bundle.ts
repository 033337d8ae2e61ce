/**
 * The handler's bundle against its floor, per option set, built with the construct's own esbuild
 * definition (lib/constructs/runtime-bundling.ts): the same target, minification, fields, option
 * constants and aliases as the deployed function. The floor is every SDK client and command the
 * handler sends (lambda/runtime-calls.ts HANDLER_CALLS, the optional ones only when their option is
 * on), built once per cold start as the handler builds its clients, and nothing of ours.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyzeMetafile, type Metafile } from 'esbuild';
import type { RuntimeCall } from '../lambda/adapters/calls.js';
import { HANDLER_CALLS } from '../lambda/runtime-calls.js';
import { type BundleOptions, buildRuntime, PROJECT_ROOT } from '../lib/constructs/runtime-bundling.js';

export const OUT = 'bench/.out';

/** The default deployment, each option alone, and every option on. */
export const OPTION_SETS: Record<string, BundleOptions> = {
  default: { securityHub: false, findingEvents: false, organizationDiscovery: false },
  'Security Hub': { securityHub: true, findingEvents: false, organizationDiscovery: false },
  'finding events': { securityHub: false, findingEvents: true, organizationDiscovery: false },
  organization: { securityHub: false, findingEvents: false, organizationDiscovery: true },
  'every option': { securityHub: true, findingEvents: true, organizationDiscovery: true },
};

/** The SDK package and client of each service the handler calls; a service missing here stops the bench. */
const CLIENTS: Record<string, [pkg: string, client: string]> = {
  lambda: ['@aws-sdk/client-lambda', 'LambdaClient'],
  dynamodb: ['@aws-sdk/client-dynamodb', 'DynamoDBClient'],
  sns: ['@aws-sdk/client-sns', 'SNSClient'],
  sts: ['@aws-sdk/client-sts', 'STSClient'],
  securityhub: ['@aws-sdk/client-securityhub', 'SecurityHubClient'],
  events: ['@aws-sdk/client-eventbridge', 'EventBridgeClient'],
  organizations: ['@aws-sdk/client-organizations', 'OrganizationsClient'],
};

/**
 * The services whose clients the handler builds at its cold start (lambda/handler.ts, lambda/sinks.ts):
 * DynamoDB (idempotency, baselines) and the optional sinks' clients. It builds the others (Lambda per
 * account, STS, SNS) at the first event that calls them.
 */
export const BUILT_AT_IMPORT: ReadonlySet<string> = new Set([
  'dynamodb',
  'securityhub',
  'events',
  'organizations',
]);

/**
 * The floor's source: each client the option set's calls need, and each command, referenced. Every
 * client is built at import (AWS's advice for a handler: clients outside it), or, with `atImport`,
 * only those services' clients, the others by the first call, as the handler does.
 */
export function floorSource(
  calls: readonly RuntimeCall[],
  options: BundleOptions,
  atImport?: ReadonlySet<string>,
): string {
  const byPackage = new Map<string, { client: string; commands: Set<string>; now: boolean }>();
  for (const call of calls) {
    if (call.option && !options[call.option]) continue;
    const [service, action] = call.action.split(':') as [string, string];
    const known = CLIENTS[service];
    if (!known) throw new Error(`the floor knows no SDK client for ${call.action}: add it to CLIENTS`);
    const entry = byPackage.get(known[0]) ?? {
      client: known[1],
      commands: new Set<string>(),
      now: !atImport || atImport.has(service),
    };
    entry.commands.add(`${action}Command`);
    byPackage.set(known[0], entry);
  }
  const imports = [...byPackage].map(
    ([pkg, { client, commands }]) => `import { ${[client, ...commands].join(', ')} } from '${pkg}';`,
  );
  const entries = [...byPackage.values()];
  const now = entries.filter((e) => e.now).map((e) => `new ${e.client}({})`);
  const later = entries.filter((e) => !e.now).map((e) => `() => new ${e.client}({})`);
  const commands = entries.flatMap((e) => [...e.commands]);
  return [
    ...imports,
    `const clients = [${now.join(', ')}];`,
    `const atFirstCall = [${later.join(', ')}];`,
    `const commands = [${commands.join(', ')}];`,
    'export const handler = async (event) => ({ clients: clients.length + atFirstCall.length, commands: commands.length, event: typeof event });',
    '',
  ].join('\n');
}

export interface Built {
  file: string;
  bytes: number;
  metafile: Metafile;
}

/**
 * One runtime exactly as the construct builds it (runtime-bundling.ts `buildRuntime`): `index.mjs`
 * and its chunks in `outfile`'s directory. `bytes` counts every code file (not the maps): what the
 * deployed function holds.
 */
export async function bundle(entry: string, outfile: string, options: BundleOptions): Promise<Built> {
  const outdir = dirname(outfile);
  rmSync(outdir, { recursive: true, force: true });
  const metafile = buildRuntime(entry, options, outdir);
  const code = Object.entries(metafile.outputs).filter(([f]) => f.endsWith('.mjs'));
  if (!code.some(([f]) => f === outfile)) throw new Error(`esbuild wrote no ${outfile}`);
  return { file: outfile, bytes: code.reduce((sum, [, o]) => sum + o.bytes, 0), metafile };
}

export interface SetSizes {
  set: string;
  ours: Built;
  floor: Built;
  /** The same floor building at import only what the handler builds there (same bytes, less work). */
  floorLikeOurs: Built;
}

/** The handler and its floor for every option set, metafile breakdowns beside them in bench/.out. */
export async function bundleSizes(): Promise<SetSizes[]> {
  mkdirSync(OUT, { recursive: true });
  const sizes: SetSizes[] = [];
  for (const [set, options] of Object.entries(OPTION_SETS)) {
    const slug = set.replace(/\W+/g, '-');
    const floorEntry = `${OUT}/floor-${slug}.mjs`;
    writeFileSync(floorEntry, floorSource(HANDLER_CALLS, options));
    const likeEntry = `${OUT}/floor-like-${slug}.mjs`;
    writeFileSync(likeEntry, floorSource(HANDLER_CALLS, options, BUILT_AT_IMPORT));
    const ours = await bundle('lambda/handler.ts', `${OUT}/handler-${slug}/index.mjs`, options);
    const floor = await bundle(floorEntry, `${OUT}/floor-${slug}/index.mjs`, options);
    const floorLikeOurs = await bundle(likeEntry, `${OUT}/floor-like-${slug}/index.mjs`, options);
    writeFileSync(`${OUT}/handler-${slug}.analysis.txt`, await analyzeMetafile(ours.metafile));
    writeFileSync(`${OUT}/handler-${slug}.meta.json`, JSON.stringify(ours.metafile));
    sizes.push({ set, ours, floor, floorLikeOurs });
  }
  return sizes;
}

/** Bytes of a bundle's output by origin: our sources, each package, over the floor's. */
export function overFloor(ours: Metafile, floor: Metafile): [origin: string, bytes: number][] {
  const origin = (input: string) => {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    return pkg ? (pkg[1] as string) : (/^lambda\/(?:[^/]+\/)?/.exec(input)?.[0] ?? input);
  };
  const sum = (m: Metafile, sign: number, into: Map<string, number>) => {
    for (const out of Object.values(m.outputs))
      for (const [input, { bytesInOutput }] of Object.entries(out.inputs))
        into.set(origin(input), (into.get(origin(input)) ?? 0) + sign * bytesInOutput);
    return into;
  };
  const diff = sum(floor, -1, sum(ours, 1, new Map()));
  return [...diff].filter(([, b]) => Math.abs(b) >= 512).sort((a, b) => b[1] - a[1]);
}

export interface ColdImport {
  wallMs: number;
  cpuMs: number;
}

/**
 * Exactly the environment the handler requires at cold start (lambda/config.ts). The runtimes set
 * no NODE_OPTIONS (test/lib/layerwatch.test.ts), so none is set here either.
 */
const IMPORT_ENV = {
  ...process.env,
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:t',
  BASELINE_TABLE: 't',
  HOME_ACCOUNT: '111122223333',
  AWS_REGION: 'us-east-1',
  // The runtime is Node 24; under an older node the SDK warns at its first client, a cost that
  // falls on both sides alike and would flatter the ratio.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Median wall and CPU (user + system) time to import each file in a fresh process, the files
 * alternating run by run so that the machine's load falls on both alike.
 */
export function coldImports(files: string[], runs: number): ColdImport[] {
  const samples = files.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let i = 0; i < runs; i += 1) {
    files.forEach((file, f) => {
      const code = `const c=process.cpuUsage(),t=performance.now();await import(${JSON.stringify(`${PROJECT_ROOT}/${file}`)});const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([performance.now()-t,(u.user+u.system)/1000]))`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
        encoding: 'utf8',
        env: IMPORT_ENV,
      });
      if (r.status !== 0) throw new Error(r.stderr);
      const [wall, cpu] = JSON.parse(r.stdout) as [number, number];
      samples[f]?.wall.push(wall);
      samples[f]?.cpu.push(cpu);
    });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  return samples.map((s) => ({ wallMs: median(s.wall), cpuMs: median(s.cpu) }));
}

/**
 * Instructions to import each file in a fresh process, counted by callgrind (deterministic: one
 * thread, `--predictable`), less those of importing an empty module the same way; null when
 * valgrind is not installed. Wall and CPU time move with the machine and its load; this does not.
 */
export function importInstructions(files: string[]): number[] | null {
  if (spawnSync('valgrind', ['--version']).status !== 0) return null;
  const empty = `${PROJECT_ROOT}/${OUT}/empty.mjs`;
  writeFileSync(empty, 'export {};\n');
  const count = (file: string): number => {
    const r = spawnSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--callgrind-out-file=/dev/null',
        process.execPath,
        '--predictable',
        '--single-threaded',
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(file.startsWith('/') ? file : `${PROJECT_ROOT}/${file}`)})`,
      ],
      { encoding: 'utf8', env: IMPORT_ENV },
    );
    const collected = /Collected : (\d+)/.exec(r.stderr)?.[1];
    if (r.status !== 0 || !collected) throw new Error(`callgrind failed on ${file}: ${r.stderr.slice(-500)}`);
    return Number(collected);
  };
  const base = count(empty);
  return files.map((f) => count(f) - base);
}
