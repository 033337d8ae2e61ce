import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { EMITTED_METRICS, METRIC_NAMESPACE, type MetricName } from '../../lambda/pipeline/telemetry.js';

/** What the dashboard draws, as `LayerWatch` composes it (one object: its constructs). */
export interface OperationsDashboardProps {
  readonly detector: { readonly handler: lambda.IFunction & { readonly logGroup: logs.ILogGroup } };
  readonly sweep: { readonly fn: lambda.IFunction };
  readonly tamper: {
    readonly rule: { readonly ruleName: string };
    readonly directRule: { readonly ruleName: string };
  };
}

const HOUR = Duration.hours(1);
const FIVE_MINUTES = Duration.minutes(5);

/** One of the runtimes' own metrics (lambda/pipeline/telemetry.ts), with its runtime's `service`. */
export function emittedMetric(
  name: MetricName,
  dimensions: Record<string, string> = {},
  options: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: EMITTED_METRICS[name].service, ...dimensions },
    period: FIVE_MINUTES,
    statistic: cloudwatch.Stats.SUM,
    ...options,
  });
}

/**
 * Every value of the dimensions of an emitted metric, found at display time (a CloudWatch search
 * expression): one line per detection, severity or sink that occurred.
 */
export function emittedSearch(
  name: MetricName,
  dimensions: readonly string[],
  label: string,
  filter = '',
): cloudwatch.MathExpression {
  const schema = [METRIC_NAMESPACE, ...[...dimensions, 'service'].sort()].join(',');
  const service = EMITTED_METRICS[name].service;
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${name}" service="${service}"${filter}', 'Sum', 3600)`,
    usingMetrics: {},
    label,
    period: HOUR,
  });
}

/** A widget made at synthesis, once every construct of the stack exists (alarms added later included). */
class Deferred extends cloudwatch.ConcreteWidget {
  constructor(
    width: number,
    height: number,
    private readonly make: () => cloudwatch.IWidget,
  ) {
    super(width, height);
  }

  toJson(): unknown[] {
    const widget = this.make();
    widget.position(this.x ?? 0, this.y ?? 0);
    return widget.toJson();
  }
}

/** Every alarm of the stack (the detector's, the heartbeat's, the member heartbeats'). */
function alarmsOf(scope: IConstruct): cloudwatch.Alarm[] {
  return Stack.of(scope)
    .node.findAll()
    .filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm);
}

/** The blind-region alarms: each watches `Heartbeat` of one region (or member account and region). */
function heartbeatAlarms(
  scope: IConstruct,
): { alarm: cloudwatch.Alarm; dimensions: Record<string, string> }[] {
  return alarmsOf(scope).flatMap((alarm) => {
    const m = alarm.metric;
    if (!(m instanceof cloudwatch.Metric) || m.namespace !== METRIC_NAMESPACE || m.metricName !== 'Heartbeat')
      return [];
    const { service: _, ...dimensions } = (m.dimensions ?? {}) as Record<string, string>;
    return [{ alarm, dimensions }];
  });
}

const HEARTBEAT_OFF =
  'The heartbeat is off (`-c heartbeat=false`): whether a region is blind is not watched.';

const text = (markdown: string, width = 24, height = 2) =>
  new cloudwatch.TextWidget({ markdown, width, height });

/**
 * layerwatch's health at a glance, in the detector's account and region, laid out for the two
 * questions an operator asks: is it seeing (heartbeat and latency of every covered region and member
 * account, the blind-region alarms, the sweep, the events it could not read, the tamper findings) and
 * is it telling (findings, suppressions, delivery failures, dead letters, the handler's health,
 * enrichment and inspection, the latest findings from the handler's log, every alarm). Every metric
 * the runtimes emit is drawn; the regions and accounts come from the heartbeat's alarms, so the
 * dashboard covers what is watched, no more and no less (README: Operations).
 */
export class OperationsDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  /** The dashboard of a LayerWatch, for the stack's outputs. */
  static of(scope: IConstruct): OperationsDashboard {
    const found = scope.node.children.find((c): c is OperationsDashboard => c instanceof OperationsDashboard);
    if (!found) throw new Error(`layerwatch: ${scope.node.path} has no operations dashboard`);
    return found;
  }

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
      widgets: [
        [
          text(
            '# Is it seeing?\nEvery covered region and member account, the sweep, and calls that could blind layerwatch.',
          ),
        ],
        this.heartbeatRow(),
        seeingRow(props),
        [text('# Is it telling?\nFindings out, what stopped them, and what is waiting in a queue.')],
        tellingRow(),
        healthRow(props),
        inspectionRow(),
        [latestFindings(props.detector.handler.logGroup)],
        [new Deferred(24, 6, () => allAlarms(this))],
      ],
    });
  }

  private heartbeatRow(): cloudwatch.IWidget[] {
    const beats = () => heartbeatAlarms(this);
    const label = (d: Record<string, string>) => (d.Account ? `${d.Account} ${d.Region}` : `${d.Region}`);
    return [
      new Deferred(8, 6, () =>
        beats().length === 0
          ? text(HEARTBEAT_OFF, 8, 6)
          : new cloudwatch.GraphWidget({
              title: 'Heartbeats per hour (0 for two hours: blind)',
              left: beats().map(({ dimensions: d }) =>
                emittedMetric('Heartbeat', d, { period: HOUR, label: label(d) }),
              ),
              leftYAxis: { min: 0 },
              width: 8,
              height: 6,
            }),
      ),
      new Deferred(8, 6, () =>
        beats().length === 0
          ? text(HEARTBEAT_OFF, 8, 6)
          : new cloudwatch.GraphWidget({
              title: 'Detection latency, CloudTrail to handler (p50, p99)',
              // By region alone: a member's heartbeat is timed with its region's (pipeline/heartbeat.ts).
              left: [...new Set(beats().map((b) => b.dimensions.Region ?? ''))].flatMap((Region) =>
                ['p50', 'p99'].map((statistic) =>
                  emittedMetric(
                    'DetectionLatency',
                    { Region },
                    { period: HOUR, statistic, label: `${Region} ${statistic}` },
                  ),
                ),
              ),
              leftYAxis: { min: 0, label: 'ms', showUnits: false },
              width: 8,
              height: 6,
            }),
      ),
      new Deferred(8, 6, () =>
        beats().length === 0
          ? text(HEARTBEAT_OFF, 8, 6)
          : new cloudwatch.AlarmStatusWidget({
              title: 'Blind-region alarms',
              alarms: beats().map((b) => b.alarm),
              width: 8,
              height: 6,
            }),
      ),
    ];
  }
}

function seeingRow(props: OperationsDashboardProps): cloudwatch.IWidget[] {
  const day = Duration.days(1);
  const sweep = (name: MetricName) => emittedMetric(name, {}, { period: day, label: name });
  const rule = (ruleName: string, metricName: string, label: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName,
      dimensionsMap: { RuleName: ruleName },
      period: HOUR,
      statistic: cloudwatch.Stats.SUM,
      label,
    });
  return [
    new cloudwatch.GraphWidget({
      title: 'Drift sweep: functions seen, seeded, drifted, unreachable (per day)',
      left: [
        sweep('SweepFunctions'),
        sweep('SweepSeeded'),
        sweep('SweepDrifted'),
        sweep('SweepUnreachable'),
        sweep('SweepOverlaps'),
      ],
      right: [props.sweep.fn.metricErrors({ period: day, label: 'sweep errors' })],
      leftYAxis: { min: 0 },
      width: 8,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Events the handler could not read or skipped',
      left: (['MalformedEvents', 'IgnoredEvents', 'DuplicateEvents'] as const).map((n) =>
        emittedMetric(n, {}, { period: HOUR, label: n }),
      ),
      leftYAxis: { min: 0 },
      width: 8,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Tamper: detector-tampered findings, calls matched, direct messages',
      left: [
        emittedSearch(
          'FindingsPublished',
          ['detectionId', 'severity'],
          '',
          ' detectionId="detector-tampered"',
        ),
      ],
      right: [
        rule(props.tamper.rule.ruleName, 'TriggeredRules', 'tamper rule matched'),
        rule(props.tamper.directRule.ruleName, 'Invocations', 'direct rule published'),
        rule(props.tamper.directRule.ruleName, 'FailedInvocations', 'direct rule failed'),
      ],
      leftYAxis: { min: 0 },
      width: 8,
      height: 6,
    }),
  ];
}

function tellingRow(): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: 'Findings published, by detection and severity',
      left: [emittedSearch('FindingsPublished', ['detectionId', 'severity'], '')],
      stacked: true,
      width: 12,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Findings suppressed (settings), by detection',
      left: [emittedSearch('FindingsSuppressed', ['detectionId'], '')],
      width: 6,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Delivery failures, per sink',
      left: [emittedSearch('DeliveryFailures', ['sink'], '')],
      width: 6,
      height: 6,
    }),
  ];
}

function healthRow(props: OperationsDashboardProps): cloudwatch.IWidget[] {
  const { handler } = props.detector;
  return [
    new Deferred(8, 6, () => queues(alarmsOf(props.detector.handler))),
    new cloudwatch.GraphWidget({
      title: 'Handler errors and throttles, detections that threw',
      left: [
        handler.metricErrors({ period: FIVE_MINUTES, label: 'errors' }),
        handler.metricThrottles({ period: FIVE_MINUTES, label: 'throttles' }),
        emittedMetric('DetectionErrors', {}, { label: 'DetectionErrors' }),
      ],
      leftYAxis: { min: 0 },
      width: 8,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Handler duration (p50, p99, max; timeout 30 s)',
      left: ['p50', 'p99', 'Maximum'].map((statistic) =>
        handler.metricDuration({ period: FIVE_MINUTES, statistic, label: statistic }),
      ),
      leftYAxis: { min: 0 },
      width: 8,
      height: 6,
    }),
  ];
}

/** The dead-letter and failure queues, as their alarms watch them (any message is an alarm). */
function queues(alarms: readonly cloudwatch.Alarm[]): cloudwatch.IWidget {
  // Labelled by the alarm's id: RuleDeadLetter, FailureQueue, TamperDeadLetter...
  const depth = alarms.flatMap((a) =>
    a.metric instanceof cloudwatch.Metric && a.metric.namespace === 'AWS/SQS'
      ? [a.metric.with({ label: a.node.id.replace(/Alarm$/, '') })]
      : [],
  );
  return new cloudwatch.GraphWidget({
    title: 'Messages waiting in the dead-letter and failure queues (should be 0)',
    left: depth,
    leftYAxis: { min: 0 },
    legendPosition: cloudwatch.LegendPosition.BOTTOM,
    width: 8,
    height: 6,
  });
}

function inspectionRow(): cloudwatch.IWidget[] {
  const count = (name: MetricName) => emittedMetric(name, {}, { period: HOUR, label: name });
  return [
    new cloudwatch.GraphWidget({
      title: 'Enrichment failures and inspection gaps (named in the findings)',
      left: [count('EnrichmentFailures'), count('LayerInspectionGaps'), count('InspectionCacheFailures')],
      leftYAxis: { min: 0 },
      width: 12,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Layer inspections and the cache hit rate',
      left: [count('LayerInspections'), count('InspectionCacheHits')],
      right: [
        new cloudwatch.MathExpression({
          expression: 'IF(inspections > 0, 100 * hits / inspections, 0)',
          usingMetrics: { hits: count('InspectionCacheHits'), inspections: count('LayerInspections') },
          label: 'cache hit rate %',
          period: HOUR,
        }),
      ],
      leftYAxis: { min: 0 },
      rightYAxis: { min: 0, max: 100, label: '%', showUnits: false },
      width: 12,
      height: 6,
    }),
  ];
}

/** The latest published findings, from the handler's structured log ("Finding published"). */
function latestFindings(logGroup: logs.ILogGroup): cloudwatch.IWidget {
  return new cloudwatch.LogQueryWidget({
    title: 'Latest findings (handler log)',
    logGroupNames: [logGroup.logGroupName],
    queryLines: [
      'fields @timestamp, severity, detectionId, functionArn, layers.0 as layer, actor',
      'filter message = "Finding published"',
      'sort @timestamp desc',
      'limit 20',
    ],
    view: cloudwatch.LogQueryVisualizationType.TABLE,
    width: 24,
    height: 8,
  });
}

function allAlarms(scope: IConstruct): cloudwatch.IWidget {
  return new cloudwatch.AlarmStatusWidget({
    title: 'Every layerwatch alarm of this stack',
    alarms: alarmsOf(scope),
    sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
    width: 24,
    height: 6,
  });
}
