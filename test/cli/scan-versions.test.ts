/**
 * `layerwatch scan` over CloudTrail files holding versions and aliases: attach, publish, repoint,
 * detach gives the three findings of the issue, each saying where the layer runs; a deploy that
 * publishes the same layers and moves the alias gives none. The records are in a trail file (and,
 * shuffled, in EventBridge JSON Lines): scan orders them by time, the pre-filter keeps them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli-run.js';
import {
  envelope,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';
import { createAlias, publishVersion, updateAlias } from '../support/version-records.js';

const DEPS = layerArn('shared-deps', 3);
const IMPLANT = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);
const t = (m: number) => ({ time: `2026-03-14T10:${String(m).padStart(2, '0')}:00Z` });
const deploy = { identity: identities.deployRole() };

const deployed = (): Rec[] => [
  updateFunctionConfiguration('pay', { layers: [DEPS], ...t(0), ...deploy }),
  publishVersion('pay', '1', { layers: [DEPS], ...t(1), ...deploy }),
  createAlias('pay', 'prod', '1', { ...t(2), ...deploy }),
];

/** The command, run in this process (test/support/cli-run.ts). */
async function scan(records: Rec[], shape: 'trail' | 'jsonl') {
  const dir = mkdtempSync(join(tmpdir(), 'layerwatch-versions-'));
  const file = join(dir, shape === 'trail' ? 'trail.json' : 'events.jsonl');
  writeFileSync(
    file,
    shape === 'trail'
      ? JSON.stringify({ Records: records })
      : `${[...records]
          .reverse()
          .map((r) => JSON.stringify(envelope(r)))
          .join('\n')}\n`,
  );
  const r = await runCli(['scan', '--format', 'jsonl', file]);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('layerwatch scan: versions and aliases', () => {
  it.each(['trail', 'jsonl'] as const)('attach, publish, repoint, detach (%s)', async (shape) => {
    const found = (
      await scan(
        [
          ...deployed(),
          updateFunctionConfiguration('pay', { layers: [DEPS, IMPLANT], ...t(10) }),
          publishVersion('pay', '2', { layers: [DEPS, IMPLANT], ...t(11) }),
          updateAlias('pay', 'prod', '2', t(12)),
          updateFunctionConfiguration('pay', { layers: [DEPS], ...t(13) }),
        ],
        shape,
      )
    ).filter((f) => f.event.time >= '2026-03-14T10:10:00Z');
    for (const f of found) expectValidFinding(f);
    expect(found.map((f) => f.detectionId)).toEqual([
      'lambda-layer-added',
      'lambda-version-published-with-layer',
      'lambda-alias-routes-to-layer',
      'lambda-layer-still-runs',
    ]);
    const [added, publish, alias, detach] = found;
    expect(added.runsIn).toEqual([{ qualifier: '$LATEST', version: null, share: 1 }]);
    expect(publish.related).toEqual([added.event.id]);
    expect(alias.runsIn).toContainEqual({ qualifier: 'prod', version: '2', share: 1 });
    expect(detach.runsIn).toEqual([
      { qualifier: 'prod', version: '2', share: 1 },
      { qualifier: '2', version: '2', share: 1 },
    ]);
    expect(detach.remediation.nextSteps.join('\n')).toContain(
      'aws lambda update-alias --function-name arn:aws:lambda:us-east-1:111122223333:function:pay --name prod --function-version 1',
    );
    expect(detach.severity).toMatch(/high|critical/);
  });

  it('a deploy that publishes the same layers and moves the alias gives no finding', async () => {
    const found = await scan(
      [
        ...deployed(),
        publishVersion('pay', '2', { layers: [DEPS], ...t(10), ...deploy }),
        updateAlias('pay', 'prod', '2', { ...t(11), ...deploy }),
        updateAlias('pay', 'prod', '2', { weights: { '1': 0.1 }, ...t(12), ...deploy }),
      ],
      'trail',
    );
    expect(found.filter((f) => f.event.time >= '2026-03-14T10:10:00Z')).toEqual([]);
  });
});
