/**
 * Lambda Managed Instances through the handler's steps: the LATEST_PUBLISHED publish names the
 * capacity provider (from the record) and the other function versions on it; a function event
 * names it from the live configuration; a failed listing is a gap; a function on Lambda's own fleet
 * asks nothing.
 */
import type { CapacityProviderReader } from '../../../lambda/adapters/ports.js';
import type { CapacityProviderContext } from '../../../lambda/domain/capacity-provider.js';
import { analyze } from '../../../lambda/domain/engine.js';
import { enrich } from '../../../lambda/pipeline/enrich.js';
import {
  FakeLayers,
  FakeReader,
  MemoryBaselines,
  MemoryCorrelations,
  recordingTelemetry,
} from '../../support/fakes.js';
import { functionArn, layerArn, OTHER_ACCOUNT, updateFunctionConfiguration } from '../../support/records.js';
import { eventOf } from '../../support/run.js';
import { expectValidFinding } from '../../support/schema.js';
import { publishVersion } from '../../support/version-records.js';

const CP = 'arn:aws:lambda:us-east-1:111122223333:capacity-provider:shared-hosts';
const implant = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);

class FakeCapacityProviders implements CapacityProviderReader {
  readonly asked: string[] = [];
  constructor(private readonly answer: (arn: string) => CapacityProviderContext) {}
  async functionsOn(arn: string) {
    this.asked.push(arn);
    return this.answer(arn);
  }
}

function ports(answer: (arn: string) => CapacityProviderContext) {
  return {
    reader: new FakeReader(),
    layers: new FakeLayers((arn) => ({ status: 'not-found', message: `${arn} gone` })),
    baselines: new MemoryBaselines(),
    correlations: new MemoryCorrelations(),
    capacityProviders: new FakeCapacityProviders(answer),
  };
}

async function handle(p: ReturnType<typeof ports>, rec: Record<string, unknown>) {
  const { organizationAccounts: _o, ...context } = await enrich(eventOf(rec), p, recordingTelemetry());
  return analyze(eventOf(rec), context).finding;
}

const listed = (arn: string): CapacityProviderContext => ({
  arn,
  functions: [
    `${functionArn('mi')}:1`,
    `${functionArn('mi')}:2`,
    `${functionArn('billing')}:4`,
    `${functionArn('auth')}:$LATEST.PUBLISHED`,
  ],
  complete: true,
});

describe('enrich step: Lambda Managed Instances', () => {
  it('names the capacity provider of a LATEST_PUBLISHED publish and the other functions on it', async () => {
    const p = ports(listed);
    const f = await handle(
      p,
      publishVersion('mi', '2', { layers: [implant], publishTo: 'LATEST_PUBLISHED', capacityProvider: CP }),
    );
    expect(p.capacityProviders.asked).toEqual([CP]);
    expect(f?.detectionId).toBe('lambda-version-published-with-layer');
    expect(f?.capacityProvider).toEqual({
      arn: CP,
      others: [`${functionArn('billing')}:4`, `${functionArn('auth')}:$LATEST.PUBLISHED`],
      complete: true,
      error: null,
    });
    expect(f?.reasons.join('\n')).toContain(
      `runs on capacity provider ${CP}, the isolation boundary of its code; it shares its hosts with billing:4, auth:$LATEST.PUBLISHED`,
    );
    expectValidFinding(f);
  });

  it('names it for a function event from the live configuration, and a failed listing as a gap', async () => {
    const p = ports((arn) => ({ arn, error: 'AccessDeniedException: no' }));
    p.reader.result = () => ({
      status: 'ok',
      layers: [implant],
      runtime: null,
      role: null,
      capacityProvider: CP,
    });
    const f = await handle(p, updateFunctionConfiguration('mi', { layers: [implant] }));
    expect(f?.capacityProvider).toMatchObject({ arn: CP, others: [], complete: false });
    expect(f?.gaps).toContain(
      `capacity provider ${CP}: function versions not listed (AccessDeniedException: no)`,
    );
    expectValidFinding(f);
  });

  it('asks nothing for a function on Lambda’s own fleet', async () => {
    const p = ports(listed);
    const f = await handle(p, publishVersion('pay', '2', { layers: [implant] }));
    expect(p.capacityProviders.asked).toEqual([]);
    expect(f).not.toHaveProperty('capacityProvider');
  });
});
