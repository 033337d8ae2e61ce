/** `layerwatch revert`'s options, checked before any AWS call. */
import { parseFunctionArn } from '../domain/arn.js';
import { UsageError } from './command.js';
import { integerOption, timeOption } from './option-values.js';

export const REVERT_SYNOPSIS =
  'layerwatch revert FINDING... | --function ARN --layer ARN... | --plan FILE | --restore FILE [--apply] [--throttle]';

export const REVERT_USAGE = `usage: layerwatch revert FINDING... [--qualifier Q] [--throttle] [--out PLAN] [--apply]
       layerwatch revert --function ARN --layer LAYER_VERSION_ARN... [--since TIME] [...]
       layerwatch revert --function ARN --state-table NAME --since TIME [...]
       layerwatch revert --plan PLAN --apply
       layerwatch revert --restore FILE [--force]

Undoes a layer change with your own AWS credentials. By default it prints a plan and changes
nothing: per qualifier that runs the layers ($LATEST, each alias, each published version), what it
runs now, its RevisionId, and what it will run ($LATEST: its layers without them; an alias: the last
published version without them, keeping the clean part of its weights); a published version cannot
be changed (immutable) and is named with what its owners can do.
  FINDING            a finding as JSON (a file, JSON Lines or a JSON array of findings, - for stdin)
  --function ARN     a function instead of a finding, with --layer (repeatable) the versions to take off
  --qualifier Q      only $LATEST or only this alias
  --throttle         also set reserved concurrency 0: no invocation runs until it is restored
  --out PLAN         write the plan as JSON, to apply later with --plan PLAN --apply
  --apply            carry the plan out: the function is read again, and the run is refused, naming
                     what changed, when anything differs from the plan; each write names the
                     RevisionId it was planned from; a write that fails undoes the ones before it
  --restore-file F   where --apply writes the previous state first (default
                     layerwatch-restore-TIME.json in the current directory); its path is printed
  --restore FILE     put back what a revert changed, if nothing changed since (else refused, named)
  --force            change a function a CloudFormation stack manages through the Lambda API (else
                     the plan is the stack's drift revert); restore over changes made since
  --max-functions N  refuse a run that would change more than N functions (default 5)
  --stack NAME       the layerwatch stack whose functions are never changed (default LayerWatch)
  --since TIME       with --function: when the layers were attached
  --state-table NAME with --function and --since, without --layer: the layers to take off are those
                     the deployment's baselines show added since TIME (DynamoDB GetItem; the table
                     in AWS_REGION), and $LATEST goes back to the layers in force before it
Exit: 0 planned, applied or restored; 1 refused (changed since the plan, a guard, the cap), nothing
changed; 2 a usage error, or a function or file that could not be read, or a write that failed
(what was undone is said).`;

export interface RevertArgs {
  findings: string[];
  functionArn: string | null;
  layers: string[];
  since: string | null;
  qualifier: string | null;
  throttle: boolean;
  out: string | null;
  apply: boolean;
  plan: string | null;
  restore: string | null;
  restoreFile: string | null;
  force: boolean;
  maxFunctions: number;
  stack: string;
  stateTable: string | null;
}

const FLAGS = new Set(['--throttle', '--apply', '--force']);

function flag(args: RevertArgs, a: string): void {
  if (a === '--throttle') args.throttle = true;
  else if (a === '--apply') args.apply = true;
  else args.force = true;
}

function option(args: RevertArgs, a: string, v: string): void {
  switch (a) {
    case '--function':
      args.functionArn = v;
      return;
    case '--layer':
      args.layers.push(v);
      return;
    case '--since':
      timeOption('since', v);
      args.since = new Date(Date.parse(v)).toISOString();
      return;
    case '--qualifier':
      if (!/^(\$LATEST|[A-Za-z0-9_-]{1,128})$/.test(v))
        throw new UsageError(`--qualifier: "${v}" is not a qualifier`);
      args.qualifier = v;
      return;
    case '--max-functions':
      args.maxFunctions = integerOption('max-functions', v, 1, 100) ?? 5;
      return;
    case '--stack':
      if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(v))
        throw new UsageError(`--stack: "${v}" is not a stack name`);
      args.stack = v;
      return;
    case '--out':
      args.out = v;
      return;
    case '--state-table':
      if (!/^[A-Za-z0-9_.-]{3,255}$/.test(v))
        throw new UsageError(`--state-table: "${v}" is not a table name`);
      args.stateTable = v;
      return;
    case '--plan':
      args.plan = v;
      return;
    case '--restore':
      args.restore = v;
      return;
    default:
      args.restoreFile = v;
  }
}

const VALUED = new Set([
  '--function',
  '--layer',
  '--since',
  '--qualifier',
  '--max-functions',
  '--stack',
  '--out',
  '--plan',
  '--restore',
  '--restore-file',
  '--state-table',
]);

export function parseRevertArgs(argv: readonly string[]): RevertArgs | 'help' {
  const args: RevertArgs = {
    findings: [],
    functionArn: null,
    layers: [],
    since: null,
    qualifier: null,
    throttle: false,
    out: null,
    apply: false,
    plan: null,
    restore: null,
    restoreFile: null,
    force: false,
    maxFunctions: 5,
    stack: 'LayerWatch',
    stateTable: null,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (a === '-h' || a === '--help') return 'help';
    if (FLAGS.has(a)) flag(args, a);
    else if (VALUED.has(a)) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      option(args, a, v);
      i += 1;
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else args.findings.push(a);
  }
  return checked(args);
}

function checked(args: RevertArgs): RevertArgs {
  const sources = [
    args.findings.length > 0,
    args.functionArn !== null,
    args.plan !== null,
    args.restore !== null,
  ];
  if (sources.filter(Boolean).length !== 1)
    throw new UsageError('give one of: FINDING..., --function ARN, --plan FILE, --restore FILE');
  if (args.layers.length > 0 && args.functionArn === null)
    throw new UsageError('--layer goes with --function');
  // A qualified function ARN names the qualifier to revert, as --qualifier does.
  const qualifier =
    args.functionArn === null ? null : (parseFunctionArn(args.functionArn)?.qualifier ?? null);
  if (qualifier !== null && args.qualifier !== null && qualifier !== args.qualifier)
    throw new UsageError(`--function names qualifier ${qualifier}, --qualifier ${args.qualifier}: give one`);
  if (qualifier !== null) args.qualifier = qualifier;
  if (
    args.stateTable !== null &&
    (args.functionArn === null || args.since === null || args.layers.length > 0)
  )
    throw new UsageError('--state-table goes with --function and --since, instead of --layer');
  if (args.plan !== null && !args.apply) throw new UsageError('--plan FILE is applied with --apply');
  if (args.restore !== null && (args.apply || args.throttle || args.out !== null))
    throw new UsageError('--restore FILE puts a state back by itself: no --apply, --throttle or --out');
  return args;
}
