/**
 * Reads what `layerwatch status` shows: the alarms of a stack and the series of its metrics, the
 * same ones the operations dashboard draws (CloudWatch DescribeAlarms, ListMetrics, GetMetricData).
 * Every call is a read; a failure throws a DeploymentReadError naming what could not be read.
 */
import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { DeclaredCall } from './calls.js';
import { DeploymentReadError, type RegionalClients } from './deployment-reader.js';
import { errorMessage, errorName } from './errors.js';

export interface AlarmState {
  name: string;
  /** `OK`, `ALARM`, `INSUFFICIENT_DATA`. */
  state: string;
  reason: string;
  metricName: string | null;
  dimensions: Record<string, string>;
}

/** One metric: namespace, name, every dimension (`service` included). */
export interface MetricId {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

export interface SeriesQuery extends MetricId {
  /** `Sum`, `Maximum`... */
  stat: string;
}

/** A metric's values per period over a window, oldest first. */
export interface Series {
  points: { time: Date; value: number }[];
}

async function ask<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DeploymentReadError(`${what}: ${errorName(error)}: ${errorMessage(error)}`, { cause: error });
  }
}

const dimensionsOf = (list: { Name?: string; Value?: string }[] | undefined) =>
  Object.fromEntries((list ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));

export class OperationsReader {
  /** What `layerwatch status` sends besides verify's reads of the stack and queues (README: status). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'cloudwatch:DescribeAlarms', resource: 'any' },
    { action: 'cloudwatch:ListMetrics', resource: 'any' },
    { action: 'cloudwatch:GetMetricData', resource: 'any' },
  ];

  constructor(private readonly clients: RegionalClients) {}

  /** Every metric alarm whose name starts with `prefix` (CloudFormation names a stack's `STACK-...`). */
  async alarms(prefix: string, region: string): Promise<AlarmState[]> {
    const out: AlarmState[] = [];
    let token: string | undefined;
    do {
      const page = await ask(`describing alarms ${prefix}* in ${region}`, () =>
        this.clients.cloudwatch(region).send(
          new DescribeAlarmsCommand({
            AlarmNamePrefix: prefix,
            AlarmTypes: ['MetricAlarm'],
            NextToken: token,
          }),
        ),
      );
      for (const a of page.MetricAlarms ?? [])
        out.push({
          name: a.AlarmName ?? '',
          state: a.StateValue ?? 'UNKNOWN',
          reason: a.StateReason ?? '',
          metricName: a.MetricName ?? null,
          dimensions: dimensionsOf(a.Dimensions),
        });
      token = page.NextToken;
    } while (token);
    return out;
  }

  /** The dimension sets a metric was emitted with (ListMetrics: the last two weeks). */
  async metrics(namespace: string, name: string, region: string): Promise<MetricId[]> {
    const out: MetricId[] = [];
    let token: string | undefined;
    do {
      const page = await ask(`listing metric ${namespace}/${name} in ${region}`, () =>
        this.clients
          .cloudwatch(region)
          .send(new ListMetricsCommand({ Namespace: namespace, MetricName: name, NextToken: token })),
      );
      for (const m of page.Metrics ?? [])
        out.push({ namespace, name, dimensions: dimensionsOf(m.Dimensions) });
      token = page.NextToken;
    } while (token);
    return out;
  }

  /** Each query's values per `periodSeconds` over [start, end], oldest first (in the query's order). */
  async series(
    region: string,
    queries: readonly SeriesQuery[],
    window: { start: Date; end: Date; periodSeconds: number },
  ): Promise<Series[]> {
    if (queries.length === 0) return [];
    const requests: MetricDataQuery[] = queries.map((q, i) => ({
      Id: `m${i}`,
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: q.namespace,
          MetricName: q.name,
          Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: window.periodSeconds,
        Stat: q.stat,
      },
    }));
    const points = new Map<string, { time: Date; value: number }[]>();
    let token: string | undefined;
    do {
      const page = await ask(`reading ${queries.length} metric(s) in ${region}`, () =>
        this.clients.cloudwatch(region).send(
          new GetMetricDataCommand({
            MetricDataQueries: requests,
            StartTime: window.start,
            EndTime: window.end,
            ScanBy: 'TimestampAscending',
            NextToken: token,
          }),
        ),
      );
      for (const r of page.MetricDataResults ?? []) {
        const list = points.get(r.Id ?? '') ?? [];
        (r.Timestamps ?? []).forEach((time, i) => {
          list.push({ time, value: r.Values?.[i] ?? 0 });
        });
        points.set(r.Id ?? '', list);
      }
      token = page.NextToken;
    } while (token);
    return queries.map((_, i) => ({
      points: (points.get(`m${i}`) ?? []).sort((a, b) => a.time.getTime() - b.time.getTime()),
    }));
  }
}
