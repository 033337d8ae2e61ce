/**
 * `layerwatch revert`: a plan by default, `--apply` to carry it out, `--restore FILE` to put the
 * previous state back (revert-run.ts, revert-restore.ts). Runs with the responder's credentials:
 * the detector never holds a standing write on other functions.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { type Command, EXIT, type Io, UsageError } from './command.js';
import { parseRevertArgs, REVERT_SYNOPSIS, REVERT_USAGE, type RevertArgs } from './revert-args.js';
import { runRestore } from './revert-restore.js';
import { type RevertDeps, runPlan, runPlanFile } from './revert-run.js';
import { terminalText } from './terminal-text.js';

export function runRevert(args: RevertArgs, deps: RevertDeps): Promise<number> {
  if (args.restore !== null) return runRestore(args, deps);
  if (args.plan !== null) return runPlanFile(args, deps);
  return runPlan(args, deps);
}

/** The deps of a real run: the Lambda API and CloudWatch in each function's region, with the command line's budget. */
export async function liveDeps(io: Io): Promise<RevertDeps> {
  // Loaded only when a revert runs: the other commands start without the Lambda client.
  const { LambdaClient } = await import('@aws-sdk/client-lambda');
  const { CLI_CALLS, sdkClient } = await import('../adapters/client-options.js');
  const { LambdaFunctionEditor } = await import('../adapters/lambda-function-editor.js');
  const { regionalClients } = await import('../adapters/deployment-reader.js');
  const { OperationsReader } = await import('../adapters/operations-reader.js');
  const metrics = new OperationsReader(regionalClients({}, CLI_CALLS));
  const { IAMClient } = await import('@aws-sdk/client-iam');
  const { IamRoleReader } = await import('../adapters/iam-role-reader.js');
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDbBaselineStore } = await import('../adapters/dynamodb-baseline-store.js');
  const clients = new Map<string, InstanceType<typeof LambdaClient>>();
  const clientFor = (region: string) => {
    if (!clients.has(region)) clients.set(region, sdkClient(LambdaClient, CLI_CALLS, { region }));
    return clients.get(region) as InstanceType<typeof LambdaClient>;
  };
  return {
    port: new LambdaFunctionEditor(clientFor),
    // Read only: get() is a GetItem of the function's baseline, in the caller's region.
    baseline: (table, arn) =>
      new DynamoDbBaselineStore(sdkClient(DynamoDBClient, CLI_CALLS, {}), table).get(arn),
    exposure: {
      series: (region, queries, window) => metrics.series(region, queries, window),
      rolePolicies: (role, region) =>
        new IamRoleReader(sdkClient(IAMClient, CLI_CALLS, { region })).policies(role),
    },
    io,
    now: () => new Date(),
    // Names and layers come from AWS and from findings: escaped for the terminal.
    out: (line) => io.stdout.write(`${terminalText(line)}\n`),
    err: (line) => io.stderr.write(`${terminalText(line)}\n`),
    readText: (path) => readFile(path, 'utf8'),
    writeText: (path, text) => writeFile(path, text, { flag: 'wx', mode: 0o600 }),
  };
}

export const revertCommand: Command = {
  name: 'revert',
  synopsis: REVERT_SYNOPSIS,
  help: () => `${REVERT_USAGE}\n`,
  async run(argv, io) {
    let args: RevertArgs | 'help';
    try {
      args = parseRevertArgs(argv);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`${terminalText(`layerwatch revert: ${error.message}`)}\n\n${REVERT_USAGE}\n`);
      return EXIT.incomplete;
    }
    if (args === 'help') {
      io.stdout.write(`${REVERT_USAGE}\n`);
      return EXIT.ok;
    }
    return runRevert(args, await liveDeps(io));
  },
};
