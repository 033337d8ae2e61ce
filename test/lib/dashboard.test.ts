/**
 * The operations dashboard, in every deployment mode: its body (resolved as CloudFormation would)
 * references only metrics, alarms and log groups the same deployment creates or emits, shows every
 * alarm and every covered region and member account, and draws every metric the runtimes emit.
 * The emitted metrics are read from the sources too, so that a metric added without a place in
 * the catalog (lambda/pipeline/telemetry.ts), and so on the dashboard, fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EMITTED_METRICS } from '../../lambda/pipeline/telemetry.js';
import { resourcesOfType, type TemplateResolver } from '../support/cfn-resolver.js';
import {
  alarmReferences,
  dashboardOf,
  logGroupReferences,
  type MetricReference,
  metricReferences,
} from '../support/dashboard-body.js';
import { allDeployments, type CfnTemplate, MEMBER_ACCOUNTS } from '../support/deployments.js';

const catalog = EMITTED_METRICS as Record<
  string,
  { service: string; dimensions: readonly (readonly string[])[] }
>;

function names(template: CfnTemplate, resolver: TemplateResolver, type: string, of: (id: string) => string) {
  return new Set(
    resourcesOfType(template, type)
      .filter(([id]) => resolver.exists(id))
      .map(([id]) => of(id)),
  );
}

/** Why a metric reference is not one this deployment creates, or null. */
function unknownReference(ref: MetricReference, template: CfnTemplate, r: TemplateResolver): string | null {
  const d = ref.dimensions;
  const keys = Object.keys(d).sort();
  const only = (key: string, found: Set<string>) =>
    keys.join() === key && found.has(d[key] ?? '') ? null : `${ref.name} ${JSON.stringify(d)} is no resource`;
  switch (ref.namespace) {
    case 'LayerWatch': {
      const m = catalog[ref.name];
      if (!m) return `${ref.name} is never emitted`;
      if (d.service !== m.service) return `${ref.name} has service ${d.service}, emitted as ${m.service}`;
      const rest = keys.filter((k) => k !== 'service').join();
      if (!m.dimensions.some((set) => [...set].sort().join() === rest))
        return `${ref.name} is never emitted with dimensions [${rest}]`;
      return null;
    }
    case 'AWS/Lambda':
      return only(
        'FunctionName',
        names(template, r, 'AWS::Lambda::Function', (id) => r.ref(id)),
      );
    case 'AWS/SQS':
      return only(
        'QueueName',
        names(template, r, 'AWS::SQS::Queue', (id) => r.getAtt(id, 'QueueName')),
      );
    case 'AWS/Events':
      return only(
        'RuleName',
        names(template, r, 'AWS::Events::Rule', (id) => r.ref(id)),
      );
    default:
      return `namespace ${ref.namespace} is not drawn from this deployment`;
  }
}

/** `name` of every `.count('name'`, `.measure('name'` and `addMetric('name'` under lambda/, and the sweep's counts. */
function emittedInSources(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
    });
  for (const file of walk(join(process.cwd(), 'lambda'))) {
    const source = readFileSync(file, 'utf8');
    const where = relative(process.cwd(), file);
    const calls = [...source.matchAll(/\.(?:count|measure|addMetric)\(\s*'(\w+)'/g)].map(
      (m) => m[1] as string,
    );
    // The sweep publishes its counts from a table of [name, value] pairs.
    const table = source.includes('.addMetric(name,')
      ? [...source.matchAll(/\['(\w+)',\s*summary\./g)].map((m) => m[1] as string)
      : [];
    if (/\.addMetric\((?!name,|'|\s*name,)/.test(source))
      throw new Error(`${where}: addMetric with a name this test cannot read`);
    for (const name of [...calls, ...table]) found.set(name, [...(found.get(name) ?? []), where]);
  }
  return found;
}

describe('OperationsDashboard', () => {
  const deployments = allDeployments();

  it('catalogs exactly the metrics the runtimes emit (read from the sources)', () => {
    const emitted = emittedInSources();
    expect([...emitted.keys()].sort()).toEqual(Object.keys(EMITTED_METRICS).sort());
  });

  describe.each(deployments.map((d) => [d.name, d] as const))('%s', (_, d) => {
    const { widgets, resolver } = dashboardOf(d.detector);
    const template = d.detector.template;
    const metrics = metricReferences(widgets);

    it('references only metrics of resources the deployment creates, or that its runtimes emit', () => {
      const unknown = metrics.flatMap((m) => {
        const why = unknownReference(m, template, resolver);
        return why ? [`${m.widget}: ${why}`] : [];
      });
      expect(metrics.length).toBeGreaterThan(20);
      expect(unknown).toEqual([]);
    });

    it('draws every metric the runtimes emit', () => {
      const drawn = new Set(metrics.filter((m) => m.namespace === 'LayerWatch').map((m) => m.name));
      expect(Object.keys(EMITTED_METRICS).filter((n) => !drawn.has(n))).toEqual([]);
    });

    it('shows the state of every alarm of the stack, and only those', () => {
      const alarms = names(template, resolver, 'AWS::CloudWatch::Alarm', (id) => resolver.getAtt(id, 'Arn'));
      const shown = alarmReferences(widgets);
      expect(shown.filter((a) => !alarms.has(a))).toEqual([]);
      expect([...alarms].filter((a) => !shown.includes(a))).toEqual([]);
    });

    it("queries the handler's own log group for the latest findings", () => {
      const [handler] = resourcesOfType(template, 'AWS::Lambda::Function').filter(([id]) =>
        /DetectorHandler/.test(id),
      );
      const config = handler?.[1].Properties?.LoggingConfig as { LogGroup: unknown };
      expect(logGroupReferences(widgets)).toEqual([resolver.text(config.LogGroup)]);
    });

    it('draws the heartbeat of every watched region and member account, as their alarms watch it', () => {
      const watched = resourcesOfType(template, 'AWS::CloudWatch::Alarm')
        .map(([, a]) => resolver.resolve(a.Properties) as { MetricName?: string; Dimensions?: unknown[] })
        .filter((p) => p.MetricName === 'Heartbeat')
        .map((p) =>
          JSON.stringify(
            Object.fromEntries(
              (p.Dimensions as { Name: string; Value: string }[]).map((x) => [x.Name, x.Value]).sort(),
            ),
          ),
        );
      const drawn = metrics
        .filter((m) => m.name === 'Heartbeat')
        .map((m) => JSON.stringify(Object.fromEntries(Object.entries(m.dimensions).sort())));
      expect(drawn.sort()).toEqual(watched.sort());
      const regions = new Set(drawn.map((x) => (JSON.parse(x) as { Region: string }).Region));
      for (const r of d.config.mode === 'multi-region' ? d.coverage.homeRegions : [d.coverage.homeRegion])
        expect(regions).toContain(r);
      if (d.config.memberHeartbeat)
        for (const account of MEMBER_ACCOUNTS)
          for (const region of d.config.organization?.regions ?? [])
            expect(drawn).toContain(
              JSON.stringify({ Account: account, Region: region, service: 'layerwatch' }),
            );
      const latency = new Set(
        metrics.filter((m) => m.name === 'DetectionLatency').map((m) => m.dimensions.Region),
      );
      expect([...latency].sort()).toEqual([...regions].sort());
    });

    it('is named in the stack outputs', () => {
      const outputs = template.Outputs as Record<string, { Value: unknown }>;
      expect(outputs.DashboardName?.Value).toEqual({ Ref: dashboardOf(d.detector).logicalId });
    });
  });
});
