/**
 * The example finding of a refused attach (examples/findings/): once the lambda:Layer guardrail is
 * on, the IAM user of the other examples tries the same external layer on orders-api, and the
 * service control policy refuses it.
 */
import {
  createFunction,
  denied,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../test/support/records.js';

interface DeniedScenario {
  story: string;
  history: { record: Rec }[];
  record: Rec;
}

const at = (n: number, hm: string) => ({
  id: `1a7e0000-0000-4000-8000-0000000002${String(n).padStart(2, '0')}`,
  time: `2026-03-13T${hm}:00Z`,
});
const DEPS = layerArn('shared-deps', 6);
const IMPLANT = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);

export const DENIED_SCENARIOS: DeniedScenario[] = [
  {
    story:
      'With the guardrail attached, an IAM user with a long-term key tries to attach an external layer to invoices-api: the service control policy refuses it, nothing changes, and the attempt is the alert.',
    history: [
      {
        record: createFunction('invoices-api', {
          layers: [DEPS],
          ...at(1, '08:10'),
          identity: identities.deployRole(),
          sourceIp: 'cloudformation.amazonaws.com',
        }),
      },
    ],
    record: denied(
      updateFunctionConfiguration('invoices-api', {
        layers: [DEPS, IMPLANT],
        ...at(2, '15:02'),
        identity: identities.iamUser(),
        sourceIp: '198.51.100.77',
      }),
    ),
  },
];
