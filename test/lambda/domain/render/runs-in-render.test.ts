import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../../../lambda/domain/finding.js';
import { renderAsff } from '../../../../lambda/domain/render/asff.js';
import { chatNotification } from '../../../../lambda/domain/render/chat.js';
import { emailText } from '../../../../lambda/domain/render/email.js';
import { ocsfResources } from '../../../../lambda/domain/render/ocsf.js';

const example = (id: string): Finding =>
  JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', '..', 'examples', 'findings', `${id}.json`), 'utf8'),
  );

describe('where the layers run, as people read it', () => {
  it.each([
    ['lambda-alias-routes-to-layer', '$LATEST, alias prod (version 12, 5 %), version 12'],
    ['lambda-layer-still-runs', 'alias prod (version 12, 100 %), version 12'],
    ['lambda-version-published-with-layer', '$LATEST, version 12'],
  ])('%s: email and chat name %s', (id, text) => {
    const f = example(id);
    expect(emailText(f)).toContain(`  Runs in:     ${text}`);
    expect(chatNotification(f).content.description).toContain(`*Runs in:* \`${text}\``);
    const asff = renderAsff(f, { productVersion: '0.1.0', updatedAt: '2026-03-15T00:00:00Z' });
    expect(asff.ProductFields['layerwatch/RunsIn']).toBe(text);
  });

  it.each(['lambda-alias-routes-to-layer', 'lambda-layer-still-runs', 'lambda-version-published-with-layer'])(
    '%s: OCSF carries each qualifier with its version and share on the function resource',
    (id) => {
      const f = example(id);
      const fn = ocsfResources(f).find((r) => r.type === 'AWS::Lambda::Function');
      expect(f.runsIn?.length).toBeGreaterThan(0);
      expect(fn?.data.runs_in).toEqual(f.runsIn);
    },
  );

  it('OCSF says nothing of qualifiers for a finding that does not know them', () => {
    const f = { ...example('lambda-layer-still-runs'), runsIn: null };
    const fn = ocsfResources(f).find((r) => r.type === 'AWS::Lambda::Function');
    expect(fn?.data).not.toHaveProperty('runs_in');
  });

  it('says so when no qualifier is known to run the layers, and says nothing for a finding on no function', () => {
    const f = { ...example('lambda-layer-still-runs'), runsIn: [] };
    expect(emailText(f)).toContain('Runs in:     no qualifier known to run it now');
    expect(emailText(example('lambda-layer-shared'))).not.toContain('Runs in:');
  });
});
