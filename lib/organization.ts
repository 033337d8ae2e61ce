import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnStackSet, DefaultStackSynthesizer, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { LayerWatchMemberStack } from './member-stack.js';
import { memberStackSetName } from './own-resources.js';

export interface LayerWatchOrganizationProps {
  /** The AWS Organizations id (o-...). */
  readonly organizationId: string;
  /** Organizational units whose accounts get the member stack (and future accounts, automatically). */
  readonly organizationalUnitIds: readonly string[];
  /** Regions of the member accounts to cover; the read-only role is created in the first. */
  readonly regions: readonly string[];
  /** @default 'LayerWatchReadOnly' */
  readonly memberRoleName?: string;
  /**
   * Deploy the StackSet as the management account ('SELF') or a delegated administrator.
   * @default 'SELF'
   */
  readonly callAs?: 'SELF' | 'DELEGATED_ADMIN';
  /** A heartbeat in every member account and region (see LayerWatchMemberStack). @default false */
  readonly memberHeartbeat?: boolean;
}

/**
 * Organization mode, in the security account's stack: the default event bus accepts PutEvents from
 * accounts of the organization only, and a service-managed StackSet rolls the member stack out to
 * every account of the chosen organizational units and regions (new accounts included).
 */
export class LayerWatchOrganization extends Construct {
  public readonly stackSet: CfnStackSet;
  /** The member stack's template, as the StackSet deploys it. */
  public readonly memberTemplate: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: LayerWatchOrganizationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
      throw new Error(
        'layerwatch: organization mode needs the central stack deployed to an explicit account and region (env)',
      );
    }
    if (props.regions.length === 0 || props.organizationalUnitIds.length === 0) {
      throw new Error('layerwatch: organization mode needs at least one organizational unit and one region');
    }

    new events.CfnEventBusPolicy(this, 'OrganizationPutEvents', {
      eventBusName: 'default',
      statementId: 'layerwatch-organization-put-events',
      statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: `arn:${stack.partition}:events:${stack.region}:${stack.account}:event-bus/default`,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      },
    });

    // The member template is synthesized apart: no assets, no bootstrap references, so that it can
    // travel as a StackSet body into accounts that were never bootstrapped.
    // Synthesized in a directory of its own, and only here: the CLI's assembly directory
    // (CDK_OUTDIR) is the deployment's, and its manifest must list the deployment's stacks alone.
    const memberDir = mkdtempSync(join(tmpdir(), 'layerwatch-member-'));
    try {
      const memberApp = new App({
        outdir: memberDir,
        autoSynth: false,
        context: { 'aws:cdk:bundling-stacks': [] },
      });
      const member = new LayerWatchMemberStack(memberApp, 'LayerWatchMember', {
        synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
        centralAccount: stack.account,
        centralRegion: stack.region,
        organizationId: props.organizationId,
        roleName: props.memberRoleName,
        roleRegion: props.regions[0] as string,
        heartbeat: props.memberHeartbeat,
      });
      this.memberTemplate = memberApp.synth().getStackByName(member.stackName).template as Record<
        string,
        unknown
      >;
    } finally {
      // Removed even when synthesis throws: no member assembly is left behind in the temp directory.
      rmSync(memberDir, { recursive: true, force: true });
    }

    this.stackSet = new CfnStackSet(this, 'MemberStackSet', {
      // A StackSet needs a name; it is per security account and region.
      stackSetName: memberStackSetName(stack.region),
      description:
        'layerwatch: forwards Lambda layer events to the security account and creates the read-only role',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? 'SELF',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        failureTolerancePercentage: 10,
        maxConcurrentPercentage: 50,
        regionConcurrencyType: 'PARALLEL',
      },
      stackInstancesGroup: [
        {
          regions: [...props.regions],
          deploymentTargets: { organizationalUnitIds: [...props.organizationalUnitIds] },
        },
      ],
      templateBody: JSON.stringify(this.memberTemplate),
    });
  }
}
