/** `guardrail`'s options: the help text and the parse from argv to `GuardrailArgs` (pure; throws UsageError). */
import { parseArgs } from 'node:util';
import { FORMATS, type GuardrailFormat, SIZE_LIMITS } from '../domain/guardrail/policy.js';
import { UsageError } from './command.js';
import { type HuntSource, huntSourceHelp, huntSourceOptionSpec, parseHuntSource } from './hunt-source.js';
import { accountsOption, regionOption } from './option-values.js';

export interface GuardrailArgs {
  paths: string[];
  format: GuardrailFormat;
  pinVersions: boolean;
  allow: string[];
  exemptPrincipals: string[];
  accounts: string[];
  config: string | null;
  replay: string[];
  /** The history to replay read live as `hunt` reads it: Event history or an Athena query. */
  replaySource: HuntSource | null;
  summary: string | null;
  allowPartial: boolean;
  /** The deployment's state table (DynamoDB), read with the caller's credentials. */
  stateTable: string | null;
  region: string | null;
}

export const GUARDRAIL_SYNOPSIS = 'layerwatch guardrail [options] INPUT... | --state-table NAME';

export const GUARDRAIL_EXIT_CODES = `Exit codes:
  0  the policy was written (and the replay, when asked, would have denied no call)
  1  replay: the policy would have denied a call by a principal that is not exempt (this wins)
  2  usage error; an input, a region's Event history or an Athena query that could not be read
     completely (named; unless --allow-partial); a replayed call that could not be judged; or a
     policy that cannot fit the size limit (the reason is named)
  3  internal error (a bug; the message says where)
`;

export function guardrailHelp(): string {
  return `Usage: ${GUARDRAIL_SYNOPSIS}

Writes a policy that denies lambda:CreateFunction and lambda:UpdateFunctionConfiguration when any
requested layer version (the lambda:Layer condition key) is outside an allowed list made from the
layers really in use. The CLI never attaches it. The policy goes to standard output; a summary of
what it allows and why goes to standard error (or --summary FILE).

INPUT: what scan reads (CloudTrail files, folders, -, s3://..., Event history and Athena results:
every layer attached, created with or published, and every account a call was made in), and
function configurations: aws lambda get-function-configuration or list-functions output (JSON).
With --state-table, the deployment's baselines too (each function's current layers).

Allowed list: the organization's own accounts (every account of the inputs, --account, and the
settings' organizationAccounts) as a whole; the known publishers whose layers are in use (with
their source); and each --allow pattern. Any other layer in use is refused, and named.

Options:
  --format NAME            scp (default; limit ${SIZE_LIMITS.scp} characters), identity (a policy to attach to
                           roles or users) or boundary (a permissions boundary: allows the rest; limit
                           ${SIZE_LIMITS.identity}). The policy is written without whitespace: Organizations
                           counts a policy saved with the CLI as sent (jq . shows it indented)
  --pin-versions           allow each layer version in use rather than every version of its account;
                           merged per layer, then per account, when that does not fit (and said)
  --allow PATTERN          also allow layer versions like PATTERN (repeatable), e.g.
                           arn:aws:lambda:*:123456789012:layer:vendor-agent:*; the account is named
  --exempt-principal ARN   the policy does not apply to this IAM principal (repeatable; aws:PrincipalArn
                           with ArnNotLike): break-glass or deploy roles by name, never everyone
  --account ID             an account of the organization besides those the inputs show (repeatable)
  --config FILE            detection settings: organizationAccounts and knownPublishers are used
  --replay HISTORY         evaluate every call of this CloudTrail history (what scan reads; repeatable)
                           that set a function's layers against the policy, and list each call it
                           would have denied: who, when, which layer
Replay a live history as layerwatch hunt reads it (your credentials; with or without --replay):
${huntSourceHelp('replay-lookup-events', 'replay-athena')}  --since TIME, --until TIME   the live replay's window (as in layerwatch hunt)
  --state-table NAME       also read the deployment's state table (DynamoDB Scan, your credentials)
  --region NAME            the live replay's regions (repeatable: each one's Event history, or Athena
                           in the first; they select the replayed calls too) and the state table's
                           (one); default: AWS_REGION
  --summary FILE           write the summary (and the replay) to FILE instead of standard error
  --allow-partial          exit 0 (not 2) when some input could not be read completely
  -h, --help               this text

${GUARDRAIL_EXIT_CODES}`;
}

const LIVE = { lookup: 'replay-lookup-events', athena: 'replay-athena' };
const LIVE_ONLY = ['table', 'workgroup', 'output-location', 'since', 'until'] as const;

/** The live replay's source, or null; its options without a source are a usage error. */
function liveReplay(
  values: Parameters<typeof parseHuntSource>[0],
  stateTable: string | null,
  env: Record<string, string | undefined>,
  nowMs: number,
): HuntSource | null {
  const source = parseHuntSource(values, { ...LIVE, accounts: [] }, env, nowMs);
  const given = LIVE_ONLY.filter((name) => values[name] !== undefined);
  if (source === null && given.length > 0)
    throw new UsageError(
      `--${given[0]} is the live replay's: give --replay-lookup-events or --replay-athena`,
    );
  if (source === null && values.region !== undefined && stateTable === null)
    throw new UsageError(
      "--region is the state table's or the live replay's: give --state-table or --replay-lookup-events",
    );
  if (stateTable !== null && (values.region?.length ?? 0) > 1)
    throw new UsageError('--state-table is read in one region: give one --region (or set AWS_REGION)');
  return source;
}

export function parseGuardrailArgs(
  args: readonly string[],
  env: Record<string, string | undefined> = process.env,
  nowMs: number = Date.now(),
): GuardrailArgs | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      'pin-versions': { type: 'boolean' },
      allow: { type: 'string', multiple: true },
      'exempt-principal': { type: 'string', multiple: true },
      account: { type: 'string', multiple: true },
      config: { type: 'string' },
      replay: { type: 'string', multiple: true },
      ...huntSourceOptionSpec(LIVE.lookup, LIVE.athena),
      summary: { type: 'string' },
      'allow-partial': { type: 'boolean' },
      'state-table': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const format = values.format ?? 'scp';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format: "${format}" is not one of ${FORMATS.join(', ')}`);
  const stateTable = values['state-table'] ?? null;
  if (positionals.length === 0 && stateTable === null)
    throw new UsageError('no INPUT given (nor --state-table)');
  if (stateTable !== null && !/^[A-Za-z0-9_.-]{3,255}$/.test(stateTable))
    throw new UsageError(
      `--state-table: "${stateTable}" is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)`,
    );
  const replaySource = liveReplay(values, stateTable, env, nowMs);
  const region = values.region === undefined ? null : (regionOption('--region', values.region)[0] ?? null);
  return {
    paths: positionals,
    format: format as GuardrailFormat,
    pinVersions: values['pin-versions'] ?? false,
    allow: values.allow ?? [],
    exemptPrincipals: values['exempt-principal'] ?? [],
    accounts: accountsOption(values.account ?? []),
    config: values.config ?? null,
    replay: values.replay ?? [],
    replaySource,
    summary: values.summary ?? null,
    allowPartial: values['allow-partial'] ?? false,
    stateTable,
    region,
  };
}
