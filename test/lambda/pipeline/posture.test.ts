import type { CodeSigningReader, LayersInUse, OrganizationAccounts } from '../../../lambda/adapters/ports.js';
import { analyze } from '../../../lambda/domain/engine.js';
import type { CodeSigningPosture } from '../../../lambda/domain/posture.js';
import { DEFAULT_SETTINGS } from '../../../lambda/domain/settings.js';
import { posture } from '../../../lambda/pipeline/posture.js';
import { recordingTelemetry } from '../../support/fakes.js';
import {
  ACCOUNT,
  functionArn,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  updateFunctionConfiguration,
} from '../../support/records.js';
import { eventOf } from '../../support/run.js';

const INSIGHTS = '580247275435';
const insights = layerArn('LambdaInsightsExtension', 52, INSIGHTS);
const foreign = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);
const sibling = '777788889999';
const enforced: CodeSigningPosture = {
  state: 'enforce',
  configArn: 'csc',
  allowedPublishers: ['p'],
  detail: null,
};

const never = <T>() => new Promise<T>(() => {});

class Reader implements CodeSigningReader {
  calls = 0;
  constructor(private readonly answer: () => Promise<CodeSigningPosture>) {}
  readCodeSigning() {
    this.calls += 1;
    return this.answer();
  }
}

class Baselines implements LayersInUse {
  calls = 0;
  signal: AbortSignal | undefined;
  constructor(private readonly answer: () => Promise<Awaited<ReturnType<LayersInUse['readAll']>>>) {}
  readAll(signal?: AbortSignal) {
    this.calls += 1;
    this.signal = signal;
    return this.answer();
  }
}

function attach(layers: string[]) {
  const event = eventOf(updateFunctionConfiguration('orders', { layers }));
  return { event, analysis: analyze(event, { baseline: null, live: { status: 'not-read' } }) };
}

describe('posture step', () => {
  it('puts the code signing and the guardrail verdict on a function finding', async () => {
    const { event, analysis } = attach([foreign]);
    const t = recordingTelemetry();
    const out = await posture(
      event,
      analysis,
      DEFAULT_SETTINGS,
      { codeSigning: new Reader(async () => enforced) },
      t,
    );
    expect(out.finding?.posture).toEqual({
      codeSigning: enforced,
      guardrail: expect.objectContaining({
        verdict: 'refused',
        refusedLayers: [foreign],
        line: expect.stringMatching(
          /^a guardrail from your current inventory would have refused this call: perf-monitor-extension:1/,
        ),
      }),
    });
    expect(out.finding?.gaps).toEqual([]);
    expect(t.counted).toEqual([]);
  });

  it('a read that fails or never answers loses nothing: the finding goes on, named', async () => {
    const { event, analysis } = attach([foreign]);
    const t = recordingTelemetry();
    const started = Date.now();
    const out = await posture(event, analysis, DEFAULT_SETTINGS, { codeSigning: new Reader(never) }, t, 50);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(out.finding?.posture?.codeSigning).toMatchObject({
      state: 'not-read',
      detail: 'no answer within 50 ms',
    });
    expect(out.finding?.gaps).toEqual(['posture: code signing not read (no answer within 50 ms)']);
    expect(out.finding?.posture?.guardrail.verdict).toBe('refused');
    expect(t.counted).toEqual(['EnrichmentFailures']);
  });

  it('stops a state-table scan still paging at the deadline: no read outlives the step', async () => {
    const slow = new Baselines(never);
    const pub = attach([insights]);
    const out = await posture(
      pub.event,
      pub.analysis,
      DEFAULT_SETTINGS,
      { layersInUse: slow },
      recordingTelemetry(),
      50,
    );
    expect(slow.calls).toBe(1);
    expect(slow.signal?.aborted).toBe(true);
    expect(out.finding?.posture?.guardrail.verdict).toBe('not-judged');
  });

  it('says code signing was not read when the host has no reader', async () => {
    const { event, analysis } = attach([foreign]);
    const out = await posture(event, analysis, DEFAULT_SETTINGS, {}, recordingTelemetry());
    expect(out.finding?.posture?.codeSigning.state).toBe('not-read');
  });

  it('reads the baselines only for a known publisher layer, and allows it when one is in use', async () => {
    const none = new Baselines(async () => ({ functions: [], unreadable: [] }));
    const own = attach([layerArn('deps', 3)]);
    await posture(own.event, own.analysis, DEFAULT_SETTINGS, { layersInUse: none }, recordingTelemetry());
    expect(none.calls).toBe(0);

    const used = new Baselines(async () => ({
      functions: [{ functionArn: functionArn('api'), layers: [insights] }],
      unreadable: [],
    }));
    const pub = attach([insights]);
    const out = await posture(
      pub.event,
      pub.analysis,
      DEFAULT_SETTINGS,
      { layersInUse: used },
      recordingTelemetry(),
    );
    expect(used.calls).toBe(1);
    expect(out.finding?.posture?.guardrail).toMatchObject({
      verdict: 'allowed',
      basis: expect.stringContaining('1 baseline of the state table'),
    });

    const failing = new Baselines(async () => {
      throw new Error('throttled');
    });
    const again = attach([insights]);
    const judged = await posture(
      again.event,
      again.analysis,
      DEFAULT_SETTINGS,
      { layersInUse: failing },
      recordingTelemetry(),
    );
    expect(judged.finding?.posture?.guardrail).toMatchObject({ verdict: 'not-judged' });
    expect(judged.finding?.gaps).toContainEqual(
      expect.stringContaining("the state table's baselines were not read (Error: throttled)"),
    );
  });

  it("counts the organization's accounts as own, and does not call a sibling's layer refused when they cannot be listed", async () => {
    const layer = layerArn('shared', 2, sibling);
    const listed: OrganizationAccounts = { accounts: async () => [ACCOUNT, sibling] };
    const a = attach([layer]);
    const ok = await posture(
      a.event,
      a.analysis,
      DEFAULT_SETTINGS,
      { organization: listed },
      recordingTelemetry(),
    );
    expect(ok.finding?.posture?.guardrail.verdict).toBe('allowed');
    const down: OrganizationAccounts = {
      accounts: async () => {
        throw new Error('AccessDenied');
      },
    };
    const b = attach([layer]);
    const unknown = await posture(
      b.event,
      b.analysis,
      DEFAULT_SETTINGS,
      { organization: down },
      recordingTelemetry(),
    );
    expect(unknown.finding?.posture?.guardrail.verdict).toBe('not-judged');
  });

  it('leaves a finding about no function alone, and reads nothing', async () => {
    const event = eventOf(publishLayerVersion('tools', 2));
    const analysis = analyze(event, { baseline: null, live: { status: 'not-read' } });
    const reader = new Reader(async () => enforced);
    const out = await posture(
      event,
      analysis,
      DEFAULT_SETTINGS,
      { codeSigning: reader },
      recordingTelemetry(),
    );
    expect(out.finding?.posture).toBeNull();
    expect(reader.calls).toBe(0);
  });
});
