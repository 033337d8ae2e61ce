/**
 * The operations dashboard of a synthesized detector template, resolved as CloudFormation would
 * resolve it at one placement, and every reference its widgets make: metrics (plain, and the metric
 * name and dimension schema of each SEARCH expression), alarms and log groups.
 */
import { resourcesOfType, TemplateResolver } from './cfn-resolver.js';
import type { SynthesizedStack } from './deployments.js';

export interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

export interface MetricReference {
  namespace: string;
  name: string;
  /** Every dimension, `service` included; a SEARCH names the schema's dimensions with the values it filters on ('*' otherwise). */
  dimensions: Record<string, string>;
  /** A SEARCH expression (any value of its schema's unfiltered dimensions). */
  search: boolean;
  widget: string;
}

export interface DashboardBody {
  widgets: Widget[];
  resolver: TemplateResolver;
  logicalId: string;
}

export function dashboardOf(stack: SynthesizedStack): DashboardBody {
  const dashboards = resourcesOfType(stack.template, 'AWS::CloudWatch::Dashboard');
  if (dashboards.length !== 1) throw new Error(`${stack.name}: ${dashboards.length} dashboards, expected 1`);
  const [logicalId, dashboard] = dashboards[0] as [string, { Properties?: Record<string, unknown> }];
  const placement = stack.placements[0];
  if (!placement) throw new Error(`${stack.name}: no placement`);
  const resolver = new TemplateResolver(stack.template, placement);
  const body = JSON.parse(resolver.text(dashboard.Properties?.DashboardBody)) as { widgets: Widget[] };
  return { widgets: body.widgets, resolver, logicalId };
}

export function titleOf(w: Widget): string {
  const p = w.properties;
  if (typeof p.title === 'string') return p.title;
  if (typeof p.markdown === 'string') return p.markdown.split('\n')[0]?.replace(/^#+\s*/, '') ?? '';
  return w.type;
}

/** `SEARCH('{NS,d1,d2} MetricName="X" d1="v"', 'Sum', 3600)` -> the metric it reads. */
function searchReference(expression: string, widget: string): MetricReference | null {
  const m = /^SEARCH\('\{([^}]*)\}\s*(.*)',\s*'\w+',\s*\d+\)$/.exec(expression);
  if (!m) return null;
  const [namespace = '', ...schema] = (m[1] ?? '').split(',');
  const terms = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((t) => [t[1], t[2]]));
  const { MetricName: name = '', ...filters } = terms as Record<string, string>;
  const dimensions = Object.fromEntries(schema.map((d) => [d, filters[d] ?? '*']));
  for (const key of Object.keys(filters))
    if (!schema.includes(key)) throw new Error(`${widget}: SEARCH filters on ${key}, outside its schema`);
  return { namespace, name, dimensions, search: true, widget };
}

/** Every metric a widget draws; an expression that is neither SEARCH nor arithmetic on ids fails. */
export function metricReferences(widgets: readonly Widget[]): MetricReference[] {
  const out: MetricReference[] = [];
  for (const w of widgets) {
    const title = titleOf(w);
    for (const entry of (w.properties.metrics ?? []) as unknown[][]) {
      const options = entry.at(-1);
      const expression = (options as { expression?: string } | undefined)?.expression;
      if (typeof expression === 'string') {
        const search = searchReference(expression, title);
        if (search) out.push(search);
        else if (/SEARCH|SELECT/i.test(expression))
          throw new Error(`${title}: unreadable expression ${expression}`);
        continue;
      }
      const [namespace, name, ...rest] = entry.filter((e) => typeof e === 'string') as string[];
      const dimensions: Record<string, string> = {};
      for (let i = 0; i + 1 < rest.length; i += 2) dimensions[rest[i] as string] = rest[i + 1] as string;
      out.push({ namespace: namespace ?? '', name: name ?? '', dimensions, search: false, widget: title });
    }
  }
  return out;
}

export function alarmReferences(widgets: readonly Widget[]): string[] {
  return widgets.flatMap((w) => (w.properties.alarms ?? []) as string[]);
}

/** The log groups of the Logs Insights widgets (`SOURCE 'name' | ...`). */
export function logGroupReferences(widgets: readonly Widget[]): string[] {
  return widgets
    .filter((w) => w.type === 'log')
    .flatMap((w) => [...String(w.properties.query).matchAll(/SOURCE '([^']+)'/g)].map((m) => m[1] as string));
}

const KIND: Record<string, string> = { metric: 'graph', alarm: 'alarms', log: 'Logs Insights', text: '' };

/** Words of `text` in lines of at most `width` characters (a longer word is cut). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= width) line = next;
    else {
      if (line) lines.push(line);
      line = word.slice(0, width);
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The dashboard's layout as text (README: Dashboard): one box per widget, in the grid's rows, each
 * with its title and kind; 4 characters per grid column (the grid is 24 wide).
 */
export function layoutPicture(widgets: readonly Widget[]): string {
  const rows = [...new Set(widgets.map((w) => w.y))].sort((a, b) => a - b);
  const out: string[] = [];
  const border = (row: readonly Widget[]) => `+${row.map((w) => '-'.repeat(w.width * 4 - 1)).join('+')}+`;
  for (const y of rows) {
    const row = widgets.filter((w) => w.y === y).sort((a, b) => a.x - b.x);
    const cells = row.map((w) => {
      const kind = KIND[w.type] ?? w.type;
      return wrap(`${titleOf(w)}${kind ? ` [${kind}]` : ''}`, w.width * 4 - 3);
    });
    const height = Math.max(...cells.map((c) => c.length));
    out.push(border(row));
    for (let i = 0; i < height; i += 1)
      out.push(
        `|${cells.map((c, j) => ` ${(c[i] ?? '').padEnd((row[j]?.width ?? 0) * 4 - 3)} `).join('|')}|`,
      );
  }
  out.push(border(widgets.filter((w) => w.y === rows.at(-1)).sort((a, b) => a.x - b.x)));
  return out.join('\n');
}
