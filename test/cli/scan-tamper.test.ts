import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mayHoldCandidate } from '../../lambda/cli/prefilter.js';
import { normalize } from '../../lambda/domain/cloudtrail.js';
import { runCli } from '../support/cli-run.js';
import { otherService } from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';
import {
  failedCall,
  harmlessCalls,
  KEY_ARN,
  ownFunctionChanges,
  tamperingCalls,
} from '../support/tamper-records.js';

/** The command, run in this process (test/support/cli-run.ts). */
async function scan(...args: string[]) {
  const r = await runCli(['scan', '--format', 'jsonl', ...args]);
  const findings = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { code: r.code, findings, stderr: r.stderr };
}

// Every call that blinds, and every UpdateFunctionConfiguration of its own functions (a layer event too).
const tampering = [...tamperingCalls(), ...ownFunctionChanges()];
const dir = mkdtempSync(join(tmpdir(), 'layerwatch-tamper-'));
const failedOnes = tampering.map((c) => failedCall(c.record));
// A refused change of its own function that asked for layers is an attempted attach: it alerts
// (lambda-layer-attach-denied); every other failed call gives nothing.
const refused = failedOnes.filter((r) => normalize(r).status === 'relevant');
const records = [
  ...tampering.map((c) => c.record),
  ...harmlessCalls().map((c) => c.record),
  ...failedOnes,
  otherService(),
];
const trail = join(dir, 'trail');
const logFile = join(trail, '111122223333_CloudTrail_us-east-1_20260314T1000Z_tamper.json.gz');
const lookup = join(dir, 'lookup-events.json');
const config = join(dir, 'settings.json');
const silencing = join(dir, 'silencing.json');
mkdirSync(trail);
writeFileSync(logFile, gzipSync(JSON.stringify({ Records: records })));
// The 90-day Event history: each record a JSON string, newest first.
writeFileSync(
  lookup,
  JSON.stringify({ Events: [...records].reverse().map((r) => ({ CloudTrailEvent: JSON.stringify(r) })) }),
);
writeFileSync(config, JSON.stringify({ ownResources: { keys: [KEY_ARN] } }));
writeFileSync(
  silencing,
  JSON.stringify({
    ownResources: { keys: [KEY_ARN] },
    minSeverity: 'critical',
    suppress: { principals: ['*'] },
  }),
);

describe('layerwatch scan: layerwatch tampered with', () => {
  it('reports every tampering call once, and nothing for the harmless or failed ones but a refused attach', async () => {
    const r = await scan('--config', config, trail);
    expect(r.code).toBe(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(r.findings.map((f) => f.detectionId).sort()).toEqual(
      [
        ...tampering.map(() => 'detector-tampered'),
        ...refused.map(() => 'lambda-layer-attach-denied'),
      ].sort(),
    );
    expect(r.findings.map((f) => f.event.id).sort()).toEqual(
      [...tampering.map((c) => String(c.record.eventID)), ...refused.map((x) => String(x.eventID))].sort(),
    );
    for (const f of r.findings.filter((x) => x.detectionId === 'detector-tampered')) {
      expectValidFinding(f);
      expect(f.target).not.toBeNull();
      expect(f.title).toContain(f.target.name);
    }
  });

  it('gives the same findings with and without the pre-filter, from log files and lookup-events output', async () => {
    // Every call has the same event time: compare in event id order, not file order.
    const sorted = async (...args: string[]) =>
      (await scan('--config', config, ...args)).findings.sort((a, b) => (a.event.id < b.event.id ? -1 : 1));
    const expected = await sorted(trail);
    expect(expected).toHaveLength(tampering.length + refused.length);
    expect(await sorted('--no-prefilter', trail)).toEqual(expected);
    expect(await sorted(lookup)).toEqual(expected);
    expect(await sorted('--no-prefilter', lookup)).toEqual(expected);
  });

  it('knows the default stack names without settings, but not a key', async () => {
    const r = await scan(trail);
    const keyCalls = tampering.filter((c) => c.record.eventSource === 'kms.amazonaws.com');
    expect(r.findings).toHaveLength(tampering.length - keyCalls.length + refused.length);
  });

  it('cannot be silenced by suppressions or minSeverity', async () => {
    const r = await scan('--config', silencing, trail);
    expect(r.findings).toHaveLength(tampering.length);
    for (const f of r.findings) expect(f.suppression).toBeNull();
  });
});

describe('pre-filter: tampering calls', () => {
  it.each(tampering.map((c) => [c.label, c.record] as const))(
    'keeps %s in every written form',
    (_label, record) => {
      const compact = JSON.stringify(record);
      const spaced = JSON.stringify(record, null, 2);
      const escaped = JSON.stringify({ CloudTrailEvent: compact });
      for (const form of [compact, spaced, escaped]) expect(mayHoldCandidate(Buffer.from(form))).toBe(true);
    },
  );

  it('skips records whose event name is not watched, even when a watched name appears elsewhere', () => {
    const noise = Array.from({ length: 200 }, () => ({
      ...otherService(),
      requestParameters: { bucketName: 'DeleteRule-archive', key: 'StopLogging.txt' },
    }));
    expect(mayHoldCandidate(Buffer.from(JSON.stringify({ Records: noise })))).toBe(false);
  });

  it('keeps layer operations by their event name, not by a name elsewhere', () => {
    const layer = {
      ...otherService(),
      eventSource: 'lambda.amazonaws.com',
      eventName: 'UpdateFunctionConfiguration20150331v2',
    };
    expect(mayHoldCandidate(Buffer.from(JSON.stringify({ Records: [layer] })))).toBe(true);
    const mention = {
      ...otherService(),
      requestParameters: { key: 'CreateFunction', source: 'lambda.amazonaws.com' },
    };
    expect(mayHoldCandidate(Buffer.from(JSON.stringify({ Records: [mention] })))).toBe(false);
  });

  it('searches bytes without eventName keys (Athena rows) for the names anywhere', () => {
    expect(mayHoldCandidate(Buffer.from('{"Data":[{"VarCharValue":"DeleteRule"}]}'))).toBe(true);
    expect(mayHoldCandidate(Buffer.from('{"Data":[{"VarCharValue":"GetObject"}]}'))).toBe(false);
  });
});
