/**
 * The tamper calls of CloudWatch alarms, SQS queues, IAM roles, CloudFormation stacks and StackSets
 * and EventBridge Scheduler schedules (the resources a deployment owns besides its rules, topics,
 * functions, key and table), and the parameters of the calls that change what a resource does
 * rather than remove it (targets, permissions, policies, configurations). CloudTrail logs each
 * request's members in camelCase, as the API names them.
 */
import {
  bool,
  hasDeny,
  isObject,
  type Json,
  joined,
  num,
  objects,
  str,
  strings,
  type Where,
} from './cloudtrail-values.js';
import type { TamperEvent, TamperService, TamperTarget } from './model.js';

type Parameters = TamperEvent['parameters'];

/** The target (or targets: DeleteAlarms names a list) of a call of these services. */
export function otherServiceTarget(
  service: TamperService,
  call: string,
  req: Json | null,
  at: Where,
): TamperTarget | TamperTarget[] | string {
  switch (service) {
    case 'cloudwatch': {
      if (call === 'PutAlarmMuteRule') {
        const muted = isObject(req?.muteTargets) ? strings(req.muteTargets.alarmNames) : [];
        // A rule that names no alarm mutes every alarm of the account and region: `*`.
        return (muted.length > 0 ? muted : ['*']).map((name) => ({
          service,
          type: 'alarm' as const,
          arn:
            name === '*' ? null : `arn:${at.partition}:cloudwatch:${at.region}:${at.account}:alarm:${name}`,
          name,
        }));
      }
      const names = call === 'DeleteAlarms' || call === 'DisableAlarmActions' ? strings(req?.alarmNames) : [];
      const single = str(req?.alarmName);
      const all = single ? [single] : names;
      if (all.length === 0) return 'no alarm name in the request';
      return all.map((name) => ({
        service,
        type: 'alarm',
        arn: `arn:${at.partition}:cloudwatch:${at.region}:${at.account}:alarm:${name}`,
        name,
      }));
    }
    case 'sqs':
      return queueTarget(str(req?.queueUrl), at);
    case 'iam': {
      const name = str(req?.roleName);
      if (!name) return 'no roleName in the request';
      return { service, type: 'role', arn: `arn:${at.partition}:iam::${at.account}:role/${name}`, name };
    }
    case 'cloudformation':
      return call === 'DeleteStack'
        ? stackTarget(str(req?.stackName))
        : stackSetTarget(str(req?.stackSetName));
    case 'scheduler': {
      const name = str(req?.name);
      if (!name) return 'no schedule name in the request';
      const group = str(req?.groupName) ?? 'default';
      return {
        service,
        type: 'schedule',
        arn: `arn:${at.partition}:scheduler:${at.region}:${at.account}:schedule/${group}/${name}`,
        name: `${group}/${name}`,
      };
    }
    default:
      return `${service} is not read here`;
  }
}

/**
 * A queue URL: `https://sqs.<region>.amazonaws.com/<account>/<name>`, the older
 * `https://<region>.queue.amazonaws.com/...` or `https://queue.amazonaws.com/...` (us-east-1).
 */
function queueTarget(url: string | null, at: Where): TamperTarget | string {
  const m = url ? /^https?:\/\/([^/]+)\/(\d{12})\/([A-Za-z0-9_.-]{1,80})\/?$/.exec(url) : null;
  if (!m) return 'no usable queueUrl in the request';
  const [, host = '', account = '', name = ''] = m;
  const region =
    /^sqs\.([a-z0-9-]+)\.amazonaws\./.exec(host)?.[1] ??
    /^([a-z0-9-]+)\.queue\.amazonaws\./.exec(host)?.[1] ??
    (host.startsWith('queue.amazonaws.') ? 'us-east-1' : at.region);
  return { service: 'sqs', type: 'queue', arn: `arn:${at.partition}:sqs:${region}:${account}:${name}`, name };
}

/** DeleteStack takes a name or a stack id (`arn:...:stack/<name>/<uuid>`). */
function stackTarget(value: string | null): TamperTarget | string {
  if (!value) return 'no stackName in the request';
  const fromArn = value.startsWith('arn:') ? /:stack\/([^/]+)\//.exec(value)?.[1] : undefined;
  return { service: 'cloudformation', type: 'stack', arn: fromArn ? value : null, name: fromArn ?? value };
}

/** A StackSet by name, by id (`<name>:<uuid>`) or by ARN (`arn:...:stackset/<name>:<uuid>`). */
function stackSetTarget(value: string | null): TamperTarget | string {
  if (!value) return 'no stackSetName in the request';
  const id = value.startsWith('arn:') ? (value.split(':stackset/')[1] ?? value) : value;
  const name = id.split(':')[0] || id;
  return {
    service: 'cloudformation',
    type: 'stack-set',
    arn: value.startsWith('arn:') ? value : null,
    name,
  };
}

/** The parameters that decide harm, for every call whose reading lives in this file. */
export function otherServiceParameters(
  service: TamperService,
  call: string,
  req: Json | null,
  res: Json | null,
): Parameters {
  const r = req ?? {};
  switch (`${service}:${call}`) {
    case 'events:PutTargets':
      return putTargetsParameters(r, res);
    case 'events:PutPermission':
      return {
        statementId: str(r.statementId),
        principal: str(r.principal),
        action: str(r.action),
        // `policy` replaces the bus's whole policy (every statement, the organization's too).
        policyReplaced: typeof r.policy === 'string' && r.policy.length > 0,
        deny: hasDeny(r.policy),
      };
    case 'kms:PutKeyPolicy':
      return {
        policyName: str(r.policyName),
        bypassPolicyLockoutSafetyCheck: bool(r.bypassPolicyLockoutSafetyCheck),
        deny: hasDeny(r.policy),
      };
    case 'dynamodb:PutResourcePolicy':
      return { deny: hasDeny(r.policy) };
    case 'lambda:UpdateFunctionCode':
      return {
        dryRun: bool(r.dryRun),
        publish: bool(r.publish),
        codeSha256: str(res?.codeSha256),
        packageType: str(res?.packageType) ?? (str(r.imageUri) ? 'Image' : null),
      };
    case 'lambda:PutFunctionEventInvokeConfig':
    case 'lambda:UpdateFunctionEventInvokeConfig':
      return invokeConfigParameters(r);
    default:
      return otherServiceCallParameters(`${service}:${call}`, r);
  }
}

function otherServiceCallParameters(key: string, r: Json): Parameters {
  switch (key) {
    case 'cloudwatch:PutMetricAlarm':
      return {
        actionsEnabled: bool(r.actionsEnabled),
        alarmActions: joined(strings(r.alarmActions)),
        okActions: joined(strings(r.oKActions ?? r.okActions)),
        threshold: num(r.threshold),
        comparisonOperator: str(r.comparisonOperator),
        evaluationPeriods: num(r.evaluationPeriods),
        period: num(r.period),
        treatMissingData: str(r.treatMissingData),
        namespace: str(r.namespace),
        metricName: str(r.metricName),
      };
    case 'cloudwatch:SetAlarmState':
      return { stateValue: str(r.stateValue) };
    case 'cloudwatch:PutAlarmMuteRule':
      return { muteRuleName: str(r.name) };
    case 'cloudformation:UpdateStackInstances': {
      const targets = isObject(r.deploymentTargets) ? r.deploymentTargets : {};
      return {
        accounts: joined([...strings(r.accounts), ...strings(targets.accounts)]),
        regions: joined(strings(r.regions)),
        parameterOverrides: objects(r.parameterOverrides).length,
      };
    }
    case 'cloudwatch:DeleteAlarms':
    case 'cloudwatch:DisableAlarmActions':
      return { alarmNames: joined(strings(r.alarmNames)) };
    case 'sqs:SetQueueAttributes': {
      const attributes = isObject(r.attributes) ? r.attributes : {};
      return {
        attributes: joined(Object.keys(attributes).sort()),
        messageRetentionPeriod: num(attributes.MessageRetentionPeriod),
        deny: 'Policy' in attributes ? hasDeny(attributes.Policy) : null,
      };
    }
    case 'sqs:RemovePermission':
      return { label: str(r.label) };
    default:
      return roleAndStackParameters(key, r);
  }
}

/** IAM roles, CloudFormation stacks and StackSets, Scheduler schedules. */
function roleAndStackParameters(key: string, r: Json): Parameters {
  switch (key) {
    case 'iam:PutRolePolicy':
      return { policyName: str(r.policyName), deny: hasDeny(r.policyDocument) };
    case 'iam:DeleteRolePolicy':
      return { policyName: str(r.policyName) };
    case 'iam:AttachRolePolicy':
    case 'iam:DetachRolePolicy':
      return { policyArn: str(r.policyArn) };
    case 'iam:UpdateAssumeRolePolicy':
      return { deny: hasDeny(r.policyDocument) };
    case 'iam:PutRolePermissionsBoundary':
      return { permissionsBoundary: str(r.permissionsBoundary) };
    case 'iam:UntagRole':
      return { tagKeys: joined(strings(r.tagKeys)) };
    case 'iam:TagRole':
      return {
        tagKeys: joined(
          objects(r.tags)
            .map((t) => str(t.key) ?? '')
            .filter(Boolean),
        ),
      };
    case 'cloudformation:UpdateStackSet':
      return {
        templateChanged: typeof r.templateBody === 'string' || typeof r.templateURL === 'string',
        usePreviousTemplate: bool(r.usePreviousTemplate),
        callAs: str(r.callAs),
      };
    case 'cloudformation:DeleteStackInstances': {
      const targets = isObject(r.deploymentTargets) ? r.deploymentTargets : {};
      return {
        accounts: joined([...strings(r.accounts), ...strings(targets.accounts)]),
        organizationalUnits: joined(strings(targets.organizationalUnitIds)),
        regions: joined(strings(r.regions)),
        retainStacks: bool(r.retainStacks),
      };
    }
    case 'scheduler:UpdateSchedule': {
      const target = isObject(r.target) ? r.target : {};
      return {
        state: str(r.state),
        scheduleExpression: str(r.scheduleExpression),
        targetArn: str(target.arn),
        targetRoleArn: str(target.roleArn),
      };
    }
    default:
      return {};
  }
}

/** PutTargets: where the rule's targets now send events, and whether they rewrite them. */
function putTargetsParameters(r: Json, res: Json | null): Parameters {
  const targets = objects(r.targets);
  const has = (key: string) => targets.some((t) => t[key] !== undefined && t[key] !== null);
  return {
    targetIds: joined(targets.map((t) => str(t.id) ?? '').filter(Boolean)),
    targetArns: joined(targets.map((t) => str(t.arn) ?? '').filter(Boolean)),
    input: has('input'),
    inputPath: has('inputPath'),
    inputTransformer: has('inputTransformer'),
    failedEntryCount: num(res?.failedEntryCount),
  };
}

/** Put/UpdateFunctionEventInvokeConfig: retries, age and where failed and successful events go. */
function invokeConfigParameters(r: Json): Parameters {
  const destinations = isObject(r.destinationConfig) ? r.destinationConfig : {};
  const to = (key: string) => {
    const d = destinations[key];
    return isObject(d) ? str(d.destination) : null;
  };
  return {
    qualifier: str(r.qualifier),
    maximumRetryAttempts: num(r.maximumRetryAttempts),
    maximumEventAgeInSeconds: num(r.maximumEventAgeInSeconds),
    onFailure: to('onFailure'),
    onSuccess: to('onSuccess'),
    destinationsSet: Object.keys(destinations).length > 0,
  };
}
