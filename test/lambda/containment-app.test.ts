import type { Logger } from '@aws-lambda-powertools/logger';
import { createContainment } from '../../lambda/containment-app.js';
import type { Baseline } from '../../lambda/domain/baseline.js';
import type { AlertMessage } from '../../lambda/domain/render/alert.js';
import type { RevertPort } from '../../lambda/pipeline/revert-apply.js';
import { ACTION_ARN, asffFinding, customActionEvent } from './domain/revert/custom-action-fixtures.js';
import { ARN, DEPS, EVIL, snapshot } from './domain/revert/fixtures.js';

const logger = { info: () => {}, warn: () => {} } as unknown as Logger;
const attacked: Baseline = {
  functionArn: ARN,
  truncated: false,
  states: [
    { eventTime: '2026-03-01T00:00:00Z', eventId: 'a', layers: [DEPS], source: 'event' },
    { eventTime: '2026-03-14T09:00:00Z', eventId: 'b', layers: [DEPS, EVIL], source: 'event' },
  ],
};

function world(
  change: { snapshot?: Parameters<typeof snapshot>[0]; baseline?: Baseline | null; failAlias?: boolean } = {},
) {
  const writes: string[] = [];
  const published: AlertMessage[] = [];
  const port: RevertPort = {
    snapshot: async (arn) => snapshot({ arn, ...change.snapshot }),
    setLayers: async (_, layers, revision) => {
      writes.push(`layers ${layers.join(',')} @${revision}`);
      return 'r-new';
    },
    setRouting: async (_, alias, to, revision) => {
      if (change.failAlias)
        throw Object.assign(new Error('changed'), { name: 'PreconditionFailedException' });
      writes.push(`alias ${alias} -> ${to.version} @${revision}`);
      return 'r-new';
    },
    setConcurrency: async () => {
      throw new Error('the containment never throttles');
    },
  };
  const contain = createContainment({
    port,
    baseline: async () => (change.baseline === undefined ? attacked : change.baseline),
    publisher: {
      publish: async (m) => {
        published.push(m);
        return 'm-1';
      },
    },
    actionArn: ACTION_ARN,
    partition: 'aws',
    stack: 'LayerWatch',
    maxFunctions: 5,
    logger,
  });
  return { contain, writes, published };
}

describe('createContainment', () => {
  it('reverts $LATEST to its baseline and repoints the alias, RevisionId-guarded, and reports who asked and what it did', async () => {
    const w = world();
    const report = await w.contain(customActionEvent([asffFinding()]));
    expect(w.writes).toEqual(['alias prod -> 3 @r-prod', `layers ${DEPS} @r-latest`]);
    expect(report.done).toHaveLength(2);
    const [message] = w.published;
    expect(message?.subject).toBe('[HIGH] layerwatch containment contained: 1 function(s)');
    const email = JSON.parse(message?.message ?? '{}').email as string;
    expect(email).toContain(`custom action ${ACTION_ARN} (event e-1`);
    expect(email).toContain(`function ${ARN} (finding f1)`);
  });

  it("refuses layerwatch's own function, changing nothing, and says so", async () => {
    const w = world({ snapshot: { name: 'LayerWatch-LayerWatchDetectorHandler-abc' } });
    const report = await w.contain(customActionEvent([asffFinding()]));
    expect(w.writes).toEqual([]);
    expect(report.plans[0]?.refusal?.guard).toBe('own-function');
    const message = w.published[0];
    expect(message?.subject).toBe('[HIGH] layerwatch containment refused: 1 function(s)');
    expect(JSON.parse(message?.message ?? '{}').email).toContain('REFUSED (own-function)');
  });

  it('gives a stack-managed function the drift revert, never an API write', async () => {
    const w = world({ snapshot: { stackName: 'payments' } });
    const report = await w.contain(customActionEvent([asffFinding()]));
    expect(w.writes).toEqual([]);
    expect(report.plans[0]?.refusal?.guard).toBe('stack-managed');
  });

  it("changes nothing the deployment's baseline does not confirm (a finding anyone could have imported)", async () => {
    const w = world({ baseline: null });
    const report = await w.contain(customActionEvent([asffFinding()]));
    expect(w.writes).toEqual([]);
    expect(report.skipped).toEqual([expect.stringContaining('holds no baseline')]);
    expect(w.published).toHaveLength(1);
  });

  it('refuses more functions than its cap, changing none', async () => {
    const w = world();
    const findings = [1, 2, 3, 4, 5, 6].map((i) =>
      asffFinding({ Resources: [{ Type: 'AwsLambdaFunction', Id: `${ARN}${i}` }] }),
    );
    const report = await w.contain(customActionEvent(findings));
    expect(report.refused).toMatch(/more than --max-functions 5/);
    expect(w.writes).toEqual([]);
  });

  it('undoes what it did when a later write is refused, and reports it failed', async () => {
    const w = world({ failAlias: true });
    const report = await w.contain(customActionEvent([asffFinding()]));
    expect(report.failed?.error).toMatch(/changed/);
    expect(JSON.parse(w.published[0]?.message ?? '{}').email).toMatch(/^layerwatch containment: failed/);
  });

  it('throws on an event that is not its custom action, publishing nothing', async () => {
    const w = world();
    await expect(w.contain(customActionEvent([asffFinding()], { resources: ['x'] }))).rejects.toThrow(
      /not the containment's/,
    );
    expect(w.published).toEqual([]);
  });
});
