import { eventKindOf, normalize } from '../../../lambda/domain/cloudtrail.js';
import { publicationOf, qualifierFunctionOf } from '../../../lambda/domain/model.js';
import { createFunction, envelope, failed, functionArn, layerArn } from '../../support/records.js';
import {
  createAlias,
  deleteAlias,
  publishVersion,
  updateAlias,
  updateFunctionCodePublished,
} from '../../support/version-records.js';

const L = layerArn('otel', 3);

function relevant(input: unknown) {
  const r = normalize(input);
  if (r.status !== 'relevant') throw new Error(`not relevant: ${JSON.stringify(r)}`);
  return r.event;
}

describe('eventKindOf: versions and aliases', () => {
  it.each([
    ['PublishVersion20150331', 'PublishVersion'],
    ['PublishVersion', 'PublishVersion'],
    ['CreateAlias20150331', 'CreateAlias'],
    ['UpdateAlias20150331', 'UpdateAlias'],
    ['UpdateAlias20150331v2', 'UpdateAlias'],
    ['DeleteAlias20150331', 'DeleteAlias'],
    ['PublishVersionX', null],
    ['GetAlias20150331', null],
    ['ListAliases20150331', null],
  ])('%s -> %s', (name, kind) => {
    expect(eventKindOf(name)).toBe(kind);
  });
});

describe('normalize: versions', () => {
  it('reads the version, its layers and the unqualified function from the PublishVersion response', () => {
    const event = relevant(envelope(publishVersion('pay', '8', { layers: [L] })));
    expect(event).toMatchObject({
      kind: 'PublishVersion',
      fn: { arn: functionArn('pay'), name: 'pay' },
      published: { version: '8', layers: { state: 'list', layers: [L] }, publishTo: null },
    });
  });

  it('reads a version without layers as an empty list, and keeps PublishTo', () => {
    const event = relevant(publishVersion('pay', '2', { publishTo: 'LATEST_PUBLISHED' }));
    expect(publicationOf(event)).toEqual({
      version: '2',
      layers: { state: 'list', layers: [] },
      codeSha256: expect.any(String),
      publishTo: 'LATEST_PUBLISHED',
    });
  });

  it('finds the version CreateFunction published with publish: true, and none without', () => {
    const published = createFunction('pay', { layers: [L] });
    (published.responseElements as Record<string, unknown>).version = '1';
    expect(publicationOf(relevant(published))?.version).toBe('1');
    expect(publicationOf(relevant(createFunction('pay', { layers: [L] })))).toBeNull();
  });

  it('keeps UpdateFunctionCode a tamper reading and adds the version it published', () => {
    const event = relevant(updateFunctionCodePublished('pay', '9', { layers: [L] }));
    expect(event.kind).toBe('Tamper');
    expect(qualifierFunctionOf(event)?.arn).toBe(functionArn('pay'));
    expect(publicationOf(event)).toMatchObject({ version: '9', layers: { state: 'list', layers: [L] } });
  });

  it.each([
    [
      'a response naming $LATEST',
      {
        ...publishVersion('pay', '8'),
        responseElements: { version: '$LATEST', functionArn: functionArn('pay') },
      },
    ],
    [
      'no response and no function name',
      { ...publishVersion('pay', '8'), requestParameters: {}, responseElements: null },
    ],
  ])('reports a PublishVersion with %s as malformed', (_name, record) => {
    expect(normalize(record).status).toBe('malformed');
  });

  it('ignores a failed publish', () => {
    expect(normalize(failed(publishVersion('pay', '8'))).status).toBe('ignored');
  });
});

describe('normalize: aliases', () => {
  it('reads an alias, its version and its weighted routing', () => {
    const event = relevant(updateAlias('pay', 'prod', '8', { weights: { '9': 0.05 } }));
    expect(event).toMatchObject({
      kind: 'UpdateAlias',
      fn: { arn: functionArn('pay') },
      alias: 'prod',
      routing: { version: '8', weights: { '9': 0.05 } },
    });
  });

  it('reads a response without routing as no second version', () => {
    expect(relevant(createAlias('pay', 'prod', '3'))).toMatchObject({
      kind: 'CreateAlias',
      routing: { version: '3', weights: {} },
    });
  });

  it('takes the version from the response when the request omits it', () => {
    const event = relevant(updateAlias('pay', 'prod', '8', { omitVersion: true, weights: { '9': 0.5 } }));
    expect(event).toMatchObject({ routing: { version: '8', weights: { '9': 0.5 } } });
  });

  it('reads DeleteAlias from its request', () => {
    expect(relevant(deleteAlias('pay', 'canary'))).toMatchObject({
      kind: 'DeleteAlias',
      alias: 'canary',
      routing: null,
      fn: { arn: functionArn('pay') },
    });
  });

  it.each([
    ['a weight above 1', { additionalVersionWeights: { '9': 2 } }],
    ['a weight on a name that is no version', { additionalVersionWeights: { prod: 0.1 } }],
    ['routing that is a string', 'x'],
  ])('reports an alias with %s as malformed', (_name, routingConfig) => {
    const record = updateAlias('pay', 'prod', '8');
    (record.responseElements as Record<string, unknown>).routingConfig = routingConfig;
    expect(normalize(record).status).toBe('malformed');
  });
});
