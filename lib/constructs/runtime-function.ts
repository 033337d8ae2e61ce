import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  AssetHashType,
  DockerImage,
  type Duration,
  RemovalPolicy,
  Stack,
  Tags,
  Token,
  Validations,
} from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { RuntimeCall } from '../../lambda/adapters/calls.js';
import { type CallTargets, grantCalls } from '../permissions.js';
import { type BundleOptions, buildRuntime, PROJECT_ROOT } from './runtime-bundling.js';

/** Tag on the detector's roles; member roles trust principals of the central account carrying it. */
export const DETECTOR_ROLE_TAG = { key: 'layerwatch:role', value: 'detector' } as const;

const LAMBDA_DIR = path.join(PROJECT_ROOT, 'lambda');
/** layerwatch's version, as the runtimes report it (ASFF ProductFields, logs). */
const VERSION = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/**
 * The runtime's code, bundled by esbuild from its definition (runtime-bundling.ts) into the asset
 * directory: `index.mjs` and the chunks it loads on first use. CDK's NodejsFunction writes a single
 * file, which makes every cold start compile the code that is loaded only on first use; the local
 * bundling here runs the same esbuild in process, and the asset's hash is that of its output.
 */
export function runtimeCode(entry: string, options: BundleOptions): lambda.Code {
  return lambda.Code.fromAsset(LAMBDA_DIR, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: the local bundling below always runs (esbuild is a dependency of the build).
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      // CDK reuses a staged asset for the same source and the same bundling options, as it writes
      // them in JSON: a function (tryBundle) is not written. What each runtime is built from must be
      // there, or every runtime of an app would ship the first one's code.
      environment: { LAYERWATCH_ENTRY: entry, LAYERWATCH_OPTIONS: JSON.stringify(options) },
      local: {
        tryBundle(outputDir: string): boolean {
          buildRuntime(path.join(LAMBDA_DIR, entry), options, outputDir);
          return true;
        },
      },
    },
  });
}

export interface RuntimeFunctionProps {
  /** The entry file under lambda/, e.g. `handler.ts`. */
  readonly entry: string;
  readonly description: string;
  /** The calls its code makes (lambda/runtime-calls.ts): granted, and nothing else. */
  readonly calls: readonly RuntimeCall[];
  readonly targets: CallTargets;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  /** @default 256 */
  readonly memorySize?: number;
  readonly timeout: Duration;
  /** @default - no reservation: the function shares the account's unreserved concurrency */
  readonly reservedConcurrency?: number;
  readonly retryAttempts: number;
  readonly maxEventAge?: Duration;
  readonly onFailure?: lambda.IDestination;
}

/**
 * One layerwatch runtime: a bundled Node.js function with its own log group, granted exactly the
 * calls it declares, its role tagged as the detector's.
 */
export class RuntimeFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: RuntimeFunctionProps) {
    super(scope, id, {
      code: runtimeCode(props.entry, props.targets.options),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      logGroup: new logs.LogGroup(scope, `${id}Logs`, {
        retention: props.logRetention,
        // The log group belongs to the detector's lifetime; logs are not evidence once it is gone.
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      description: props.description,
      environment: {
        ...props.environment,
        PARTITION: Stack.of(scope).partition,
        LAYERWATCH_VERSION: VERSION,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      onFailure: props.onFailure,
    });
    grantCalls(this, props.calls, props.targets);
    Tags.of(this.role as iam.IRole).add(DETECTOR_ROLE_TAG.key, DETECTOR_ROLE_TAG.value);
    acknowledgeGrants(this, props.targets);
  }
}

/** The reasons a reviewer needs for the wildcards that the declared calls require. */
function acknowledgeGrants(fn: lambda.Function, t: CallTargets): void {
  const v = Validations.of(fn);
  v.acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs.',
  });
  const wildcards: [string, string][] = [
    [
      'Resource::*',
      'lambda:ListFunctions and organizations:ListAccounts support no resource-level permission; nothing else is granted on "*".',
    ],
    [
      'Resource::arn:<AWS::Partition>:lambda:*:*:layer:*:*',
      'Layer metadata (GetLayerVersion, GetLayerVersionPolicy) of any account and region: attached layers may come from anywhere.',
    ],
    [
      'Action::kms:GenerateDataKey*',
      "SNS asks for a data key of the topic's key per message; scoped to that key.",
    ],
  ];
  if (t.memberRole) {
    wildcards.push([
      `Resource::arn:<AWS::Partition>:iam::*:role/${t.memberRole.name}`,
      'Only the read-only member role, in any account of the organization (aws:ResourceOrgID when given).',
    ]);
  }
  for (const [finding, reason] of wildcards) {
    v.acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`, reason });
  }
  // Any function of the account in each covered region: an attacker chooses which function to change.
  const shown = (value: string, token: string) => (Token.isUnresolved(value) ? token : value);
  for (const region of new Set(t.regions)) {
    v.acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:${shown(region, '<AWS::Region>')}:${shown(t.account, '<AWS::AccountId>')}:function:*]`,
      reason:
        'lambda:GetFunctionConfiguration must read any function of the covered regions: an attacker chooses which function to change.',
    });
    v.acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:${shown(region, '<AWS::Region>')}:${shown(t.account, '<AWS::AccountId>')}:capacity-provider:*]`,
      reason:
        'lambda:ListFunctionVersionsByCapacityProvider (read-only) on the capacity provider of whichever Managed Instances function a finding is about: any one of the covered regions.',
    });
    v.acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:${shown(region, '<AWS::Region>')}:${shown(t.account, '<AWS::AccountId>')}:code-signing-config:*]`,
      reason:
        "lambda:GetCodeSigningConfig reads the code signing configuration of whichever function a finding is about (a finding's posture).",
    });
  }
}
