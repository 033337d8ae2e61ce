/**
 * Every part of `layerwatch verify` that can fail, one row each: the part is reported with AWS's
 * error name and its region, every other check still reports, and the exit code is the documented
 * one (2 when a check could not be read, 0 with --allow-partial, 1 when a check failed: it wins).
 */
import type { StackState } from '../../lambda/adapters/deployment-reader.js';
import { runVerify } from '../../lambda/cli/verify.js';
import type { DeploymentView } from '../../lambda/cli/verify-checks.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:alerts';
const STACK: StackState = {
  status: 'UPDATE_COMPLETE',
  outputs: {
    AlertTopicArn: TOPIC,
    RuleNames: 'layer-rule,tamper-rule',
    CoveredRegions: 'us-east-1,eu-west-1',
    HeartbeatRegions: 'us-east-1,eu-west-1',
    HandlerName: 'handler',
    FailureQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/failure',
    RuleDeadLetterQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/dlq',
  },
};

function awsError(name: string): Error {
  const e = new Error(`${name} (simulated)`);
  e.name = name;
  return e;
}

/** A healthy deployment; `fail` makes one method throw for one argument. */
function view(fail?: { method: keyof DeploymentView; arg: string; error: string }): DeploymentView {
  const guard = (method: keyof DeploymentView, arg: string) => {
    if (fail && fail.method === method && arg.includes(fail.arg)) throw awsError(fail.error);
  };
  const healthyTrail = {
    name: 'org',
    arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org',
    homeRegion: 'us-east-1',
    multiRegion: true,
    organization: false,
    logging: true,
    writeManagementEvents: true,
  };
  return {
    stack: async (name) => {
      guard('stack', name);
      return STACK;
    },
    rule: async (name) => {
      guard('rule', name);
      return { state: 'ENABLED', targets: 1 };
    },
    topic: async (arn) => {
      guard('topic', arn);
      return { confirmed: ['email:a@example.com'], pending: 0, keyId: 'k1' };
    },
    keyState: async (id) => {
      guard('keyState', id);
      return 'Enabled';
    },
    trails: async (region) => {
      guard('trails', region);
      return [healthyTrail];
    },
    queueDepth: async (url) => {
      guard('queueDepth', url);
      return 0;
    },
    metric: async (_region, q) => {
      guard('metric', `${q.name} ${Object.values(q.dimensions).join(' ')}`);
      return q.name === 'Heartbeat' ? [{ time: new Date(NOW.getTime() - 600_000), sum: 1 }] : [];
    },
  };
}

async function run(v: DeploymentView, extra: string[] = [], publish = async () => 'm-1') {
  const lines: string[] = [];
  const code = await runVerify(
    ['--region', 'us-east-1', ...extra],
    {},
    {
      view: v,
      publish,
      now: () => NOW,
      out: (l) => lines.push(l),
    },
  );
  return { code, lines };
}

const ALL = [
  'stack LayerWatch',
  'rule layer-rule',
  'rule tamper-rule',
  `topic ${TOPIC}`,
  `key of ${TOPIC}`,
  'trail in us-east-1',
  'trail in eu-west-1',
  'queue FailureQueueUrl',
  'queue RuleDeadLetterQueueUrl',
  'heartbeat us-east-1',
  'heartbeat eu-west-1',
  'handler errors',
];
const nameOf = (line: string) => /^\w+ {1,2}(.+?): /.exec(line)?.[1];

describe('verify: each part alone', () => {
  it('a healthy deployment: every check passes (exit 0)', async () => {
    const { code, lines } = await run(view());
    expect(lines.slice(0, -1).map(nameOf).sort()).toEqual([...ALL].sort());
    expect(code).toBe(0);
  });

  const rows: [string, keyof DeploymentView, string, string][] = [
    ['rule layer-rule', 'rule', 'layer-rule', 'us-east-1'],
    [`topic ${TOPIC}`, 'topic', TOPIC, 'us-east-1'],
    [`key of ${TOPIC}`, 'keyState', 'k1', 'us-east-1'],
    ['trail in eu-west-1', 'trails', 'eu-west-1', 'eu-west-1'],
    ['queue FailureQueueUrl', 'queueDepth', 'failure', 'us-east-1'],
    ['heartbeat eu-west-1', 'metric', 'Heartbeat layerwatch eu-west-1', 'us-east-1'],
    ['handler errors', 'metric', 'Errors handler', 'us-east-1'],
  ];

  it.each(rows)(
    '%s could not be read (AccessDeniedException): ERROR with its region, the others report (exit 2; 0 with --allow-partial)',
    async (part, method, arg, region) => {
      const v = view({ method, arg, error: 'AccessDeniedException' });
      const { code, lines } = await run(v);
      const line = lines.find((l) => nameOf(l) === part);
      expect(line).toMatch(new RegExp(`^ERROR {2}.+: could not be read in ${region}: AccessDeniedException`));
      expect(lines.slice(0, -1).map(nameOf).sort()).toEqual([...ALL].sort());
      // Every other check passed, or was skipped because it needs what failed (a topic's key).
      for (const l of lines.slice(0, -1).filter((x) => nameOf(x) !== part)) expect(l).toMatch(/^(PASS|SKIP)/);
      expect(lines.at(-1)).toMatch(/1 could not be read/);
      expect(code).toBe(2);
      expect((await run(v, ['--allow-partial'])).code).toBe(0);
    },
  );

  it.each(rows)(
    '%s is gone (ResourceNotFoundException): FAIL with the fix, the others report (exit 1)',
    async (part, method, arg) => {
      const { code, lines } = await run(view({ method, arg, error: 'ResourceNotFoundException' }));
      const line = lines.find((l) => nameOf(l) === part);
      expect(line).toMatch(
        /^FAIL {2}.+: not found in [\w-]+ \(ResourceNotFoundException\): deleted\?\n\s+fix: /,
      );
      expect(lines.slice(0, -1).map(nameOf)).toEqual(
        expect.arrayContaining(ALL.filter((n) => n !== `key of ${TOPIC}` || part !== `topic ${TOPIC}`)),
      );
      expect(code).toBe(1);
    },
  );

  it('a failed check wins over one that could not be read (exit 1), as --fail-on does', async () => {
    const v = view({ method: 'trails', arg: 'eu-west-1', error: 'AccessDeniedException' });
    const broken = { ...v, rule: async () => ({ state: 'DISABLED', targets: 1 }) };
    expect((await run(broken)).code).toBe(1);
  });

  it('a stack that cannot be read: ERROR, every check that needs its outputs SKIP with why (exit 2)', async () => {
    const { code, lines } = await run(view({ method: 'stack', arg: 'LayerWatch', error: 'ExpiredToken' }));
    expect(lines[0]).toMatch(/^ERROR {2}stack LayerWatch: could not be read in us-east-1: ExpiredToken/);
    expect(lines.filter((l) => l.startsWith('SKIP'))).toHaveLength(7);
    expect(lines.at(-1)).toMatch(/1 could not be read, 7 skipped/);
    expect(code).toBe(2);
  });

  it('a test alert that cannot be sent is one more part: ERROR with the error, the checks still reported (exit 2)', async () => {
    const { code, lines } = await run(view(), ['--send-test-alert'], async () => {
      throw awsError('AuthorizationErrorException');
    });
    expect(lines).toContainEqual(
      expect.stringMatching(/^ERROR {2}test alert: not sent to .+AuthorizationErrorException/),
    );
    expect(lines.filter((l) => l.startsWith('PASS'))).toHaveLength(ALL.length);
    expect(code).toBe(2);
  });
});

describe('verify options', () => {
  it.each([
    [['--region', 'mars-1'], /--region: "mars-1" is not an AWS region name .*us-east-1/],
    [['--region', 'us-east-1', '--stack', '1bad'], /"1bad" is not a stack name/],
    [['--region', 'us-east-1', '--bogus'], /unknown argument --bogus/],
  ])(
    '%j is a usage error that says what is accepted, before any AWS call (exit 2)',
    async (args, message) => {
      const lines: string[] = [];
      const code = await runVerify(
        args,
        {},
        {
          view: {} as DeploymentView,
          publish: async () => '',
          now: () => NOW,
          out: (l) => lines.push(l),
        },
      );
      expect(code).toBe(2);
      expect(lines[0]).toMatch(message);
    },
  );

  it('takes every partition: aws-cn, aws-us-gov, ISO', async () => {
    for (const region of [
      'cn-north-1',
      'us-gov-west-1',
      'us-isob-east-1',
      'eu-central-2',
      'ap-southeast-5',
    ]) {
      const lines: string[] = [];
      await runVerify(
        ['--region', region],
        {},
        {
          view: view(),
          publish: async () => '',
          now: () => NOW,
          out: (l) => lines.push(l),
        },
      );
      expect(lines[0]).toMatch(/^PASS {2}stack/);
    }
  });
});
