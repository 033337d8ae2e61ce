/**
 * The cost of rendering one alert (renderAlert: subject, chat notification, email text, finding
 * JSON, all in one SNS message) over the findings of examples/, plus one finding big enough to be
 * cut to fit. Reports p50/p99 per call and the garbage collections seen during the loop.
 *
 * Run: npm run bench:render -- [--calls N] [--dump FILE]
 *   --dump FILE writes every rendered message (JSON Lines) so two versions can be compared byte for byte.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { normalize } from '../lambda/domain/cloudtrail.js';
import type { Finding } from '../lambda/domain/finding.js';
import { History } from '../lambda/domain/history.js';
import { renderAlert } from '../lambda/domain/render/alert.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const CALLS = Number(flag('--calls') ?? 30_000);
const DUMP = flag('--dump');

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
}

function recordsOf(path: string): unknown[] {
  if (path.endsWith('.json.gz')) {
    const body = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: unknown[] };
    return body.Records;
  }
  if (path.endsWith('.jsonl'))
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
  return [];
}

function exampleFindings(): Finding[] {
  const history = new History();
  const out: Finding[] = [];
  for (const path of files(join(import.meta.dirname, '..', 'examples'))) {
    for (const record of recordsOf(path)) {
      const r = normalize(record);
      if (r.status !== 'relevant') continue;
      const { finding } = history.next(r.event);
      if (finding) out.push(finding);
    }
  }
  return out;
}

/** A finding whose fields are far too long for one SNS message: exercises the cutting passes. */
function oversized(f: Finding): Finding {
  const huge = 'A'.repeat(100_000);
  return {
    ...f,
    title: huge,
    reasons: Array.from({ length: 100 }, (_, i) => `${i} ${huge.slice(0, 3000)}`),
    event: { ...f.event, userAgent: huge },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(label: string, findings: readonly Finding[], calls: number): Promise<void> {
  for (let i = 0; i < Math.min(calls, 2000); i++) renderAlert(findings[i % findings.length] as Finding);
  const gc = { count: 0, ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count += 1;
      gc.ms += e.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint();
    renderAlert(findings[i % findings.length] as Finding);
    times[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  // GC entries are delivered on the event loop: let them arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  const sorted = Array.from(times).sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  process.stdout.write(
    `${label}: ${calls} calls over ${findings.length} findings: mean ${mean.toFixed(4)} ms, p50 ${percentile(sorted, 50).toFixed(4)} ms, p99 ${percentile(sorted, 99).toFixed(4)} ms, max ${percentile(sorted, 100).toFixed(3)} ms; ${gc.count} GCs (${gc.ms.toFixed(1)} ms)\n`,
  );
}

const findings = exampleFindings();
if (findings.length === 0) throw new Error('examples/ gave no findings');
const big = findings.map(oversized);
if (DUMP) {
  const rendered = [...findings, ...big].map((f) => JSON.stringify(renderAlert(f)));
  writeFileSync(DUMP, `${rendered.join('\n')}\n`);
  process.stdout.write(`wrote ${rendered.length} rendered alerts to ${DUMP}\n`);
}
process.stdout.write(`Node ${process.version}\n`);
await measure('examples', findings, CALLS);
await measure('oversized (cut to fit)', big, Math.max(200, Math.floor(CALLS / 50)));
