/**
 * Findings to render in format tests: every finding of the bundled examples (examples/cloudtrail
 * and examples/eventbridge, replayed in event-time order through the domain core as `layerwatch
 * scan` does: layer changes, a reorder, tampering with layerwatch), plus findings of the detections
 * the examples do not fire and of hostile values (long names, control characters, service callers,
 * a suppressed finding), and the findings of examples/findings/ as the Lambda publishes them (start-up
 * hooks, layer content, a reorder with file lists), so that each renderer is proven on all of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { normalize } from '../../lambda/domain/cloudtrail.js';
import type { Finding } from '../../lambda/domain/finding.js';
import { History } from '../../lambda/domain/history.js';
import type { LambdaEvent } from '../../lambda/domain/model.js';
import { DEFAULT_SETTINGS } from '../../lambda/domain/settings.js';
import { lambdaExampleFindings } from '../../scripts/example-scenarios.js';
import {
  addLayerVersionPermission,
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from './records.js';

const EXAMPLES = join(process.cwd(), 'examples');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

function recordsOf(file: string): unknown[] {
  if (file.endsWith('.json.gz')) {
    const doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: unknown[] };
    return doc.Records;
  }
  if (file.endsWith('.jsonl'))
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
  throw new Error(`examples: no reader for ${file}`);
}

function eventsOf(records: readonly unknown[]): LambdaEvent[] {
  const events: LambdaEvent[] = [];
  for (const r of records) {
    const n = normalize(r);
    if (n.status === 'relevant') events.push(n.event);
    else if (n.status === 'malformed') throw new Error(`examples: malformed record: ${n.reason}`);
  }
  return events.sort((a, b) => a.meta.timeMs - b.meta.timeMs);
}

/** Every finding the bundled CloudTrail and EventBridge examples produce, in event order. */
export function exampleFindings(): Finding[] {
  const history = new History(DEFAULT_SETTINGS);
  const files = ['cloudtrail', 'eventbridge'].flatMap((dir) => filesUnder(join(EXAMPLES, dir)));
  const events = eventsOf(files.flatMap(recordsOf));
  const findings = events.map((e) => history.next(e).finding).filter((f): f is Finding => f !== null);
  if (findings.length === 0) throw new Error('examples/ produced no findings');
  return findings;
}

function replay(records: readonly Rec[], live?: string[]): Finding {
  const history = new History({
    ...DEFAULT_SETTINGS,
    suppress: { ...DEFAULT_SETTINGS.suppress, functions: ['*:function:quiet-*'] },
  });
  const events = eventsOf(records);
  let last: Finding | null = null;
  events.forEach((e, i) => {
    const context =
      live && i === events.length - 1
        ? { live: { status: 'ok' as const, layers: live, runtime: 'python3.12', role: null } }
        : undefined;
    last = history.next(e, context).finding;
  });
  if (!last) throw new Error('extra example produced no finding');
  return last;
}

const base = layerArn('base', 1);
const evil = layerArn('evil-extension', 7, OTHER_ACCOUNT);
const t = (minute: number) => `2026-03-14T10:${String(minute).padStart(2, '0')}:00Z`;
/** Event ids of their own: the examples' ids come from the same builders' counter. */
const at = (minute: number) => ({
  time: t(minute),
  id: `extra000-0000-4000-8000-${String(minute).padStart(12, '0')}`,
});

/** Findings for what examples/ does not cover. */
export function extraFindings(): Finding[] {
  const many = Array.from({ length: 5 }, (_, i) => layerArn(`layer-${'x'.repeat(120)}-${i}`, 99_999));
  return [
    // a layer removed (cleanup after use)
    replay([
      createFunction('f1', { layers: [base, evil], ...at(0) }),
      updateFunctionConfiguration('f1', { layers: [base], ...at(1) }),
    ]),
    // drift: the response shows layers no seen event set
    replay([
      createFunction('f2', { layers: [base], ...at(2) }),
      updateFunctionConfiguration('f2', {
        request: { timeout: 60 },
        responseLayers: [base, evil],
        ...at(3),
      }),
    ]),
    // public share, by an SSO user from an IPv6 address
    replay([
      addLayerVersionPermission('shared', 2, '*', {
        ...at(4),
        identity: identities.ssoAdmin(),
        sourceIp: '2001:db8::1',
      }),
    ]),
    // a deploy role acting through CloudFormation (a service host name as source), live read differs
    replay(
      [
        createFunction('f3', { layers: [base], ...at(5), identity: identities.deployRole() }),
        updateFunctionConfiguration('f3', {
          layers: [base, evil],
          ...at(6),
          identity: identities.deployRole(),
          sourceIp: 'cloudformation.amazonaws.com',
          userAgent: 'cloudformation.amazonaws.com',
        }),
      ],
      [base],
    ),
    // hostile and long values: control characters in the user agent, five long layer names
    replay([
      createFunction(`f-${'n'.repeat(60)}`, { layers: [], ...at(7) }),
      updateFunctionConfiguration(`f-${'n'.repeat(60)}`, {
        layers: many,
        ...at(8),
        userAgent: `evil\u0000agent\u202e${'u'.repeat(2000)}`,
      }),
    ]),
    // a suppressed finding (settings: suppress.functions)
    replay([
      createFunction('quiet-fn', { layers: [], ...at(9) }),
      updateFunctionConfiguration('quiet-fn', { layers: [evil], ...at(10) }),
    ]),
  ];
}

export function allFindings(): Finding[] {
  const all = [...exampleFindings(), ...extraFindings(), ...lambdaExampleFindings()];
  if (new Set(all.map((f) => f.findingId)).size !== all.length)
    throw new Error('two example findings share an id');
  return all;
}
