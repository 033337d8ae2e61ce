import { EventCollector, emptyStats } from '../../lambda/cli/scan.js';
import { summaryLine } from '../../lambda/cli/scan-report.js';
import { layerArn, updateFunctionConfiguration } from '../support/records.js';
import { failedCall, harmlessCalls, tamperingCalls } from '../support/tamper-records.js';

describe('summaryLine', () => {
  it('counts the candidates as layer or tampering calls, not as layer-relevant', () => {
    const stats = { ...emptyStats(), files: 3, records: 40, relevant: 7, ignored: 33, findings: 2 };
    const line = summaryLine(stats, { unreadable: 0, invalid: 0, ambiguous: 0 }, 2, 1.5);
    expect(line).toBe(
      'layerwatch: 3 files (0 without candidate events, not parsed), 0 unreadable, 40 records, 7 candidates (layer or tampering calls), 33 skipped, 0 malformed, 0 not JSON, 0 ambiguous (event arrays named twice, a JSON line that reads as CSV), 0 duplicates, 2 findings (0 suppressed, 2 shown) in 1.50s\n',
    );
    expect(line).not.toContain('layer-relevant');
  });

  it('counts a tampering call as a candidate, like a layer change; a failed call is skipped', () => {
    const stats = emptyStats();
    const tampering = tamperingCalls().map((c) => c.record);
    const records = [
      updateFunctionConfiguration('orders', { layers: [layerArn('x', 1)] }),
      ...tampering,
      ...harmlessCalls().map((c) => c.record),
      ...tampering.map((r) => failedCall(r)),
    ];
    new EventCollector(stats, []).add(
      records.map((value, ordinal) => ({ file: 'f', position: `Records[${ordinal}]`, ordinal, value })),
    );
    // Harmless calls are watched calls too: what decides is the detection, not the collector.
    expect(stats.relevant).toBe(1 + tampering.length + harmlessCalls().length);
    expect(stats.ignored).toBe(tampering.length);
    expect(summaryLine(stats, { unreadable: 0, invalid: 0, ambiguous: 0 }, 0, 0)).toContain(
      `${stats.relevant} candidates (layer or tampering calls), ${tampering.length} skipped`,
    );
  });
});
