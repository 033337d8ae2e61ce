/**
 * The sweep's pair visibility timeout is one number (PAIR_VISIBILITY_SECONDS, lambda/domain): the
 * stack's queues and alarm, and the worker's backoff, must agree on it as deployed. A number written
 * again on either side, and changed there alone, fails here.
 */
import { PAIR_VISIBILITY_SECONDS, pairRetryDelaySeconds } from '../../lambda/domain/sweep-ledger.js';
import { MODES, synthesizeDeployment } from '../support/deployments.js';

const [single] = MODES;
if (!single) throw new Error('no deployment mode');
const resources = Object.entries(synthesizeDeployment(single).detector.template.Resources ?? {});

function only(type: string, id: RegExp): Record<string, unknown> {
  const found = resources.filter(([name, r]) => r.Type === type && id.test(name)).map(([, r]) => r);
  const [resource] = found;
  if (found.length !== 1 || !resource) throw new Error(`${found.length} ${type} named like ${id}`);
  return resource.Properties ?? {};
}

/** The longest wait the worker sets on a failed pair (its backoff grows, then stops at the cap). */
const longestBackoff = pairRetryDelaySeconds(Number.MAX_SAFE_INTEGER);

describe("the sweep's pair visibility timeout", () => {
  it("is the queues' visibility timeout and the cap of the worker's backoff", () => {
    const queue = only('AWS::SQS::Queue', /^LayerWatchSweepQueue/);
    const deadLetters = only('AWS::SQS::Queue', /^LayerWatchSweepDeadLetterQueue/);
    expect(queue.VisibilityTimeout).toBe(PAIR_VISIBILITY_SECONDS);
    expect(deadLetters.VisibilityTimeout).toBe(PAIR_VISIBILITY_SECONDS);
    expect(longestBackoff).toBe(queue.VisibilityTimeout);
  });

  it("is the worker's timeout and a minute (a timed-out worker's pair is not handed out under it)", () => {
    const worker = only('AWS::Lambda::Function', /^LayerWatchSweepWorker/);
    expect(worker.Timeout).toBe(PAIR_VISIBILITY_SECONDS - 60);
  });

  it('sets the dead-letter age alarm: two visibility timeouts less its five-minute period', () => {
    const alarm = only('AWS::CloudWatch::Alarm', /SweepDeadLetterAgeAlarm/);
    expect(alarm.Period).toBe(300);
    expect(alarm.Threshold).toBe(2 * PAIR_VISIBILITY_SECONDS - 300);
  });
});
