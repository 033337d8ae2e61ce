/**
 * Accounts that publish well-known public layers, each with the public page it was taken from.
 * Only sourced entries belong here; add your own through settings (`knownPublishers`).
 */
export interface KnownPublisher {
  account: string;
  name: string;
  /** Where the account is published. */
  source: string;
}

const INSIGHTS =
  'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Lambda-Insights-extension-versions.html';
const OTEL = 'https://github.com/aws-observability/aws-otel-python-instrumentation/releases';
/** The ADOT documentation's table of AWSOpenTelemetryDistro* layer ARNs, per region (the docs site's source). */
const ADOT_DOCS = 'https://github.com/aws-otel/aws-otel.github.io/blob/main/src/config/lambdaLayerArns.js';
/** The ADOT documentation's managed layers (aws-otel-*-ver-*) used with AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-*. */
const ADOT_LEGACY = 'https://aws-otel.github.io/docs/getting-started/lambda/lambda-python';

/** Regions where ADOT publishes AWSOpenTelemetryDistro* from an account of its own (ADOT_DOCS). */
const ADOT_REGIONAL: readonly [string, string][] = [
  ['152034782359', 'ap-southeast-5'],
  ['980416031188', 'ap-southeast-7'],
  ['595944127152', 'ca-west-1'],
  ['440179912924', 'cn-north-1'],
  ['440180067931', 'cn-northwest-1'],
  ['257394471194', 'eu-south-1'],
  ['490004653786', 'eu-south-2'],
  ['746669239226', 'il-central-1'],
  ['739275441131', 'me-central-1'],
  ['980921751758', 'me-south-1'],
  ['610118373846', 'mx-central-1'],
];

export const DEFAULT_PUBLISHERS: readonly KnownPublisher[] = [
  { account: '580247275435', name: 'AWS CloudWatch Lambda Insights', source: INSIGHTS },
  { account: '012438385374', name: 'AWS CloudWatch Lambda Insights (af-south-1)', source: INSIGHTS },
  { account: '519774774795', name: 'AWS CloudWatch Lambda Insights (ap-east-1)', source: INSIGHTS },
  { account: '891564319516', name: 'AWS CloudWatch Lambda Insights (ap-south-2)', source: INSIGHTS },
  { account: '439286490199', name: 'AWS CloudWatch Lambda Insights (ap-southeast-3)', source: INSIGHTS },
  { account: '194566237122', name: 'AWS CloudWatch Lambda Insights (ap-northeast-3)', source: INSIGHTS },
  {
    account: '017000801446',
    name: 'Powertools for AWS Lambda (Python)',
    source: 'https://docs.aws.amazon.com/powertools/python/latest/',
  },
  {
    account: '094274105915',
    name: 'Powertools for AWS Lambda (TypeScript)',
    source: 'https://docs.aws.amazon.com/powertools/typescript/latest/',
  },
  { account: '615299751070', name: 'AWS Distro for OpenTelemetry (Application Signals)', source: OTEL },
  { account: '904233096616', name: 'AWS Distro for OpenTelemetry (af-south-1)', source: OTEL },
  { account: '888577020596', name: 'AWS Distro for OpenTelemetry (ap-east-1)', source: OTEL },
  { account: '796973505492', name: 'AWS Distro for OpenTelemetry (ap-south-2)', source: OTEL },
  { account: '039612877180', name: 'AWS Distro for OpenTelemetry (ap-southeast-3)', source: OTEL },
  { account: '713881805771', name: 'AWS Distro for OpenTelemetry (ap-southeast-4)', source: OTEL },
  { account: '156041407956', name: 'AWS Distro for OpenTelemetry (eu-central-2)', source: OTEL },
  ...ADOT_REGIONAL.map(([account, region]) => ({
    account,
    name: `AWS Distro for OpenTelemetry (${region})`,
    source: ADOT_DOCS,
  })),
  { account: '901920570463', name: 'AWS Distro for OpenTelemetry (managed layers)', source: ADOT_LEGACY },
  {
    account: '464622532012',
    name: 'Datadog',
    source: 'https://github.com/DataDog/datadog-lambda-extension/releases',
  },
  {
    account: '002406178527',
    name: 'Datadog (AWS GovCloud)',
    source: 'https://github.com/DataDog/datadog-lambda-extension/releases',
  },
];

/** The account of a layer ARN (a constant: a literal is a new object per evaluation). */
const LAYER_ACCOUNT = /^arn:[\w-]+:lambda:[\w-]+:(\d{12}):layer:/;

/** The known publisher of a layer version ARN's account, or null. */
export function publisherOf(
  arn: string,
  publishers: readonly KnownPublisher[] = DEFAULT_PUBLISHERS,
): KnownPublisher | null {
  const account = LAYER_ACCOUNT.exec(arn)?.[1];
  return account === undefined ? null : (publishers.find((p) => p.account === account) ?? null);
}
