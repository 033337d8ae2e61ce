/** CloudTrail records of the IAM, CloudFormation and Scheduler calls on a default deployment's resources. */
import { ACCOUNT, REGION } from './records.js';
import { tamperCase as c, call, DENY_ALL, OWN, type TamperCase } from './tamper-call.js';

export function roleCalls(): TamperCase[] {
  const role = OWN.handlerRole;
  return [
    c(
      'PutRolePolicy (Deny)',
      true,
      call('iam', 'PutRolePolicy', { roleName: role, policyName: 'hold', policyDocument: DENY_ALL }),
    ),
    c(
      'AttachRolePolicy (AWSDenyAll)',
      true,
      call('iam', 'AttachRolePolicy', { roleName: role, policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll' }),
    ),
    c(
      'UpdateAssumeRolePolicy',
      true,
      call('iam', 'UpdateAssumeRolePolicy', {
        roleName: role,
        policyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: '999988887777' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    ),
    c(
      'PutRolePermissionsBoundary',
      true,
      call('iam', 'PutRolePermissionsBoundary', {
        roleName: role,
        permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/nothing`,
      }),
    ),
    c(
      'DeleteRolePolicy',
      true,
      call('iam', 'DeleteRolePolicy', { roleName: role, policyName: 'DefaultPolicy' }),
    ),
    c(
      'DetachRolePolicy',
      false,
      call('iam', 'DetachRolePolicy', {
        roleName: role,
        policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      }),
    ),
    c('DeleteRole', true, call('iam', 'DeleteRole', { roleName: 'LayerWatchReadOnly' })),
    c(
      'UntagRole (layerwatch:role)',
      true,
      call('iam', 'UntagRole', { roleName: role, tagKeys: ['layerwatch:role'] }),
    ),
    c(
      'TagRole (layerwatch:role)',
      true,
      call('iam', 'TagRole', { roleName: role, tags: [{ key: 'layerwatch:role', value: 'none' }] }),
    ),
  ];
}

export function stackCalls(): TamperCase[] {
  return [
    c(
      'UpdateStackSet',
      true,
      call(
        'cloudformation',
        'UpdateStackSet',
        { stackSetName: OWN.stackSet, templateBody: '{"Resources":{}}', callAs: 'SELF' },
        { operationId: '0a1b2c3d-0000-4000-8000-000000000001' },
      ),
    ),
    c(
      'DeleteStackInstances',
      true,
      call('cloudformation', 'DeleteStackInstances', {
        stackSetName: `${OWN.stackSet}:6b1e2c3d-0000-4000-8000-00000000abcd`,
        deploymentTargets: { organizationalUnitIds: ['ou-abcd-12345678'] },
        regions: ['us-east-1', 'eu-west-1'],
        retainStacks: false,
      }),
    ),
    c(
      'UpdateStackInstances',
      false,
      call('cloudformation', 'UpdateStackInstances', {
        stackSetName: OWN.stackSet,
        accounts: ['222233334444'],
        regions: ['eu-west-1'],
        parameterOverrides: [{ parameterKey: 'X', parameterValue: 'y' }],
      }),
    ),
    c('DeleteStackSet', true, call('cloudformation', 'DeleteStackSet', { stackSetName: OWN.stackSet })),
    c(
      'DeleteStack',
      true,
      call('cloudformation', 'DeleteStack', {
        stackName: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${OWN.stack}/1a2b3c4d-0000-4000-8000-000000000000`,
      }),
    ),
    c(
      'UpdateSchedule (disabled)',
      false,
      call('scheduler', 'UpdateSchedule', {
        name: OWN.schedule,
        scheduleExpression: 'rate(1 hour)',
        state: 'DISABLED',
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: 'arn:aws:scheduler:::aws-sdk:lambda:updateFunctionConfiguration',
          roleArn: `arn:aws:iam::${ACCOUNT}:role/LayerWatchHeartbeat-${REGION}`,
        },
      }),
    ),
    c(
      'DeleteSchedule',
      false,
      call('scheduler', 'DeleteSchedule', { name: OWN.schedule, groupName: 'default' }),
    ),
  ];
}
