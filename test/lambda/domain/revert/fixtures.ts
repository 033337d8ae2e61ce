/** A function as the revert reads it, for the domain tests: versions 1 to 3 clean, 4 with the layer. */
import type { RevertRequest } from '../../../../lambda/domain/revert/request.js';
import type { FunctionSnapshot } from '../../../../lambda/domain/revert/snapshot.js';

export const ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:pay';
export const layer = (name: string, v: number) => `arn:aws:lambda:eu-west-1:111122223333:layer:${name}:${v}`;
export const DEPS = layer('deps', 3);
export const EVIL = layer('perf-monitor-extension', 1);

export function snapshot(change: Partial<FunctionSnapshot> = {}): FunctionSnapshot {
  return {
    arn: ARN,
    name: 'pay',
    account: '111122223333',
    region: 'eu-west-1',
    layers: [DEPS, EVIL],
    revisionId: 'r-latest',
    role: 'arn:aws:iam::111122223333:role/pay',
    stackName: null,
    reservedConcurrency: null,
    versions: [
      { version: '1', layers: [DEPS] },
      { version: '2', layers: [DEPS] },
      { version: '3', layers: [DEPS] },
      { version: '4', layers: [DEPS, EVIL] },
    ],
    aliases: [{ name: 'prod', version: '4', weights: {}, revisionId: 'r-prod' }],
    ...change,
  };
}

export function request(change: Partial<RevertRequest> = {}): RevertRequest {
  return {
    functionArn: ARN,
    subjects: [EVIL],
    before: [DEPS],
    since: '2026-03-14T09:00:00Z',
    findingId: 'f1',
    ...change,
  };
}
