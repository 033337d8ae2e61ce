/**
 * The member template is synthesized in a temporary directory of its own: it is removed once the
 * template is read, and also when the synthesis throws.
 */
// The module object itself (a namespace import is a copy): the spy must be seen by lib/organization.ts.
import fs from 'node:fs';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { LayerWatchOrganization } from '../../lib/organization.js';

const PROPS = {
  organizationId: 'o-abcdefghij',
  organizationalUnitIds: ['ou-ab12-cdef3456'],
  regions: ['us-east-1'],
};

describe('the member template directory', () => {
  let made: string[];

  beforeEach(() => {
    made = [];
    const mkdtemp = fs.mkdtempSync;
    jest.spyOn(fs, 'mkdtempSync').mockImplementation(((prefix: string, options?: fs.EncodingOption) => {
      const dir = mkdtemp(prefix, options) as string;
      if (prefix.includes('layerwatch-member-')) made.push(dir);
      return dir;
    }) as typeof fs.mkdtempSync);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  function centralStack(): Stack {
    const app = new App({ autoSynth: false });
    return new Stack(app, 'Central', { env: { account: '111122223333', region: 'us-east-1' } });
  }

  it('is removed once the template is read', () => {
    const org = new LayerWatchOrganization(centralStack(), 'Organization', PROPS);
    expect(org.memberTemplate).toHaveProperty('Resources');
    expect(made).toHaveLength(1);
    expect(made.filter((dir) => fs.existsSync(dir))).toEqual([]);
  });

  it('is removed when the synthesis throws, and the error reaches the caller', () => {
    const stack = centralStack();
    jest.spyOn(Stage.prototype, 'synth').mockImplementationOnce(() => {
      throw new Error('synthesis failed');
    });
    expect(() => new LayerWatchOrganization(stack, 'Organization', PROPS)).toThrow('synthesis failed');
    expect(made).toHaveLength(1);
    expect(made.filter((dir) => fs.existsSync(dir))).toEqual([]);
  });
});
