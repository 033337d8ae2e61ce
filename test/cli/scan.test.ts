import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeCorpus } from '../../bench/corpus.js';
import { type CliRun, runCli } from '../support/cli-run.js';
import {
  createFunction,
  envelope,
  failed,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  otherService as otherServiceRecord,
  updateFunctionConfiguration,
} from '../support/records.js';
import { expectValidFinding } from '../support/schema.js';

const ROOT = join(__dirname, '..', '..');
/** The third-party corpus is not part of the repository: a run asks for it by naming its folder. */
const CORPUS = process.env.LAYERWATCH_SHARED_CORPUS ?? null;

/**
 * What a command printed, when it reads no temp dir (only examples/, config/, the shared corpus): no
 * test writes those, so each distinct such command runs once in this file and the tests that ask for
 * it again check the same output. A command on a temp dir runs every time. Commands run in this
 * process (test/support/cli-run.ts); the bin wrapper and the bundle have their tests in
 * scan-inputs.test.ts.
 */
const repositoryRuns = new Map<string, Promise<CliRun>>();

function run(...args: string[]): Promise<CliRun> {
  const onRepositoryOnly = !args.some((a) => a.startsWith(tmpdir()));
  const key = JSON.stringify(args);
  const known = onRepositoryOnly ? repositoryRuns.get(key) : undefined;
  if (known) return known;
  const result = runCli(args);
  if (onRepositoryOnly) repositoryRuns.set(key, result);
  return result;
}

function findings(stdout: string) {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'layerwatch-cli-'));
}

const deps = layerArn('deps', 1);
const evil = layerArn('ext', 1, OTHER_ACCOUNT);

describe('layerwatch scan', () => {
  it('reports the bundled examples: one JSON finding per line on stdout and nothing else', async () => {
    const r = await run('scan', '--format', 'jsonl', 'examples/');
    expect(r.code).toBe(0);
    const out = findings(r.stdout);
    for (const f of out) expectValidFinding(f);
    expect(out.map((f) => f.detectionId)).toEqual([
      'lambda-function-created-with-layers',
      'lambda-layer-version-published',
      'lambda-layer-shared',
      'lambda-layer-added',
      'detector-tampered',
      'lambda-layer-version-changed',
      'lambda-layer-reordered',
      'detector-tampered',
      'lambda-layer-added',
    ]);
    expect(out[3]).toMatchObject({
      layers: {
        before: [layerArn('shared-deps', 3)],
        added: [layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT)],
      },
    });
    // examples/findings/ holds findings, not records: read over (one mentions a watched call by name,
    // so it is parsed and noted), never counted as records.
    expect(r.stderr).toMatch(
      /19 files \(13 without candidate events, not parsed\), 0 unreadable, 15 records, .* 0 malformed, 0 not JSON, .* 9 findings/,
    );
    expect(r.stderr).toContain('examples/findings/detector-tampered.json: not a CloudTrail file');
  });

  it("reports the examples' tampering with layerwatch, but not the attempt that was denied", async () => {
    const out = findings((await run('scan', '--format', 'jsonl', 'examples/')).stdout);
    const tampered = out.filter((f) => f.detectionId === 'detector-tampered');
    expect(tampered.map((f) => [f.event.name, f.target.type, f.target.name, f.severity])).toEqual([
      [
        'DisableRule',
        'rule',
        'LayerWatch-LayerWatchDetectorLambdaLayerEvents5F1C2A3B-1A2B3C4D5E6F',
        'critical',
      ],
      ['StopLogging', 'trail', 'management-events', 'critical'],
    ]);
    // The denied DeleteFunction of layerwatch's own function (09:04) is in the logs and raises nothing.
    expect(out.some((f) => f.event.name.startsWith('DeleteFunction'))).toBe(false);
    for (const f of out.filter((x) => x.detectionId !== 'detector-tampered')) expect(f.target).toBeNull();
  });

  it("reports the examples' reorder with the gap the scan cannot fill: the layers' file lists", async () => {
    const out = findings((await run('scan', '--format', 'jsonl', 'examples/')).stdout);
    const reordered = out.find((f) => f.detectionId === 'lambda-layer-reordered');
    expect(reordered).toMatchObject({
      severity: 'medium',
      riskScore: 49,
      function: { name: 'billing-worker' },
      layers: {
        before: [layerArn('shared-deps', 4), layerArn('pdf-fonts', 2)],
        after: [layerArn('pdf-fonts', 2), layerArn('shared-deps', 4)],
        added: [],
        removed: [],
      },
      inspection: null,
    });
    expect(reordered.gaps).toEqual([
      'layer file lists not read (pdf-fonts:2, shared-deps:4): the overlap of the reordered layers is unknown',
    ]);
  });

  it('processes records in event-time order across files, whatever the file order', async () => {
    const dir = tempDir();
    // The attack's file sorts first by name; the creation that sets the baseline is in the second file.
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify({
        Records: [updateFunctionConfiguration('f', { layers: [deps, evil], time: '2026-03-14T09:05:00Z' })],
      }),
    );
    writeFileSync(
      join(dir, 'b.json'),
      JSON.stringify({ Records: [createFunction('f', { layers: [deps], time: '2026-03-14T09:00:00Z' })] }),
    );
    const out = findings((await run('scan', '--format', 'jsonl', dir)).stdout);
    expect(out.map((f) => f.detectionId)).toEqual([
      'lambda-function-created-with-layers',
      'lambda-layer-added',
    ]);
    expect(out[1].layers).toMatchObject({ baseline: 'known', added: [evil] });
  });

  it('reads gzipped log files, JSON Lines of EventBridge events and single records', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'log.json.gz'),
      gzipSync(JSON.stringify({ Records: [updateFunctionConfiguration('a', { layers: [evil] })] })),
    );
    writeFileSync(
      join(dir, 'events.jsonl'),
      `${JSON.stringify(envelope(updateFunctionConfiguration('b', { layers: [evil] })))}\n`,
    );
    writeFileSync(
      join(dir, 'one.json'),
      JSON.stringify(updateFunctionConfiguration('c', { layers: [evil] })),
    );
    writeFileSync(join(dir, 'notes.txt'), 'not scanned: not a record file name');
    const r = await run('scan', '--format', 'jsonl', dir);
    expect(
      findings(r.stdout)
        .map((f) => f.function.name)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    expect(r.stderr).toMatch(/^layerwatch: 3 files/m);
  });

  it('reports a malformed record with its file and position, skips it, processes the rest, and exits 2', async () => {
    const dir = tempDir();
    const good = JSON.stringify(updateFunctionConfiguration('f', { layers: [evil] }));
    writeFileSync(
      join(dir, 'mixed.jsonl'),
      `${good}\n{not json\n${JSON.stringify({ ...updateFunctionConfiguration('g'), eventTime: 'never' })}\n`,
    );
    const r = await run('scan', '--format', 'jsonl', dir);
    expect(r.code).toBe(2);
    expect(findings(r.stdout)).toHaveLength(1);
    expect(r.stderr).toContain(`${join(dir, 'mixed.jsonl')}: line 2: not JSON`);
    expect(r.stderr).toMatch(/ 1 malformed, 1 not JSON, /);
    expect((await run('scan', '--format', 'jsonl', '--allow-partial', dir)).code).toBe(0);
    expect(r.stderr).toContain(`${join(dir, 'mixed.jsonl')}: line 3: eventTime missing or not a date`);
  });

  it('reports a redelivered event once', async () => {
    const dir = tempDir();
    const record = updateFunctionConfiguration('f', { layers: [evil] });
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ Records: [record] }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ Records: [record] }));
    const r = await run('scan', '--format', 'jsonl', dir);
    expect(findings(r.stdout)).toHaveLength(1);
    expect(r.stderr).toContain('1 duplicates');
  });

  it('prints nothing for failed calls and configuration changes that do not touch layers', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'quiet.json'),
      JSON.stringify({
        Records: [
          failed(updateFunctionConfiguration('f', { layers: [evil] }), 'ResourceConflictException'),
          updateFunctionConfiguration('f', { request: { memorySize: 1024 }, responseLayers: [deps] }),
        ],
      }),
    );
    const r = await run('scan', '--format', 'jsonl', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('filters with --min-severity and fails with --fail-on', async () => {
    const high = await run('scan', '--format', 'jsonl', '--min-severity', 'high', 'examples/');
    expect(findings(high.stdout).every((f) => ['high', 'critical'].includes(f.severity))).toBe(true);
    expect(findings(high.stdout).length).toBeGreaterThan(0);
    expect((await run('scan', '--format', 'jsonl', '--fail-on', 'critical', 'examples/')).code).toBe(1);
    const dir = tempDir();
    writeFileSync(
      join(dir, 'quiet.json'),
      JSON.stringify({ Records: [createFunction('f', { identity: identities.deployRole() })] }),
    );
    expect((await run('scan', '--fail-on', 'low', dir)).code).toBe(0);
  });

  it('prints a table for people', async () => {
    const r = await run('scan', '--format', 'table', 'examples/');
    expect(r.stdout.split('\n')[0]).toMatch(/^TIME\s+SEVERITY\s+SCORE\s+DETECTION/);
    expect(r.stdout).toContain('Layer perf-monitor-extension:1 added to orders-api');
    expect(r.stdout).toContain('layerwatch tampered with: StopLogging on trail management-events');
    expect(r.stdout).toContain('Layers of billing-worker reordered');
  });

  it("README.md quotes the examples' table as the scan prints it now", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const lines = (await run('scan', '--format', 'table', 'examples/')).stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(readme).toContain(line);
  });

  it("README.md's sample finding is the examples' attack exactly as scan --format jsonl prints it", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const sample = /prints this finding, among others:\n\n```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    const attack = findings((await run('scan', '--format', 'jsonl', 'examples/')).stdout)[3];
    expect(sample).toBe(JSON.stringify(attack, null, 2));
  });

  it.each([
    [['scan'], /no PATH given/],
    [['scan', '--format', 'xml', 'examples/'], /--format/],
    [['scan', '--fail-on', 'severe', 'examples/'], /--fail-on: "severe"/],
    [['scan', '--bogus', 'examples/'], /Unknown option/],
    [['track', 'examples/'], /unknown command "track"/],
    [[], /Usage: layerwatch scan/],
  ])('exits 2 on usage error %j', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 on an unreadable path, after scanning the readable ones', async () => {
    const r = await run('scan', '--format', 'jsonl', 'examples/', '/nonexistent/trail');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/trail: cannot read: ENOENT');
    expect(findings(r.stdout)).toHaveLength(9);
  });
});

// Checked only when LAYERWATCH_SHARED_CORPUS names the corpus folder (CI sets it when the corpus
// exists beside the clone); otherwise the block is skipped and its name says why.
const describeCorpus = CORPUS ? describe : describe.skip;
describeCorpus(
  CORPUS
    ? `third-party CloudTrail corpus at ${CORPUS}`
    : 'third-party CloudTrail corpus (skipped: LAYERWATCH_SHARED_CORPUS is not set)',
  () => {
    it('is a folder that exists', async () => {
      expect(existsSync(CORPUS as string)).toBe(true);
    });

    it('yields exactly the layer attack, the publication, the successful share and the trail tampering', async () => {
      const r = await run('scan', '--format', 'jsonl', CORPUS as string);
      expect(r.code).toBe(0);
      const out = findings(r.stdout);
      for (const f of out) expectValidFinding(f);
      const summary = out
        .map((f) => [f.detectionId, f.function?.name ?? f.layer?.name ?? f.target?.name])
        .sort();
      expect(summary).toEqual([
        // Stratus Red Team's defense-evasion detonations: a trail deleted, stopped, and narrowed.
        ['detector-tampered', 'stratus-red-team-cloudtraild-trail-kvrwohmiai'],
        ['detector-tampered', 'stratus-red-team-ct-stop-trail-buykxbqejv'],
        ['detector-tampered', 'stratus-red-team-ctes-trail-khlvciwdor'],
        ['lambda-layer-added', 'stratus-red-team-lambda-layer-simpleLambda'],
        // TrailDiscover's refused UpdateFunctionConfiguration: CloudTrail logged no request, so
        // whether it asked for layers is unknown (a medium finding that says so).
        ['lambda-layer-attach-denied', 'my-function'],
        ['lambda-layer-shared', 'test-layer'],
        ['lambda-layer-version-published', 'TrailDiscoverCapture'],
      ]);
      const added = out.find((f) => f.detectionId === 'lambda-layer-added');
      expect(added.layers.added).toEqual([
        'arn:aws:lambda:eugov-eastcentral-1r:712967571683:layer:stratus-red-team-lambda-layer-my-lambda-extension:1',
      ]);
      expect(added.reasons.join(' ')).toMatch(/IAM user/);
      expect(added.reasons.join(' ')).toMatch(/long-term access key/);
      const refused = out.find((f) => f.detectionId === 'lambda-layer-attach-denied');
      expect(refused.title).toMatch(/request not logged/);
      expect(refused.severity).toBe('medium');
    });

    it('the pre-filter and the plain path print the same findings', async () => {
      const fast = await run('scan', '--format', 'jsonl', CORPUS as string);
      const plain = await run('scan', '--format', 'jsonl', '--no-prefilter', CORPUS as string);
      expect(fast.stdout).toBe(plain.stdout);
    });
  },
);

describe('layerwatch scan --config', () => {
  it('applies suppressions and the minimum severity from the file; --include-suppressed shows them marked', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ minSeverity: 'low', suppress: { functions: ['*:function:payments'] } }),
    );
    const plain = findings(
      (await run('scan', '--format', 'jsonl', '--config', join(dir, 'settings.json'), 'examples/')).stdout,
    );
    // detector-tampered is never suppressed, nor held back by minSeverity.
    expect(plain.map((f) => f.detectionId)).toEqual([
      'lambda-layer-version-published',
      'lambda-layer-shared',
      'lambda-layer-added',
      'detector-tampered',
      'lambda-layer-reordered',
      'detector-tampered',
    ]);
    const r = await run(
      'scan',
      '--format',
      'jsonl',
      '--include-suppressed',
      '--config',
      join(dir, 'settings.json'),
      'examples/',
    );
    const all = findings(r.stdout);
    expect(all).toHaveLength(9);
    expect(
      all
        .filter((f) => f.suppression)
        .map((f) => f.suppression.rule)
        .sort(),
    ).toEqual(['minSeverity', 'minSeverity', 'suppress.functions']);
    expect(r.stderr).toContain('9 findings (3 suppressed, 9 shown)');
  });

  it('recognizes deploy roles from the settings', async () => {
    const created = async (args: string[]) =>
      findings((await run('scan', '--format', 'jsonl', ...args, 'examples/')).stdout).find(
        (f) => f.detectionId === 'lambda-function-created-with-layers',
      );
    expect((await created([]))?.actor.deployPrincipal).toBe(false);
    expect(
      (await created(['--include-suppressed', '--config', 'config/settings.example.json']))?.actor
        .deployPrincipal,
    ).toBe(true);
  });

  it.each([
    [
      'a file that does not exist',
      '/nonexistent/settings.json',
      /--config \/nonexistent\/settings.json: ENOENT/,
    ],
    ['an unknown key', 'bad-key', /unknown key\(s\) bogus/],
    ['a bad severity', 'bad-severity', /minSeverity must be one of/],
  ])('exits 2 on %s', async (_n, file, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad-key'), JSON.stringify({ bogus: true }));
    writeFileSync(join(dir, 'bad-severity'), JSON.stringify({ minSeverity: 'severe' }));
    const r = await run('scan', '--config', file.startsWith('/') ? file : join(dir, file), 'examples/');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('layerwatch scan filters and pre-filter', () => {
  it('--since hides earlier findings but earlier events still build the baseline', async () => {
    const out = findings(
      (await run('scan', '--format', 'jsonl', '--since', '2026-03-14T09:07:00Z', 'examples/')).stdout,
    );
    expect(out.map((f) => f.event.time)).toEqual([
      '2026-03-14T09:07:00Z',
      '2026-03-14T09:08:00Z',
      '2026-03-14T09:10:00Z',
      '2026-03-14T09:15:00Z',
      '2026-03-14T09:18:00Z',
      '2026-03-14T10:30:00Z',
    ]);
    expect(out[0].layers.baseline).toBe('known');
  });

  it('--until drops later events; --account and --region keep only theirs', async () => {
    expect(
      findings(
        (await run('scan', '--format', 'jsonl', '--until', '2026-03-14T09:05:00Z', 'examples/')).stdout,
      ),
    ).toHaveLength(2);
    expect(
      findings((await run('scan', '--format', 'jsonl', '--region', 'eu-west-1', 'examples/')).stdout).map(
        (f) => f.function.name,
      ),
    ).toEqual(['payments']);
    expect(
      findings((await run('scan', '--format', 'jsonl', '--account', '999999999999', 'examples/')).stdout),
    ).toEqual([]);
    expect((await run('scan', '--account', '12', 'examples/')).code).toBe(2);
  });

  it('the pre-filter changes nothing but the work: same findings as the plain path', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'noise.json'),
      JSON.stringify({ Records: [otherServiceRecord(), otherServiceRecord()] }),
    );
    writeFileSync(
      join(dir, 'mixed.jsonl'),
      `${JSON.stringify(otherServiceRecord())}\n${JSON.stringify(updateFunctionConfiguration('f', { layers: [evil] }))}\n`,
    );
    for (const path of ['examples/', dir]) {
      const fast = await run('scan', '--format', 'jsonl', path);
      const plain = await run('scan', '--format', 'jsonl', '--no-prefilter', path);
      expect(fast.stdout).toBe(plain.stdout);
    }
    expect((await run('scan', '--format', 'jsonl', dir)).stderr).toContain(
      '2 files (1 without candidate events, not parsed)',
    );
  });
});

describe('layerwatch scan --threads', () => {
  it('reader threads give the same output as one thread and as the plain path', async () => {
    const dir = tempDir();
    for (let i = 0; i < 20; i += 1) {
      const records = [
        otherServiceRecord(),
        updateFunctionConfiguration(`f${i % 4}`, {
          layers: i % 3 === 0 ? [evil] : [deps],
          time: `2026-03-14T09:${String(i).padStart(2, '0')}:00Z`,
        }),
      ];
      writeFileSync(
        join(dir, `part-${String(i).padStart(2, '0')}.json.gz`),
        gzipSync(JSON.stringify({ Records: i % 5 === 0 ? [otherServiceRecord()] : records })),
      );
    }
    writeFileSync(
      join(dir, 'broken.jsonl'),
      '{"eventSource":"lambda.amazonaws.com","eventName":"CreateFunction20150331"}\n',
    );
    // A redelivered file: its events are keyed in the reader threads and merged once on the main thread.
    copyFileSync(join(dir, 'part-01.json.gz'), join(dir, 'redelivered.json.gz'));
    const threaded = await run('scan', '--format', 'jsonl', '--threads', '2', dir);
    const single = await run('scan', '--format', 'jsonl', '--threads', '1', dir);
    const plain = await run('scan', '--format', 'jsonl', '--no-prefilter', dir);
    expect(findings(threaded.stdout).length).toBeGreaterThan(5);
    expect(threaded.stdout).toBe(single.stdout);
    expect(threaded.stdout).toBe(plain.stdout);
    expect(threaded.stderr.replace(/ in [\d.]+s/, '')).toBe(single.stderr.replace(/ in [\d.]+s/, ''));
    expect(threaded.stderr).toContain(' 1 duplicates');
    expect((await run('scan', '--threads', '0', dir)).code).toBe(2);
  });
});

describe('layerwatch scan on a generated corpus', () => {
  it('fast (pre-filter, threads) and plain paths give identical findings, and find every planted event', async () => {
    const dir = tempDir();
    const stats = writeCorpus(dir, 3, 7, 0.002);
    expect(stats.files).toBeGreaterThan(16);
    expect(stats.layerEvents).toBeGreaterThan(3);
    const fast = await run('scan', '--format', 'jsonl', dir);
    const plain = await run('scan', '--format', 'jsonl', '--no-prefilter', dir);
    expect(fast.code).toBe(0);
    expect(findings(fast.stdout)).toHaveLength(stats.layerEvents);
    expect(fast.stdout).toBe(plain.stdout);
  });
});
