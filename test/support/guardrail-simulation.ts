/**
 * Evaluates a generated guardrail with an IAM simulator (@cloud-copilot/iam-simulate, test-only:
 * AGPL-3.0, never imported by product code) in the place its format is attached: an SCP beside
 * FullAWSAccess, an identity policy beside an administrator's, or a permissions boundary.
 */
import { type EvaluationResult, runSimulation } from '@cloud-copilot/iam-simulate';
import type { GuardrailFormat, GuardrailPolicy } from '../../lambda/domain/guardrail/policy.js';

export const ALLOW_ALL = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export interface SimulatedRequest {
  action: string;
  /** Omitted from the request context when null. */
  layers: readonly string[] | null;
  /** `aws:PrincipalArn`, given to the simulator as context (it does not derive it); absent when null. */
  principalArn: string | null;
  account?: string;
}

export class SimulatorRejectedError extends Error {
  override name = 'SimulatorRejectedError';
}

export async function simulate(
  policy: GuardrailPolicy,
  format: GuardrailFormat,
  request: SimulatedRequest,
): Promise<EvaluationResult> {
  // The function lives in the caller's account: a cross-account call would need a resource policy.
  const account = request.account ?? /::(\d{12}):/.exec(request.principalArn ?? '')?.[1] ?? '111122223333';
  const guardrail = { name: 'layerwatch-guardrail', policy };
  const response = await runSimulation(
    {
      request: {
        principal: request.principalArn ?? `arn:aws:iam::${account}:user/unnamed`,
        action: request.action,
        resource: { resource: `arn:aws:lambda:us-east-1:${account}:function:app`, accountId: account },
        contextVariables: {
          ...(request.layers === null ? {} : { 'lambda:Layer': [...request.layers] }),
          ...(request.principalArn === null ? {} : { 'aws:PrincipalArn': request.principalArn }),
        },
      },
      identityPolicies: [{ name: 'admin', policy: ALLOW_ALL }, ...(format === 'identity' ? [guardrail] : [])],
      serviceControlPolicies:
        format === 'scp'
          ? [{ orgIdentifier: account, policies: [{ name: 'FullAWSAccess', policy: ALLOW_ALL }, guardrail] }]
          : [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: format === 'boundary' ? [guardrail] : undefined,
    },
    {},
  );
  if (response.resultType === 'error')
    throw new SimulatorRejectedError(`the simulator rejected the input: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}
