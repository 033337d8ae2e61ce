/**
 * Every AWS command an adapter sends is declared in its `calls`, so that the stacks grant it: an
 * adapter that gains a command without a declaration fails here (and, declared, the policy
 * simulation in test/lib/permissions.test.ts proves it is granted in every deployment mode).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEMBER_ACCESS_CALLS } from '../../../lambda/adapters/accounts.js';
import type { DeclaredCall } from '../../../lambda/adapters/calls.js';
import { HANDLER_CALLS, SWEEP_CALLS, SWEEP_WORKER_CALLS } from '../../../lambda/runtime-calls.js';

const DIR = join(process.cwd(), 'lambda', 'adapters');

/** IAM service prefix of each SDK client package. */
const PREFIX: Record<string, string> = {
  lambda: 'lambda',
  dynamodb: 'dynamodb',
  sns: 'sns',
  sts: 'sts',
  sqs: 'sqs',
  s3: 's3',
  iam: 'iam',
  organizations: 'organizations',
  securityhub: 'securityhub',
  eventbridge: 'events',
  cloudtrail: 'cloudtrail',
  athena: 'athena',
  kms: 'kms',
  cloudformation: 'cloudformation',
  cloudwatch: 'cloudwatch',
};

/** `service:Action` for every `new XCommand(` of a source, from the client package it imports X from. */
function commandsSent(source: string): string[] {
  const sent = new Set<string>();
  for (const imp of source.matchAll(
    /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g,
  )) {
    const names = (imp[1] ?? '').split(',').map((n) => n.replace(/^\s*type\s+/, '').trim());
    const service = PREFIX[imp[2] as string];
    for (const name of names) {
      const m = /^(\w+)Command$/.exec(name);
      if (!m || !new RegExp(`new\\s+${name}\\s*\\(`).test(source)) continue;
      if (!service) throw new Error(`no IAM prefix known for @aws-sdk/client-${imp[2]}: add it to PREFIX`);
      sent.add(`${service}:${m[1]}`);
    }
  }
  return [...sent].sort();
}

async function declaredIn(file: string): Promise<DeclaredCall[]> {
  const mod = (await import(join(DIR, file))) as Record<string, unknown>;
  const declared: DeclaredCall[] = [];
  for (const value of Object.values(mod)) {
    const calls = (value as { calls?: unknown } | null)?.calls;
    if (Array.isArray(calls)) declared.push(...(calls as DeclaredCall[]));
  }
  if (file === 'accounts.ts') declared.push(...MEMBER_ACCESS_CALLS);
  return declared;
}

describe('adapter call declarations', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s declares every command it sends', async (file) => {
    const sent = commandsSent(readFileSync(join(DIR, file), 'utf8'));
    const declared = new Set((await declaredIn(file)).map((c) => c.action));
    expect(sent.filter((a) => !declared.has(a))).toEqual([]);
  });

  it('finds the commands of a source, so that the check above cannot pass vacuously', () => {
    const source = [
      "import { GetItemCommand, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';",
      "import { PublishCommand } from '@aws-sdk/client-sns';",
      'await c.send(new GetItemCommand({})); await s.send(new PublishCommand({}));',
    ].join('\n');
    expect(commandsSent(source)).toEqual(['dynamodb:GetItem', 'sns:Publish']);
  });

  it('gathers every runtime call from the adapters it is built from', () => {
    const actions = (calls: readonly DeclaredCall[]) => calls.map((c) => c.action).sort();
    expect(actions(HANDLER_CALLS)).toEqual(
      expect.arrayContaining(['lambda:GetFunctionConfiguration', 'sns:Publish', 'sts:AssumeRole']),
    );
    // The sweep's plan queues pairs and reports; its workers list and deliver.
    expect(actions(SWEEP_CALLS)).toEqual(expect.arrayContaining(['sqs:SendMessage', 'sns:Publish']));
    expect(actions(SWEEP_CALLS)).not.toContain('lambda:ListFunctions');
    expect(SWEEP_CALLS.filter((c) => c.resource === 'topic').map((c) => c.topic)).toEqual(['operations']);
    expect(actions(SWEEP_WORKER_CALLS)).toEqual(
      expect.arrayContaining([
        'lambda:ListFunctions',
        'sns:Publish',
        'sts:AssumeRole',
        'dynamodb:BatchGetItem',
      ]),
    );
    expect(SWEEP_WORKER_CALLS.filter((c) => c.resource === 'topic').map((c) => c.topic)).toEqual([
      'alert',
      'operations',
    ]);
  });
});
