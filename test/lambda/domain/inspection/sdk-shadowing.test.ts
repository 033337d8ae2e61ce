import { sdkShadowing } from '../../../../lambda/domain/inspection/sdk-shadowing.js';
import { dir, file, view } from './entries.js';

describe('sdk-shadowing', () => {
  it.each([
    ['python/boto3/__init__.py', 'python/boto3/', 'boto3'],
    [
      'python/lib/python3.12/site-packages/botocore/client.py',
      'python/lib/python3.12/site-packages/botocore/',
      'botocore',
    ],
    ['python/s3transfer/manager.py', 'python/s3transfer/', 's3transfer'],
    [
      'nodejs/node_modules/@aws-sdk/client-s3/package.json',
      'nodejs/node_modules/@aws-sdk/client-s3/',
      '@aws-sdk/client-s3',
    ],
    ['nodejs/node20/node_modules/aws-sdk/index.js', 'nodejs/node20/node_modules/aws-sdk/', 'aws-sdk'],
  ])('reports %s as %s', (path, where, name) => {
    const [s] = sdkShadowing.evaluate(view([file(path)]));
    expect(s).toEqual(expect.objectContaining({ id: 'sdk-shadowing', severity: 'medium', path: where }));
    expect(s?.reason).toContain(name);
  });

  it('reports each package once, however many files it has', () => {
    const signals = sdkShadowing.evaluate(
      view([file('python/boto3/a.py'), file('python/boto3/b.py'), file('python/botocore/c.py')]),
    );
    expect(signals.map((s) => s.path)).toEqual(['python/boto3/', 'python/botocore/']);
  });

  it.each([
    'python/boto3_helpers/__init__.py',
    'python/boto3-1.35.0.dist-info/METADATA',
    'python/mylib/vendor/boto3/__init__.py',
    'nodejs/node_modules/some-lib/node_modules/@aws-sdk/client-s3/index.js',
    'nodejs/node_modules/@aws-sdk',
    'nodejs/node_modules/aws-sdk-mock/index.js',
    'node_modules/@aws-sdk/client-s3/index.js',
    'python/boto3',
  ])('ignores %s', (path) => {
    expect(sdkShadowing.evaluate(view([file(path)]))).toEqual([]);
  });

  it('ignores directory entries alone', () => {
    expect(sdkShadowing.evaluate(view([dir('python/boto3')]))).toEqual([]);
  });
});
