/**
 * The example findings of versions and aliases (examples/findings/): attach, publish, repoint,
 * detach on payments-api, the way the attacker would, after a deploy tool published
 * version 11 and pointed `prod` at it.
 */
import {
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../test/support/records.js';
import { createAlias, publishVersion, updateAlias } from '../test/support/version-records.js';

interface VersionScenario {
  story: string;
  history: { record: Rec }[];
  record: Rec;
}

const time = (hm: string) => `2026-03-13T${hm}:00Z`;
const at = (n: number, hm: string) => ({
  id: `1a7e0000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
  time: time(hm),
});
const attacker = { identity: identities.iamUser(), sourceIp: '198.51.100.77' };
const deploy = { identity: identities.deployRole(), sourceIp: 'cloudformation.amazonaws.com' };

const DEPS = layerArn('shared-deps', 6);
const IMPLANT = layerArn('perf-monitor-extension', 1, OTHER_ACCOUNT);
const FN = 'payments-api';

const deployed = () => [
  { record: updateFunctionConfiguration(FN, { layers: [DEPS], ...at(1, '09:00'), ...deploy }) },
  { record: publishVersion(FN, '11', { layers: [DEPS], ...at(2, '09:01'), ...deploy }) },
  { record: createAlias(FN, 'prod', '11', { ...at(3, '09:02'), ...deploy }) },
];
const attach = {
  record: updateFunctionConfiguration(FN, { layers: [DEPS, IMPLANT], ...at(4, '15:00'), ...attacker }),
};
const publish = {
  record: publishVersion(FN, '12', { layers: [DEPS, IMPLANT], ...at(5, '15:01'), ...attacker }),
};
const repoint = { record: updateAlias(FN, 'prod', '12', { ...at(6, '15:02'), ...attacker }) };

export const VERSION_SCENARIOS: VersionScenario[] = [
  {
    story:
      'An IAM user detaches the external layer from $LATEST of payments-api after freezing it into version 12 and pointing prod at it: the layer still runs for every caller of prod.',
    history: [...deployed(), attach, publish, repoint],
    record: updateFunctionConfiguration(FN, { layers: [DEPS], ...at(7, '15:03'), ...attacker }),
  },
  {
    story:
      'An IAM user publishes version 12 of payments-api right after attaching an external layer to $LATEST: the layer is frozen into the version.',
    history: [...deployed(), attach],
    record: publish.record,
  },
  {
    story:
      'An IAM user sends 5 % of the traffic of alias prod of payments-api to version 12, which runs the external layer.',
    history: [...deployed(), attach, publish],
    record: updateAlias(FN, 'prod', '11', { weights: { '12': 0.05 }, ...at(8, '15:02'), ...attacker }),
  },
];
