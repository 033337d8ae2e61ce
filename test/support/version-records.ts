/**
 * Builders for the records of versions and aliases, as CloudTrail writes them (event names from
 * Lambda's CloudTrail documentation: PublishVersion20150331, CreateAlias20150331,
 * UpdateAlias20150331, DeleteAlias20150331, UpdateFunctionCode20150331v2): the PublishVersion
 * response is the version's configuration (qualified functionArn, `version`, layers as
 * {arn, codeSize}); an alias response carries aliasArn, functionVersion and routingConfig.
 */
import { ACCOUNT, base, type Common, configuration, functionArn, REGION, type Rec } from './records.js';

export interface VersionOptions extends Common {
  /** The layers the version freezes (what `$LATEST` had when it was published). */
  layers?: readonly string[];
  publishTo?: string;
  /** Lambda Managed Instances: the capacity provider's ARN, as the configuration names it. */
  capacityProvider?: string;
}

function versionConfiguration(fn: string, version: string, o: VersionOptions): Rec {
  const account = o.account ?? ACCOUNT;
  const region = o.region ?? REGION;
  return {
    ...configuration(fn, o.layers, account, region),
    functionArn: `${functionArn(fn, account, region)}:${version}`,
    version,
    lastUpdateStatus: 'Successful',
    state: 'Active',
    ...(o.capacityProvider
      ? {
          capacityProviderConfig: {
            lambdaManagedInstancesCapacityProviderConfig: {
              capacityProviderArn: o.capacityProvider,
              perExecutionEnvironmentMaxConcurrency: 10,
              executionEnvironmentMemoryGiBPerVCpu: 2,
            },
          },
        }
      : {}),
  };
}

export function publishVersion(fn: string, version: string, o: VersionOptions = {}): Rec {
  const request: Rec = { functionName: fn };
  if (o.publishTo) request.publishTo = o.publishTo;
  return {
    ...base('PublishVersion20150331', o),
    requestParameters: request,
    responseElements: versionConfiguration(fn, version, o),
  };
}

/** UpdateFunctionCode with `publish: true`: the response is the new version's configuration. */
export function updateFunctionCodePublished(fn: string, version: string, o: VersionOptions = {}): Rec {
  return {
    ...base('UpdateFunctionCode20150331v2', o),
    requestParameters: { functionName: fn, publish: true, dryRun: false },
    responseElements: versionConfiguration(fn, version, o),
  };
}

export interface AliasOptions extends Common {
  /** `routingConfig.additionalVersionWeights`. */
  weights?: Record<string, number>;
  /** UpdateAlias without `functionVersion` in its request (the weights change alone). */
  omitVersion?: boolean;
}

function aliasCall(eventName: string, fn: string, alias: string, version: string, o: AliasOptions): Rec {
  const account = o.account ?? ACCOUNT;
  const region = o.region ?? REGION;
  const request: Rec = { functionName: fn, name: alias };
  if (!o.omitVersion) request.functionVersion = version;
  if (o.weights) request.routingConfig = { additionalVersionWeights: { ...o.weights } };
  const response: Rec = {
    aliasArn: `${functionArn(fn, account, region)}:${alias}`,
    name: alias,
    functionVersion: version,
    description: '',
    revisionId: '5c1e2f3a-0000-4000-8000-000000000000',
  };
  if (o.weights) response.routingConfig = { additionalVersionWeights: { ...o.weights } };
  return { ...base(eventName, o), requestParameters: request, responseElements: response };
}

export function createAlias(fn: string, alias: string, version: string, o: AliasOptions = {}): Rec {
  return aliasCall('CreateAlias20150331', fn, alias, version, o);
}

export function updateAlias(fn: string, alias: string, version: string, o: AliasOptions = {}): Rec {
  return aliasCall('UpdateAlias20150331', fn, alias, version, o);
}

export function deleteAlias(fn: string, alias: string, o: Common = {}): Rec {
  return {
    ...base('DeleteAlias20150331', o),
    requestParameters: { functionName: fn, name: alias },
    responseElements: null,
  };
}

/** DeleteFunction with a version as Qualifier: that version is gone (the function stays). */
export function deleteVersion(fn: string, version: string, o: Common = {}): Rec {
  return {
    ...base('DeleteFunction20150331', o),
    requestParameters: { functionName: fn, qualifier: version },
    responseElements: null,
  };
}
