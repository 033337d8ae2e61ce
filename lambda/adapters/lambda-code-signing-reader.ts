import {
  GetCodeSigningConfigCommand,
  GetFunctionCodeSigningConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { FunctionRef } from '../domain/model.js';
import { type CodeSigningPosture, codeSigningNotRead } from '../domain/posture.js';
import { cut } from '../domain/text.js';
import type { DeclaredCall } from './calls.js';
import { errorMessage, errorName } from './errors.js';
import type { CodeSigningReader } from './ports.js';

const CONFIG_ARN = /^arn:[a-z0-9-]{1,32}:lambda:[a-z0-9-]{1,64}:\d{12}:code-signing-config:csc-[a-z0-9]{17}$/;

/**
 * Reads a function's code signing posture in the function's own account and region: which code
 * signing configuration it names (GetFunctionCodeSigningConfig), then that configuration's mode and
 * allowed signing profiles (GetCodeSigningConfig). Never throws: what cannot be read is `not-read`
 * with the reason (the finding names it), and the alert goes out all the same.
 */
export class LambdaCodeSigningReader implements CodeSigningReader {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'lambda:GetFunctionCodeSigningConfig', resource: 'function' },
    { action: 'lambda:GetCodeSigningConfig', resource: 'code-signing-config' },
  ];

  /** @param clientFor the client for an account and region (the host memoizes it, see accounts.ts). */
  constructor(private readonly clientFor: (account: string, region: string) => LambdaClient) {}

  async readCodeSigning(fn: FunctionRef): Promise<CodeSigningPosture> {
    const client = this.clientFor(fn.account, fn.region);
    let configArn: string | null;
    try {
      const out = await client.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: fn.arn }));
      configArn = out.CodeSigningConfigArn ? out.CodeSigningConfigArn : null;
    } catch (error) {
      const message = `${errorName(error)}: ${errorMessage(error)}`;
      // Lambda answers this for a function packaged as a container image: no signature to check.
      if (errorName(error) === 'InvalidParameterValueException' && /container image/i.test(message))
        return { state: 'not-supported', configArn: null, allowedPublishers: [], detail: cut(message, 300) };
      return codeSigningNotRead(`GetFunctionCodeSigningConfig: ${message}`);
    }
    if (configArn === null) return { state: 'none', configArn: null, allowedPublishers: [], detail: null };
    if (!CONFIG_ARN.test(configArn))
      return codeSigningNotRead(
        'GetFunctionCodeSigningConfig answered an ARN of another form',
        cut(configArn, 200),
      );
    try {
      const out = await client.send(new GetCodeSigningConfigCommand({ CodeSigningConfigArn: configArn }));
      const config = out.CodeSigningConfig;
      const mode = config?.CodeSigningPolicies?.UntrustedArtifactOnDeployment;
      const allowedPublishers = (config?.AllowedPublishers?.SigningProfileVersionArns ?? [])
        .filter((a): a is string => typeof a === 'string')
        .slice(0, 20)
        .map((a) => cut(a, 200));
      // Lambda's default, when a configuration does not say, is Warn.
      return {
        state: mode === 'Enforce' ? 'enforce' : 'warn',
        configArn,
        allowedPublishers,
        detail: null,
      };
    } catch (error) {
      return codeSigningNotRead(
        `GetCodeSigningConfig: ${errorName(error)}: ${errorMessage(error)}`,
        configArn,
      );
    }
  }
}
