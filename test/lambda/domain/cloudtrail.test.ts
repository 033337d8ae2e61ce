import { eventKindOf, normalize, readLayerList } from '../../../lambda/domain/cloudtrail.js';
import {
  ACCOUNT,
  addLayerVersionPermission,
  createFunction,
  envelope,
  failed,
  functionArn,
  layerArn,
  otherService,
  publishLayerVersion,
  updateFunctionConfiguration,
} from '../../support/records.js';

describe('eventKindOf', () => {
  it.each([
    ['UpdateFunctionConfiguration20150331v2', 'UpdateFunctionConfiguration'],
    ['UpdateFunctionConfiguration20150331', 'UpdateFunctionConfiguration'],
    ['UpdateFunctionConfiguration', 'UpdateFunctionConfiguration'],
    ['CreateFunction20150331', 'CreateFunction'],
    ['PublishLayerVersion20181031', 'PublishLayerVersion'],
    ['AddLayerVersionPermission20181031', 'AddLayerVersionPermission'],
    ['CreateFunctionUrlConfig20211031', null],
    ['UpdateFunctionCode20150331v2', null],
    ['UpdateFunctionConfigurationX', null],
    ['AddPermission20150331v2', null],
    ['', null],
  ])('%s -> %s', (name, kind) => {
    expect(eventKindOf(name)).toBe(kind);
  });
});

describe('readLayerList', () => {
  it.each([
    ['absent', undefined, { state: 'absent' }],
    ['null', null, { state: 'absent' }],
    ['ARN strings', ['a:1', 'b:2'], { state: 'list', layers: ['a:1', 'b:2'] }],
    ['response objects', [{ arn: 'a:1', codeSize: 1 }], { state: 'list', layers: ['a:1'] }],
    ['empty list (all removed)', [], { state: 'list', layers: [] }],
    ['object keyed by index', { 1: 'b:2', 0: 'a:1' }, { state: 'list', layers: ['a:1', 'b:2'] }],
  ])('%s', (_name, value, expected) => {
    expect(readLayerList(value)).toEqual(expected);
  });

  it.each([
    ['a string', 'arn:aws:lambda:us-east-1:111122223333:layer:x:1'],
    ['an object with other keys', { arn: 'x' }],
    ['a list with a number', ['a:1', 7]],
    ['a list with an object without arn', [{ codeSize: 3 }]],
  ])('%s is unreadable, not silently empty', (_name, value) => {
    expect(readLayerList(value).state).toBe('unreadable');
  });
});

describe('normalize', () => {
  it('reads an UpdateFunctionConfiguration record, raw or in an EventBridge envelope, to the same event', () => {
    const record = updateFunctionConfiguration('orders', { layers: [layerArn('ext', 1)] });
    const raw = normalize(record);
    const wrapped = normalize(envelope(record));
    expect(raw.status).toBe('relevant');
    expect(wrapped).toEqual(raw);
    if (raw.status !== 'relevant' || raw.event.kind !== 'UpdateFunctionConfiguration')
      throw new Error('unexpected');
    expect(raw.event.fn).toEqual({
      arn: functionArn('orders'),
      name: 'orders',
      account: ACCOUNT,
      region: 'us-east-1',
      partition: 'aws',
    });
    expect(raw.event.requested).toEqual({ state: 'list', layers: [layerArn('ext', 1)] });
    expect(raw.event.responded).toEqual({ state: 'list', layers: [layerArn('ext', 1)] });
    expect(raw.event.actor).toMatchObject({
      type: 'IAMUser',
      accessKeyId: 'AKIAEXAMPLEKEY000001',
      mfaAuthenticated: null,
    });
    expect(raw.event.details.runtime).toBe('python3.12');
  });

  it('reads a configuration response without `layers` as an empty list (the API omits empty lists)', () => {
    const r = normalize(updateFunctionConfiguration('orders', { request: { memorySize: 512 } }));
    if (r.status !== 'relevant' || r.event.kind !== 'UpdateFunctionConfiguration')
      throw new Error('unexpected');
    expect(r.event.requested).toEqual({ state: 'absent' });
    expect(r.event.responded).toEqual({ state: 'list', layers: [] });
  });

  it('keeps the request when there is no response', () => {
    const r = normalize(
      updateFunctionConfiguration('orders', { layers: [layerArn('ext', 1)], noResponse: true }),
    );
    if (r.status !== 'relevant' || r.event.kind !== 'UpdateFunctionConfiguration')
      throw new Error('unexpected');
    expect(r.event.responded).toEqual({ state: 'absent' });
    expect(r.event.fn.arn).toBe(functionArn('orders'));
  });

  it.each([
    ['a partial ARN', `${ACCOUNT}:function:orders`],
    ['a full ARN', functionArn('orders')],
    ['a name', 'orders'],
  ])('resolves functionName given as %s', (_name, functionName) => {
    const record = updateFunctionConfiguration('orders', {
      layers: [],
      noResponse: true,
      request: { functionName },
    });
    const r = normalize(record);
    if (r.status !== 'relevant' || r.event.kind !== 'UpdateFunctionConfiguration')
      throw new Error(JSON.stringify(r));
    expect(r.event.fn.arn).toBe(functionArn('orders'));
  });

  it('resolves the structured fullyQualifiedArn form of newer records', () => {
    const record = updateFunctionConfiguration('x', { layers: [], noResponse: true });
    record.requestParameters = {
      fullyQualifiedArn: {
        arnPrefix: { account: '999988887777', partition: 'aws', region: 'eu-west-1' },
        functionQualifier: {},
        relativeId: { functionName: 'billing' },
      },
      layers: [],
    };
    const r = normalize(record);
    if (r.status !== 'relevant' || r.event.kind !== 'UpdateFunctionConfiguration')
      throw new Error(JSON.stringify(r));
    expect(r.event.fn.arn).toBe('arn:aws:lambda:eu-west-1:999988887777:function:billing');
  });

  it('reads CreateFunction', () => {
    const r = normalize(createFunction('api', { layers: [layerArn('deps', 4)] }));
    expect(r).toMatchObject({
      status: 'relevant',
      event: { kind: 'CreateFunction', requested: { state: 'list' } },
    });
  });

  it('reads PublishLayerVersion from the response', () => {
    const r = normalize(publishLayerVersion('tools', 7, { description: 'build tools' }));
    expect(r).toMatchObject({
      status: 'relevant',
      event: {
        kind: 'PublishLayerVersion',
        layer: { versionArn: layerArn('tools', 7), name: 'tools', version: 7, account: ACCOUNT },
        description: 'build tools',
      },
    });
  });

  it.each([
    ['*', undefined, true],
    ['*', 'o-abc123def4', false],
    ['444455556666', undefined, false],
  ])('AddLayerVersionPermission to %s (org %s) is public: %s', (principal, organizationId, isPublic) => {
    const r = normalize(addLayerVersionPermission('tools', 7, principal, { organizationId }));
    expect(r).toMatchObject({
      status: 'relevant',
      event: {
        kind: 'AddLayerVersionPermission',
        layer: { versionArn: layerArn('tools', 7) },
        permission: { principal, public: isPublic },
      },
    });
  });

  it.each([
    ['*', 'us-east-1', null],
    [ACCOUNT, 'us-east-1', ACCOUNT],
    [`arn:aws:iam::${ACCOUNT}:root`, 'us-east-1', ACCOUNT],
    [`arn:aws-cn:iam::${ACCOUNT}:root`, 'cn-north-1', ACCOUNT],
    [`arn:aws-us-gov:iam::${ACCOUNT}:root`, 'us-gov-west-1', ACCOUNT],
    [`arn:aws-cn:iam::${ACCOUNT}:root`, 'us-east-1', null],
    [`arn:aws:iam::${ACCOUNT}:user/x`, 'us-east-1', null],
    [`arn:aws:iam::${ACCOUNT}:root `, 'us-east-1', null],
  ])('AddLayerVersionPermission to %s in %s names the account %s', (principal, region, account) => {
    const r = normalize(addLayerVersionPermission('tools', 7, principal, { region }));
    expect(r).toMatchObject({ status: 'relevant', event: { permission: { principal, account } } });
  });

  it.each([
    [
      'a failed call',
      failed(
        updateFunctionConfiguration('orders', { layers: [layerArn('x', 1)] }),
        'ResourceConflictException',
      ),
    ],
    ['another service', otherService()],
    [
      'an unwatched Lambda call',
      { ...updateFunctionConfiguration('orders'), eventName: 'AddPermission20150331v2' },
    ],
    [
      'a look-alike name',
      { ...updateFunctionConfiguration('orders'), eventName: 'CreateFunctionUrlConfig20211031' },
    ],
    [
      'another EventBridge detail-type',
      { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} },
    ],
  ])('ignores %s', (_name, input) => {
    expect(normalize(input).status).toBe('ignored');
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'x'],
    ['a record without eventID', { ...updateFunctionConfiguration('o'), eventID: undefined }],
    ['a record with a bad eventTime', { ...updateFunctionConfiguration('o'), eventTime: 'yesterday' }],
    [
      'a record without any account',
      {
        ...updateFunctionConfiguration('o'),
        recipientAccountId: undefined,
        userIdentity: { type: 'IAMUser' },
      },
    ],
    ['requestParameters that is a string', { ...updateFunctionConfiguration('o'), requestParameters: 'x' }],
    [
      'a function event naming no function',
      { ...updateFunctionConfiguration('o'), requestParameters: {}, responseElements: null },
    ],
    [
      'an envelope whose detail is not an object',
      { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.lambda', detail: 3 },
    ],
    [
      'a share without principal',
      {
        ...addLayerVersionPermission('t', 1, '*'),
        requestParameters: { layerName: 't', versionNumber: 1 },
        responseElements: null,
      },
    ],
  ])('reports %s as malformed with a reason', (_name, input) => {
    const r = normalize(input);
    expect(r.status).toBe('malformed');
    expect(r.status === 'malformed' && r.reason.length).toBeGreaterThan(5);
  });
});
