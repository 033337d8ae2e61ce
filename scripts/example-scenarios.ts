/**
 * examples/findings/: one finding per detection, as the Lambda publishes it (the `sqs`/`lambda`
 * body of its SNS message). Each comes from the real engine (`analyze`) given what the Lambda host
 * knows and the offline scan cannot: the function's live configuration with its start-up hook
 * variables (CloudTrail blanks environment values), the layer versions it looked up, their
 * content as the inspect step read it, file lists for a reorder, recent publications, and the
 * deployment's own resources. Times and ids are fixed: the same code always writes the same files.
 */
import { type Baseline, recordQualifier, recordState } from '../lambda/domain/baseline.js';
import type { PublishRecord } from '../lambda/domain/correlation.js';
import { DETECTIONS } from '../lambda/domain/detections/index.js';
import { type AnalysisContext, analyze } from '../lambda/domain/engine.js';
import type { Finding } from '../lambda/domain/finding.js';
import { isFunctionEvent, qualifierFunctionOf } from '../lambda/domain/model.js';
import { renderAlert } from '../lambda/domain/render/alert.js';
import {
  DEFAULT_OWN_RESOURCES,
  DEFAULT_SETTINGS,
  type DetectionSettings,
} from '../lambda/domain/settings.js';
import { ciRole } from '../test/support/inspected-findings.js';
import {
  ACCOUNT,
  addLayerVersionPermission,
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  REGION,
  type Rec,
  updateFunctionConfiguration,
} from '../test/support/records.js';
import { eventOf } from '../test/support/run.js';
import { call, OWN } from '../test/support/tamper-records.js';
import { addExamplePosture, liveOf } from './example-host.js';
import { FILES, inspected, lookup, pathsOf, zipSize } from './example-layers.js';
import { DENIED_SCENARIOS } from './example-scenarios-denied.js';
import { VERSION_SCENARIOS } from './example-scenarios-versions.js';

/** One event the Lambda handles, with what it read for it. */
interface Step {
  record: Rec;
  /** The function's environment as GetFunctionConfiguration returned it (function events). */
  environment?: Record<string, string>;
  /** The function's layers as GetFunctionConfiguration returned them; default: the event's. */
  liveLayers?: string[];
}

interface Scenario extends Step {
  /** What happened, in one sentence. */
  story: string;
  /** Earlier events, handled as they came: they make the baseline and the publications. */
  history?: Step[];
  context?: Pick<AnalysisContext, 'layers' | 'inspections' | 'layerPaths'>;
  settings?: DetectionSettings;
}

const time = (hm: string) => `2026-03-13T${hm}:00Z`;
const id = (n: number) => `1a7e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = (n: number, hm: string) => ({ id: id(n), time: time(hm) });
const attacker = { identity: identities.iamUser(), sourceIp: '198.51.100.77' };
const deploy = {
  identity: identities.deployRole(),
  sourceIp: 'cloudformation.amazonaws.com',
  userAgent: 'aws-sdk-nodejs/2.1692.0 linux/v22.14.0 exec-env/AWS_Lambda_nodejs22.x cfn/1.0',
};
const console_ = {
  identity: identities.ssoAdmin(),
  userAgent: 'console.amazonaws.com',
  sourceIp: '192.0.2.44',
};
/** CloudTrail logs the names of the variables a call sets, never their values. */
const blanked = (env: Record<string, string>) => ({
  environment: { variables: Object.fromEntries(Object.keys(env).map((k) => [k, '****'])) },
});
const sha = (seed: string) => Buffer.from(`sha256 of ${seed}`.padEnd(32, '.')).toString('base64');

const DEPS3 = layerArn('shared-deps', 3);
const DEPS6 = layerArn('shared-deps', 6);
const DEPS7 = layerArn('shared-deps', 7);
const PERF = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);
const WRAPPER = layerArn('otel-autoinstrument', 4, OTHER_ACCOUNT);
const DEBUG = layerArn('debug-tools', 7, OTHER_ACCOUNT);
const INSIGHTS = layerArn('LambdaInsightsExtension', 52, '580247275435');
const IMAGES = layerArn('image-libs', 2);
const SHIPPER = layerArn('log-shipper', 3);
const METRICS = layerArn('metrics-agent', 5);

const createdIn = '2026-03-13T08:00:00.000+0000';
const external = { description: 'performance monitor', created: createdIn };

/** In DETECTIONS order, versions and aliases last: the file of each is examples/findings/<detection id>.json. */
const LAYER_SCENARIOS: Scenario[] = [
  {
    story:
      'An IAM user attaches an external layer to checkout-api and, in the same call, points AWS_LAMBDA_EXEC_WRAPPER at its wrapper script (the classic persistence).',
    history: [
      {
        record: createFunction('checkout-api', { layers: [DEPS3], ...at(1, '08:30'), ...deploy }),
        environment: { LOG_LEVEL: 'info' },
      },
    ],
    record: updateFunctionConfiguration('checkout-api', {
      layers: [DEPS3, WRAPPER],
      request: blanked({ LOG_LEVEL: 'info', AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument' }),
      ...at(2, '14:02'),
      ...attacker,
    }),
    environment: { LOG_LEVEL: 'info', AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument' },
    context: {
      layers: {
        [WRAPPER]: lookup(
          {
            ...external,
            description: 'auto-instrumentation',
            size: zipSize(FILES.wrapper),
            codeSha256: sha('wrapper'),
          },
          'shared',
          [ACCOUNT],
        ),
      },
      inspections: { [WRAPPER]: inspected(WRAPPER, sha('wrapper'), FILES.wrapper) },
    },
  },
  {
    story:
      'A CI role creates thumbnailer with the Lambda Insights extension (a known publisher) and an image library layer of its own account.',
    record: createFunction('thumbnailer', {
      layers: [INSIGHTS, IMAGES],
      ...at(3, '09:15'),
      identity: ciRole(),
    }),
    environment: { BUCKET: 'thumbnails' },
    context: {
      layers: {
        [INSIGHTS]: lookup(
          {
            description: 'CloudWatch Lambda Insights',
            created: createdIn,
            size: zipSize(FILES.insights),
            codeSha256: sha('insights'),
          },
          'public',
        ),
        [IMAGES]: lookup({
          description: 'libvips',
          created: createdIn,
          size: zipSize(FILES.images),
          codeSha256: sha('images'),
        }),
      },
      inspections: {
        [INSIGHTS]: inspected(INSIGHTS, sha('insights'), FILES.insights),
        [IMAGES]: inspected(IMAGES, sha('images'), FILES.images, true),
      },
    },
  },
  {
    story:
      'An IAM user with a long-term key attaches an external layer that starts an extension to orders-api.',
    history: [
      {
        record: createFunction('orders-api', { layers: [DEPS3], ...at(4, '08:00'), ...deploy }),
        environment: {},
      },
    ],
    record: updateFunctionConfiguration('orders-api', {
      layers: [DEPS3, PERF],
      ...at(5, '14:07'),
      ...attacker,
    }),
    environment: {},
    context: {
      layers: {
        [PERF]: lookup({ ...external, size: zipSize(FILES.perf), codeSha256: sha('perf') }, 'shared', [
          ACCOUNT,
        ]),
      },
      inspections: { [PERF]: inspected(PERF, sha('perf'), FILES.perf) },
    },
  },
  {
    story:
      'A CI role moves reports-job from shared-deps:6 to shared-deps:7, which an IAM user published by hand 45 minutes earlier and which adds an extension.',
    history: [
      {
        record: createFunction('reports-job', { layers: [DEPS6], ...at(6, '07:40'), ...deploy }),
        environment: {},
      },
      { record: publishLayerVersion('shared-deps', 7, { ...at(7, '10:05'), ...attacker }) },
    ],
    record: updateFunctionConfiguration('reports-job', {
      layers: [DEPS7],
      ...at(8, '10:50'),
      identity: ciRole(),
    }),
    environment: {},
    context: {
      layers: {
        [DEPS7]: lookup({
          description: 'shared dependencies',
          created: '2026-03-13T10:05:00.000+0000',
          size: zipSize(FILES.deps7),
          codeSha256: sha('deps7'),
        }),
      },
      inspections: {
        [DEPS6]: inspected(DEPS6, sha('deps6'), FILES.deps6, true),
        [DEPS7]: inspected(DEPS7, sha('deps7'), FILES.deps7),
      },
    },
  },
  {
    story:
      'During the response, an administrator removes the external layer from orders-api (published because this deployment sets minSeverity informational).',
    history: [
      {
        record: createFunction('orders-api', { layers: [DEPS3], ...at(9, '08:00'), ...deploy }),
        environment: {},
      },
      {
        record: updateFunctionConfiguration('orders-api', {
          layers: [DEPS3, PERF],
          ...at(10, '14:07'),
          ...attacker,
        }),
        environment: {},
      },
    ],
    record: updateFunctionConfiguration('orders-api', { layers: [DEPS3], ...at(11, '14:40'), ...console_ }),
    environment: {},
    settings: { ...DEFAULT_SETTINGS, minSeverity: 'informational' },
  },
  {
    story:
      'An IAM user swaps the order of two layers of ingest-worker that both ship extensions/telemetry-agent, so that the other copy now runs.',
    history: [
      {
        record: createFunction('ingest-worker', {
          layers: [SHIPPER, METRICS],
          ...at(12, '08:10'),
          ...deploy,
        }),
        environment: {},
      },
    ],
    record: updateFunctionConfiguration('ingest-worker', {
      layers: [METRICS, SHIPPER],
      ...at(13, '14:12'),
      ...attacker,
    }),
    environment: {},
    context: { layerPaths: { [METRICS]: pathsOf(FILES.metrics), [SHIPPER]: pathsOf(FILES.shipper) } },
  },
  {
    story:
      "An administrator changes billing-worker's timeout; the response shows an external layer that no event seen had attached.",
    history: [
      {
        record: createFunction('billing-worker', { layers: [DEPS3], ...at(14, '08:20'), ...deploy }),
        environment: {},
      },
    ],
    record: updateFunctionConfiguration('billing-worker', {
      request: { timeout: 60 },
      responseLayers: [DEPS3, DEBUG],
      ...at(15, '15:30'),
      ...console_,
    }),
    environment: {},
    context: {
      layers: {
        [DEBUG]: lookup(
          { ...external, description: 'debug helpers', size: zipSize(FILES.debug), codeSha256: sha('debug') },
          'public',
        ),
      },
      inspections: { [DEBUG]: inspected(DEBUG, sha('debug'), FILES.debug) },
    },
  },
  {
    story:
      'An IAM user publishes shared-deps:7 from the CLI (the version reports-job moves to 45 minutes later).',
    record: publishLayerVersion('shared-deps', 7, { ...at(7, '10:05'), ...attacker }),
  },
  {
    story: 'An IAM user shares shared-deps:7 with an account outside the organization.',
    record: addLayerVersionPermission('shared-deps', 7, OTHER_ACCOUNT, {
      ...at(17, '10:07'),
      ...attacker,
      statementId: 'partner',
    }),
  },
  {
    story:
      "An IAM user sets the reserved concurrency of layerwatch's handler to 0: it can no longer run, and no alert would follow.",
    record: {
      ...call(
        'lambda',
        'PutFunctionConcurrency20171031',
        { functionName: OWN.handler, reservedConcurrentExecutions: 0 },
        { reservedConcurrentExecutions: 0 },
      ),
      eventID: id(18),
      eventTime: time('14:20'),
    },
  },
];

const SCENARIOS: Scenario[] = [...LAYER_SCENARIOS, ...VERSION_SCENARIOS, ...DENIED_SCENARIOS];

/**
 * The deployed handler's settings: the defaults plus the exact resources of its stack
 * (LAYERWATCH_OWN_RESOURCES) and its own function name.
 */
const LAMBDA_SETTINGS: DetectionSettings = {
  ...DEFAULT_SETTINGS,
  ownResources: {
    ...DEFAULT_OWN_RESOURCES,
    rules: [OWN.detectorRule, OWN.tamperRule],
    topics: [OWN.topicArn],
    functions: [`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${OWN.handler}`, OWN.handler],
    tables: [OWN.table],
  },
};

/** The finding the Lambda publishes for one scenario, as its SNS message's `sqs` body carries it. */
function publishedFinding(s: Scenario): Finding {
  const settings = s.settings ?? LAMBDA_SETTINGS;
  let baseline: Baseline | null = null;
  const publishes: PublishRecord[] = [];
  for (const step of s.history ?? []) {
    const event = eventOf(step.record);
    const a = analyze(event, { baseline, live: liveOf(step, event), publishes: [...publishes], settings });
    if (a.state && isFunctionEvent(event)) baseline = recordState(baseline, event.fn.arn, a.state);
    const fn = qualifierFunctionOf(event);
    if (a.qualifier && fn) baseline = recordQualifier(baseline, fn.arn, a.qualifier);
    if (a.publish) publishes.push(a.publish);
  }
  const event = eventOf(s.record);
  const { finding } = analyze(event, { ...s.context, baseline, live: liveOf(s, event), publishes, settings });
  if (!finding) throw new Error(`example "${s.story}" raised no finding`);
  addExamplePosture(finding, event, settings, baseline);
  if (finding.suppression)
    throw new Error(`example "${s.story}" would not be published: ${finding.suppression.rule}`);
  const message = JSON.parse(renderAlert(finding).message) as { sqs: string };
  return JSON.parse(message.sqs) as Finding;
}

/** One finding per detection, as the Lambda publishes it, in DETECTIONS order. */
export function lambdaExampleFindings(): Finding[] {
  return SCENARIOS.map(publishedFinding);
}

const INDEX_HEAD = `# Example findings

One finding per detection, exactly as the layerwatch Lambda publishes it (the \`sqs\` and \`lambda\`
body of its SNS message; [schema](../../schema/finding.schema.json)). Unlike the offline scan, the
Lambda reads the function's start-up hook variables (\`execHooks\`), the attached layers' content
(\`inspection\`) and, for a reorder, their file lists. Written by \`npx tsx scripts/make-examples.ts\`
from scripts/example-scenarios.ts; \`test/examples.test.ts\` fails when a file is stale.

| file | severity | what happened |
| --- | --- | --- |
`;

/**
 * Every file of examples/findings/, by name: `<detection id>.json` for each finding, as the files
 * hold them, and README.md, which says what happened in each.
 */
export function exampleFindingFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const rows: string[] = [];
  lambdaExampleFindings().forEach((finding, i) => {
    const name = `${finding.detectionId}.json`;
    if (files[name]) throw new Error(`two examples of ${finding.detectionId}`);
    files[name] = `${JSON.stringify(finding, null, 2)}\n`;
    const story = SCENARIOS[i]?.story ?? '';
    rows.push(`| [${name}](${name}) | ${finding.severity} (${finding.riskScore}) | ${story} |`);
  });
  const missing = DETECTIONS.map((d) => d.id).filter((d) => !files[`${d}.json`]);
  if (missing.length > 0) throw new Error(`no example finding of ${missing.join(', ')}`);
  files['README.md'] = `${INDEX_HEAD}${rows.join('\n')}\n`;
  return files;
}
