/**
 * The policies of a function's execution role, by name: what the code of a layer running in the
 * function could use (`layerwatch exposure` and the revert plan). For the CLI, with the caller's
 * credentials; names only, never a policy document.
 */
import {
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import type { DeclaredCall } from './calls.js';
import { errorMessage, errorName } from './errors.js';

export interface RolePolicies {
  /** Managed policies attached, by ARN. */
  attached: string[];
  /** Inline policies, by name. */
  inline: string[];
}

export class RoleReadError extends Error {
  override name = 'RoleReadError';
}

export class IamRoleReader {
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'iam:ListAttachedRolePolicies', resource: 'role' },
    { action: 'iam:ListRolePolicies', resource: 'role' },
  ];

  constructor(private readonly client: IAMClient) {}

  /** `roleArn`: the execution role (`arn:aws:iam::ACCOUNT:role/PATH/NAME`); IAM is asked by its name. */
  async policies(roleArn: string): Promise<RolePolicies> {
    const name = roleArn.split('/').at(-1) ?? roleArn;
    const out: RolePolicies = { attached: [], inline: [] };
    try {
      let marker: string | undefined;
      do {
        const page = await this.client.send(
          new ListAttachedRolePoliciesCommand({ RoleName: name, Marker: marker }),
        );
        out.attached.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? p.PolicyName ?? ''));
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      do {
        const page = await this.client.send(new ListRolePoliciesCommand({ RoleName: name, Marker: marker }));
        out.inline.push(...(page.PolicyNames ?? []));
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
    } catch (error) {
      throw new RoleReadError(
        `reading the policies of role ${name}: ${errorName(error)}: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
    return out;
  }
}
