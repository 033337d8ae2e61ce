import {
  CfnCondition,
  CfnResource,
  CfnWaitConditionHandle,
  Duration,
  Fn,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';
import { MEMBER_ROLE_CALLS } from '../lambda/runtime-calls.js';
import { MemberHeartbeat } from './constructs/heartbeat.js';
import { DETECTOR_ROLE_TAG } from './constructs/runtime-function.js';
import { ForwardingRule } from './forwarding-rule.js';
import { grantMemberCalls } from './permissions.js';

export interface LayerWatchMemberProps extends StackProps {
  /** The security account that runs the detector. */
  readonly centralAccount: string;
  /** The detector's home region. */
  readonly centralRegion: string;
  /** The AWS Organizations id (o-...). */
  readonly organizationId: string;
  /**
   * Name of the read-only role (the detector builds its ARN from the account id and this name).
   * @default 'LayerWatchReadOnly'
   */
  readonly roleName?: string;
  /** The region whose instance creates the role (IAM is global: one role per account). */
  readonly roleRegion: string;
  /**
   * A heartbeat of this account and region: a canary, changed hourly by a schedule of its own
   * (MemberHeartbeat), which the detector counts by Account and Region (memberHeartbeat).
   * @default false
   */
  readonly heartbeat?: boolean;
}

/**
 * What each member account (and region) of the organization needs: a rule forwarding Lambda layer
 * events to the central detector's bus, and, once per account, the read-only role the detector
 * assumes to enrich and sweep; with `heartbeat`, a canary and its hourly schedule. Rolled out by a service-managed StackSet (see LayerWatchOrganization).
 * No assets, so the template can travel as a StackSet body.
 */
export class LayerWatchMemberStack extends Stack {
  constructor(scope: Construct, id: string, props: LayerWatchMemberProps) {
    super(scope, id, props);
    const partition = this.partition;
    const forward = new ForwardingRule(this, 'Forward', {
      centralBus: events.EventBus.fromEventBusArn(
        this,
        'CentralBus',
        `arn:${partition}:events:${props.centralRegion}:${props.centralAccount}:event-bus/default`,
      ),
      description: 'layerwatch: forward Lambda layer events to the security account',
    });
    // An instance in the security account's home region (the security account inside the OUs, as a
    // delegated administrator) is on the detector's own bus: a rule cannot forward a bus to itself,
    // and the detector's own rules already watch there.
    const awayFromDetector = new CfnCondition(this, 'AwayFromDetector', {
      expression: Fn.conditionNot(
        Fn.conditionAnd(
          Fn.conditionEquals(this.account, props.centralAccount),
          Fn.conditionEquals(this.region, props.centralRegion),
        ),
      ),
    });
    onlyWhere(forward, awayFromDetector);
    // A resource that exists everywhere: the instance there may have nothing else to create, and
    // CloudFormation creates no stack without a resource.
    new CfnWaitConditionHandle(this, 'Anchor');
    if (props.heartbeat) new MemberHeartbeat(this, 'Heartbeat', { centralAccount: props.centralAccount });
    {
      const inRoleRegion = new CfnCondition(this, 'InRoleRegion', {
        expression: Fn.conditionEquals(this.region, props.roleRegion),
      });
      // A fixed name is the contract with the detector, which builds the ARN from account and name.
      const role = new iam.Role(this, 'ReadOnlyRole', {
        roleName: props.roleName ?? 'LayerWatchReadOnly',
        description: 'layerwatch: read-only access to Lambda functions and layers for the central detector',
        assumedBy: new iam.AccountPrincipal(props.centralAccount).withConditions({
          StringEquals: {
            [`aws:PrincipalTag/${DETECTOR_ROLE_TAG.key}`]: DETECTOR_ROLE_TAG.value,
            'aws:PrincipalOrgID': props.organizationId,
          },
        }),
        maxSessionDuration: Duration.hours(1),
      });
      // Exactly what the detector's runtimes send through this role, on this account's functions.
      grantMemberCalls(role, MEMBER_ROLE_CALLS, partition, this.account);
      onlyWhere(role, inRoleRegion);
      const shown = (value: string, token: string) => (Token.isUnresolved(value) ? token : value);
      const why =
        'Read-only Lambda metadata: any function of this account (an attacker picks the function) and its code signing configuration, the function versions on any capacity provider of this account (Managed Instances share its hosts), any layer it may attach (layers may come from any account), and ListFunctions, which supports no resource-level permission.';
      for (const resource of [
        `arn:<AWS::Partition>:lambda:*:${shown(this.account, '<AWS::AccountId>')}:function:*`,
        `arn:<AWS::Partition>:lambda:*:${shown(this.account, '<AWS::AccountId>')}:capacity-provider:*`,
        'arn:<AWS::Partition>:lambda:*:*:layer:*:*',
        `arn:<AWS::Partition>:lambda:*:${shown(this.account, '<AWS::AccountId>')}:code-signing-config:*`,
        '*',
      ]) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
          reason: why,
        });
      }
    }
  }
}

/** Every resource of `scope` is created only where `condition` holds. */
function onlyWhere(scope: IConstruct, condition: CfnCondition): void {
  for (const child of scope.node.findAll()) {
    const resource = child.node.defaultChild ?? child;
    if (resource instanceof CfnResource) resource.cfnOptions.condition = condition;
  }
}
