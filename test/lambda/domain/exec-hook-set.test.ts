import type { Analysis, LiveConfiguration } from '../../../lambda/domain/engine.js';
import { History } from '../../../lambda/domain/history.js';
import { renderAlert } from '../../../lambda/domain/render/alert.js';
import { renderAsff } from '../../../lambda/domain/render/asff.js';
import { renderOcsf } from '../../../lambda/domain/render/ocsf.js';
import { severityRank } from '../../../lambda/domain/severity.js';
import { at, DEPS, deployed, EVIL } from '../../support/domain-scenarios.js';
import {
  createFunction,
  identities,
  layerArn,
  type Rec,
  updateFunctionConfiguration,
} from '../../support/records.js';
import { eventOf } from '../../support/run.js';
import { expectValidFinding } from '../../support/schema.js';

/** The live configuration as the reader returns it: layers and the hook variables only. */
function live(layers: string[], hooks: Record<string, string> | null): LiveConfiguration {
  return { status: 'ok', layers, runtime: 'nodejs22.x', role: null, hooks };
}

/** Replays each record with what the host read for it. */
function run(steps: [Rec, LiveConfiguration?][]): Analysis {
  const h = new History();
  let last: Analysis | null = null;
  for (const [rec, read] of steps) last = h.next(eventOf(rec), { live: read ?? { status: 'not-read' } });
  return last as Analysis;
}

const benign = { NODE_OPTIONS: '--enable-source-maps' };
/** ADOT's managed Node.js layer (account 901920570463, in the ADOT documentation). */
const ADOT = layerArn('aws-otel-nodejs-amd64-ver-1-18-1', 4, '901920570463');

describe('lambda-exec-hook-set', () => {
  it('raises nothing for a benign NODE_OPTIONS, known or not', () => {
    const first = run([
      [deployed(), live([DEPS], benign)],
      [
        updateFunctionConfiguration('orders', {
          request: { timeout: 9 },
          responseLayers: [DEPS],
          time: at(5),
        }),
        live([DEPS], benign),
      ],
    ]);
    expect(first.finding).toBeNull();
    expect(first.state?.hooks).toEqual(benign);
    const unknown = run([
      [
        updateFunctionConfiguration('orders', {
          request: { timeout: 9 },
          responseLayers: [DEPS],
          time: at(5),
        }),
        live([DEPS], benign),
      ],
    ]);
    expect(unknown.finding).toBeNull();
  });

  it('raises when a benign value turns into one that loads code, naming old and new value', () => {
    const a = run([
      [deployed(), live([DEPS], benign)],
      [
        updateFunctionConfiguration('orders', {
          request: { timeout: 9 },
          responseLayers: [DEPS],
          time: at(5),
        }),
        live([DEPS], { NODE_OPTIONS: '--require /opt/x.js' }),
      ],
    ]);
    const f = a.finding;
    expect(f?.detectionId).toBe('lambda-exec-hook-set');
    expect(f?.title).toBe('NODE_OPTIONS=--require /opt/x.js (was --enable-source-maps) set on orders');
    expect(f?.execHooks).toEqual({
      before: benign,
      after: { NODE_OPTIONS: '--require /opt/x.js' },
      changed: [
        {
          variable: 'NODE_OPTIONS',
          from: '--enable-source-maps',
          to: '--require /opt/x.js',
          reason: 'Node.js loads this module before the handler: /opt/x.js',
        },
      ],
    });
    expect(severityRank(f?.severity ?? 'informational')).toBeGreaterThanOrEqual(severityRank('high'));
    // No command can revert a variable without the other (secret) values: none is given.
    expect(f?.remediation.revertCommand).toBeNull();
    expect(f?.remediation.nextSteps.join('\n')).toMatch(/--environment replaces every variable/);
    expect(f?.reasons.join('\n')).toMatch(/hook runs code from \/opt/);
    expectValidFinding(f);
  });

  it.each([
    ['lowers the standard OpenTelemetry set-up: only ADOT layers, and its own wrapper', [ADOT], 'medium'],
    ['keeps it high when another layer could provide the file', [DEPS, ADOT], 'high'],
  ])('%s', (_, layers, severity) => {
    const a = run([
      [deployed('orders', []), live([], {})],
      [
        updateFunctionConfiguration('orders', { layers, time: at(5), identity: identities.ssoAdmin() }),
        live(layers, { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler' }),
      ],
    ]);
    const f = a.finding;
    expect(f?.detectionId).toBe('lambda-exec-hook-set');
    expect(f?.severity).toBe(severity);
    const lowered = /known publisher's: AWS Distro for OpenTelemetry \(managed layers\)/;
    if (severity === 'medium') expect(f?.reasons.join('\n')).toMatch(lowered);
    else expect(f?.reasons.join('\n')).not.toMatch(lowered);
  });

  it('the classic persistence: a layer and a wrapper into it in one call gives one finding that says both', () => {
    const a = run([
      [deployed(), live([DEPS], {})],
      [
        updateFunctionConfiguration('orders', {
          layers: [DEPS, EVIL],
          time: at(5),
          identity: identities.iamUser(),
        }),
        live([DEPS, EVIL], { AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper' }),
      ],
    ]);
    const f = a.finding;
    expect(f?.detectionId).toBe('lambda-exec-hook-set');
    expect(f?.title).toBe('AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapper set on orders with layer ext:1 added');
    expect(f?.layers?.added).toEqual([EVIL]);
    expect(f?.provenance.map((p) => p.versionArn)).toEqual([EVIL]);
    expect(f?.reasons.join('\n')).toMatch(/classic persistence/);
    expect(f?.remediation.revertCommand).toMatch(/--layers \S+:layer:deps:3$/);
    expect(f?.severity).toBe('critical');
    expect(a.verdicts.filter((v) => v.status === 'match').map((v) => v.detectionId)).toEqual([
      'lambda-exec-hook-set',
    ]);
    expectValidFinding(f);
  });

  it('with no known hooks, reports a set hook with a baseline-unknown note; nothing when none is set', () => {
    const set = run([
      [deployed(), { status: 'not-read' }],
      [
        updateFunctionConfiguration('orders', {
          request: { timeout: 9 },
          responseLayers: [DEPS],
          time: at(5),
        }),
        live([DEPS], { JAVA_TOOL_OPTIONS: '-javaagent:/opt/agent.jar' }),
      ],
    ]);
    expect(set.finding?.detectionId).toBe('lambda-exec-hook-set');
    expect(set.finding?.execHooks?.before).toBeNull();
    expect(set.finding?.reasons.join('\n')).toMatch(/no earlier hook variables were known/);
    expectValidFinding(set.finding);
    const none = run([
      [deployed(), { status: 'not-read' }],
      [
        updateFunctionConfiguration('orders', {
          request: { timeout: 9 },
          responseLayers: [DEPS],
          time: at(5),
        }),
        live([DEPS], {}),
      ],
    ]);
    expect(none.finding).toBeNull();
  });

  it('raises on CreateFunction with a preload, and ranks it lower when CloudFormation deploys it', () => {
    const byHuman = run([
      [
        createFunction('fresh', { layers: [], time: at(1), identity: identities.iamUser() }),
        live([], { LD_PRELOAD: '/tmp/x.so' }),
      ],
    ]).finding;
    const byDeploy = run([
      [
        createFunction('fresh', { layers: [], time: at(1), identity: identities.deployRole() }),
        live([], { LD_PRELOAD: '/tmp/x.so' }),
      ],
    ]).finding;
    expect(byHuman?.detectionId).toBe('lambda-exec-hook-set');
    expect(byHuman?.execHooks?.before).toEqual({});
    expect(byDeploy?.detectionId).toBe('lambda-exec-hook-set');
    expect(byDeploy?.riskScore).toBeLessThan(byHuman?.riskScore ?? 0);
  });

  it('does not fire on the removal of a hook; the baseline records it', () => {
    const a = run([
      [deployed(), live([DEPS], { AWS_LAMBDA_EXEC_WRAPPER: '/opt/w' })],
      [
        updateFunctionConfiguration('orders', {
          request: { timeout: 9 },
          responseLayers: [DEPS],
          time: at(5),
        }),
        live([DEPS], {}),
      ],
    ]);
    expect(a.finding).toBeNull();
    expect(a.verdicts.find((v) => v.detectionId === 'lambda-exec-hook-set')?.status).toBe('no-match');
    expect(a.state?.hooks).toEqual({});
  });

  it('is not applicable when the host did not read the hooks, and names an unreadable environment as a gap', () => {
    const notRead = run([
      [deployed()],
      [updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5) })],
    ]);
    expect(notRead.verdicts.find((v) => v.detectionId === 'lambda-exec-hook-set')?.status).toBe(
      'not-applicable',
    );
    expect(notRead.finding?.detectionId).toBe('lambda-layer-added');
    expect(notRead.finding?.execHooks).toBeNull();
    expect(notRead.state).not.toHaveProperty('hooks');
    const unreadable = run([
      [deployed()],
      [
        updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5) }),
        {
          ...live([DEPS, EVIL], null),
          hooksError: 'KMSAccessDeniedException: no access',
        } as LiveConfiguration,
      ],
    ]);
    expect(unreadable.finding?.gaps).toContain(
      'start-up hook variables: the environment could not be read (KMSAccessDeniedException: no access)',
    );
  });

  it('a layer-added finding shows the hooks the function has, unchanged', () => {
    const f = run([
      [deployed(), live([DEPS], benign)],
      [
        updateFunctionConfiguration('orders', { layers: [DEPS, EVIL], time: at(5) }),
        live([DEPS, EVIL], benign),
      ],
    ]).finding;
    expect(f?.detectionId).toBe('lambda-layer-added');
    expect(f?.execHooks).toEqual({ before: benign, after: benign, changed: [] });
    expectValidFinding(f);
  });

  it('keeps only hook variables, whatever a host passes it', () => {
    const a = run([
      [deployed(), live([DEPS], {})],
      [
        updateFunctionConfiguration('orders', {
          request: { timeout: 9 },
          responseLayers: [DEPS],
          time: at(5),
        }),
        live([DEPS], { DB_PASSWORD: 'sk_live_secret', LD_PRELOAD: '/opt/x.so' }),
      ],
    ]);
    expect(a.state?.hooks).toEqual({ LD_PRELOAD: '/opt/x.so' });
    expect(a.finding?.execHooks?.after).toEqual({ LD_PRELOAD: '/opt/x.so' });
    expect(JSON.stringify(a)).not.toContain('sk_live_secret');
  });

  it('keeps hostile hook values on one line, cut, and inert in every rendering', () => {
    const hostile = `--require /opt/x.js <!channel> https://evil.example \u202e${'y'.repeat(3000)}`;
    const a = run([
      [deployed(), live([DEPS], {})],
      [
        updateFunctionConfiguration('orders', {
          request: { timeout: 9 },
          responseLayers: [DEPS],
          time: at(5),
        }),
        live([DEPS], { NODE_OPTIONS: hostile }),
      ],
    ]);
    const f = a.finding;
    if (!f) throw new Error('no finding');
    expectValidFinding(f);
    expect(a.state?.hooks).toEqual({ NODE_OPTIONS: hostile });
    const to = f.execHooks?.changed[0]?.to ?? '';
    expect(to.length).toBeLessThanOrEqual(512);
    expect(to).not.toContain('\u202e');
    const bodies = JSON.parse(renderAlert(f).message) as Record<string, string>;
    for (const body of [bodies.email ?? '', bodies.default ?? '']) {
      expect(body).toContain('NODE_OPTIONS');
      expect(body).not.toContain('<!channel>');
      expect(body).not.toContain('https://evil');
    }
    const asff = renderAsff(f, { productVersion: '0.1.0', updatedAt: '2026-03-15T00:00:00Z' });
    expect(asff.ProductFields['layerwatch/ExecHooks']).toContain('NODE_OPTIONS=--require /opt/x.js');
    const ocsf = renderOcsf(f, { productVersion: '0.1.0' }) as unknown as {
      unmapped: { layerwatch: { exec_hooks: unknown } };
    };
    expect(ocsf.unmapped.layerwatch.exec_hooks).toEqual(f.execHooks);
  });
});
