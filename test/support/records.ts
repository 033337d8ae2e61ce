/**
 * Builders for CloudTrail records as AWS writes them (shapes checked against published captures):
 * versioned event names, request layers as ARN strings, response layers as {arn, codeSize}
 * objects, a response that omits `layers` when the function has none.
 */

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const REGION = 'us-east-1';

export type Rec = Record<string, unknown>;

export function layerArn(name: string, version: number, account = ACCOUNT, region = REGION): string {
  return `arn:aws:lambda:${region}:${account}:layer:${name}:${version}`;
}

export function functionArn(name: string, account = ACCOUNT, region = REGION): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

let counter = 0;
/** Deterministic event ids. */
export function nextId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

export const identities = {
  iamUser: (): Rec => ({
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEUSERID0001',
    arn: `arn:aws:iam::${ACCOUNT}:user/mallory`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAEXAMPLEKEY000001',
    userName: 'mallory',
  }),
  deployRole: (): Rec => ({
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEROLEID0001:AWSCloudFormation',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}/AWSCloudFormation`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLETEMPKEY01',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLEID0001',
        arn: `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`,
        accountId: ACCOUNT,
        userName: `cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`,
      },
      attributes: { creationDate: '2026-03-14T09:00:00Z', mfaAuthenticated: 'false' },
    },
    invokedBy: 'cloudformation.amazonaws.com',
  }),
  ssoAdmin: (): Rec => ({
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLESSOROLE01:alice@example.com',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLETEMPKEY02',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLESSOROLE01',
        arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
        accountId: ACCOUNT,
        userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
      },
      attributes: { creationDate: '2026-03-14T08:00:00Z', mfaAuthenticated: 'true' },
    },
  }),
};

export interface Common {
  id?: string;
  time?: string;
  identity?: Rec;
  userAgent?: string;
  sourceIp?: string;
  region?: string;
  account?: string;
}

export function base(eventName: string, c: Common): Rec {
  const region = c.region ?? REGION;
  return {
    eventVersion: '1.09',
    userIdentity: c.identity ?? identities.iamUser(),
    eventTime: c.time ?? '2026-03-14T09:05:00Z',
    eventSource: 'lambda.amazonaws.com',
    eventName,
    awsRegion: region,
    sourceIPAddress: c.sourceIp ?? '203.0.113.10',
    userAgent:
      c.userAgent ??
      'aws-cli/2.27.0 md/awscrt#0.26.1 ua/2.1 os/linux#6.8 md/arch#x86_64 lang/python#3.13.3 md/command#lambda.update-function-configuration',
    requestID: 'd3a1c2b4-0000-4000-8000-000000000000',
    eventID: c.id ?? nextId(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: c.account ?? ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `lambda.${region}.amazonaws.com`,
    },
  };
}

export function configuration(
  fn: string,
  layers: readonly string[] | undefined,
  account: string,
  region: string,
): Rec {
  const conf: Rec = {
    functionName: fn,
    functionArn: functionArn(fn, account, region),
    runtime: 'python3.12',
    role: `arn:aws:iam::${account}:role/${fn}-role`,
    handler: 'index.handler',
    codeSize: 1024,
    description: '',
    timeout: 30,
    memorySize: 128,
    lastModified: '2026-03-14T09:05:00.000+0000',
    codeSha256: 'q3mD4nM0cJ4lQf1a5H7pYvV0S2iE0h3m9cQ4o7r1t0E=',
    version: '$LATEST',
    tracingConfig: { mode: 'PassThrough' },
    revisionId: '7e710d48-c7d2-419c-b0bb-2f014bb742d8',
    state: 'Active',
    lastUpdateStatus: 'InProgress',
    packageType: 'Zip',
    architectures: ['x86_64'],
    ephemeralStorage: { size: 512 },
  };
  // The API omits `layers` when the function has none.
  if (layers && layers.length > 0)
    conf.layers = layers.map((arn) => ({ arn, codeSize: 2120, uncompressedCodeSize: 2672 }));
  return conf;
}

export interface UpdateOptions extends Common {
  /** `layers` in the request: undefined = the request does not touch layers. */
  layers?: readonly string[];
  /** Layers the function has after the call (response); defaults to `layers`. */
  responseLayers?: readonly string[];
  /** Other request parameters (memorySize, timeout, environment, ...). */
  request?: Rec;
  noResponse?: boolean;
  eventName?: string;
}

export function updateFunctionConfiguration(fn: string, o: UpdateOptions = {}): Rec {
  const account = o.account ?? ACCOUNT;
  const region = o.region ?? REGION;
  const request: Rec = { functionName: fn, ...o.request };
  if (o.layers !== undefined) request.layers = [...o.layers];
  return {
    ...base(o.eventName ?? 'UpdateFunctionConfiguration20150331v2', o),
    requestParameters: request,
    responseElements: o.noResponse ? null : configuration(fn, o.responseLayers ?? o.layers, account, region),
  };
}

export function createFunction(fn: string, o: UpdateOptions = {}): Rec {
  const account = o.account ?? ACCOUNT;
  const region = o.region ?? REGION;
  const request: Rec = {
    functionName: fn,
    runtime: 'python3.12',
    role: `arn:aws:iam::${account}:role/${fn}-role`,
    handler: 'index.handler',
    code: {},
    ...o.request,
  };
  if (o.layers !== undefined) request.layers = [...o.layers];
  return {
    ...base(o.eventName ?? 'CreateFunction20150331', o),
    requestParameters: request,
    responseElements: o.noResponse ? null : configuration(fn, o.responseLayers ?? o.layers, account, region),
  };
}

export function publishLayerVersion(
  name: string,
  version: number,
  o: Common & { description?: string } = {},
): Rec {
  const account = o.account ?? ACCOUNT;
  const region = o.region ?? REGION;
  return {
    ...base('PublishLayerVersion20181031', o),
    requestParameters: { layerName: name, content: {}, compatibleRuntimes: ['python3.12'] },
    responseElements: {
      content: {
        codeSha256: 'K9s2nT0mB1vQwE3rT5yU7iO9pA1sD3fG5hJ7kL9zX1c=',
        codeSize: 2120,
        uncompressedCodeSize: 0,
      },
      layerArn: `arn:aws:lambda:${region}:${account}:layer:${name}`,
      layerVersionArn: layerArn(name, version, account, region),
      description: o.description ?? '',
      createdDate: '2026-03-14T09:00:00.000+0000',
      version,
      compatibleRuntimes: ['python3.12'],
    },
  };
}

export function addLayerVersionPermission(
  name: string,
  version: number,
  principal: string,
  o: Common & { organizationId?: string; statementId?: string } = {},
): Rec {
  const request: Rec = {
    layerName: name,
    versionNumber: version,
    statementId: o.statementId ?? 'share',
    action: 'lambda:GetLayerVersion',
    principal,
  };
  if (o.organizationId) request.organizationId = o.organizationId;
  return {
    ...base('AddLayerVersionPermission20181031', o),
    requestParameters: request,
    responseElements: {
      statement: JSON.stringify({
        Sid: o.statementId ?? 'share',
        Effect: 'Allow',
        Principal: principal === '*' ? '*' : { AWS: principal },
        Action: 'lambda:GetLayerVersion',
      }),
      revisionId: 'a1b2c3d4-0000-4000-8000-000000000000',
    },
  };
}

/** Wraps a record as EventBridge delivers it. */
export function envelope(record: Rec): Rec {
  return {
    version: '0',
    id: `e-${String(record.eventID)}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.lambda',
    account: record.recipientAccountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

export function failed(record: Rec, errorCode = 'AccessDenied'): Rec {
  return {
    ...record,
    errorCode,
    errorMessage: 'User is not authorized to perform this operation',
    requestParameters: null,
    responseElements: null,
  };
}

/**
 * The record of a layer-setting call IAM refused, as CloudTrail writes it: the request kept, no
 * response, and AWS's message naming the caller, the action, the function and what denied it.
 */
export function denied(
  record: Rec,
  because = 'with an explicit deny in a service control policy',
  errorCode = 'AccessDenied',
): Rec {
  const identity = (record.userIdentity ?? {}) as Rec;
  const request = (record.requestParameters ?? {}) as Rec;
  const action = String(record.eventName).replace(/\d{8}(v\d+)?$/, '');
  const fn = functionArn(
    String(request.functionName),
    String(record.recipientAccountId),
    String(record.awsRegion),
  );
  return {
    ...record,
    errorCode,
    errorMessage: `User: ${String(identity.arn)} is not authorized to perform: lambda:${action} on resource: ${fn} ${because}`,
    responseElements: null,
  };
}

export function otherService(): Rec {
  return {
    ...base('PutObject', {}),
    eventSource: 's3.amazonaws.com',
    requestParameters: { bucketName: 'example-bucket', key: 'a.txt' },
    responseElements: null,
  };
}

/** `n` unwatched calls (`otherService`), each with its own event id. */
export function otherServiceCalls(n: number): Rec[] {
  return Array.from({ length: n }, (_, i) => ({
    ...otherService(),
    eventID: `00000000-0000-4000-8000-${i}`,
  }));
}
