import {
  GetLayerVersionCommand,
  type GetLayerVersionCommandOutput,
  GetLayerVersionPolicyCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { parseLayerArn } from '../domain/arn.js';
import type { LayerArchiveLocation, LayerLookup } from '../domain/provenance.js';
import { cut } from '../domain/text.js';
import type { DeclaredCall } from './calls.js';
import { errorMessage, errorName, isAccessDenied } from './errors.js';
import type { LayerReader } from './ports.js';

/**
 * Reads a layer version and its resource policy. Uses GetLayerVersion with the layer ARN as
 * LayerName plus the version number (equivalent to GetLayerVersionByArn). Never throws: an
 * unreadable layer is reported, and the alert goes out regardless.
 */
export class LambdaLayerReader implements LayerReader {
  /** What this adapter sends (see calls.ts). */
  static readonly calls: readonly DeclaredCall[] = [
    { action: 'lambda:GetLayerVersion', resource: 'layer-version' },
    { action: 'lambda:GetLayerVersionPolicy', resource: 'layer-version' },
  ];

  constructor(private readonly clientFor: (account: string, region: string) => LambdaClient) {}

  /** @param viaAccount the account to read from: the function's (the one a layer policy grants). */
  async readLayer(versionArn: string, viaAccount: string): Promise<LayerLookup> {
    const parts = parseLayerArn(versionArn);
    if (!parts || parts.version === null) return { status: 'error', message: 'not a layer version ARN' };
    const client = this.clientFor(viaAccount, parts.region);
    const input = { LayerName: parts.layerArn, VersionNumber: parts.version };
    let version: GetLayerVersionCommandOutput;
    try {
      version = await client.send(new GetLayerVersionCommand(input));
    } catch (error) {
      return failure(error);
    }
    const policy = await this.readPolicy(client, input);
    const archive = archiveOf(version);
    return {
      status: 'ok',
      details: {
        description: version.Description ? cut(version.Description, 512) : null,
        createdDate: version.CreatedDate ?? null,
        codeSize: version.Content?.CodeSize ?? null,
        codeSha256: version.Content?.CodeSha256 ?? null,
        signingProfileVersionArn: version.Content?.SigningProfileVersionArn ?? null,
        signingJobArn: version.Content?.SigningJobArn ?? null,
        compatibleRuntimes: (version.CompatibleRuntimes ?? []).slice(0, 20).map(String),
      },
      ...policy,
      ...(archive ? { archive } : {}),
    };
  }

  private async readPolicy(
    client: LambdaClient,
    input: { LayerName: string; VersionNumber: number },
  ): Promise<{ sharing: 'private' | 'shared' | 'public' | 'unknown'; sharedWith: string[] }> {
    try {
      const out = await client.send(new GetLayerVersionPolicyCommand(input));
      return sharingOf(out.Policy ?? '');
    } catch (error) {
      // No policy at all is answered with ResourceNotFoundException: the version is private.
      if (errorName(error) === 'ResourceNotFoundException') return { sharing: 'private', sharedWith: [] };
      return { sharing: 'unknown', sharedWith: [] };
    }
  }
}

/**
 * The zip's presigned location, size and digest. `url` is a bearer credential: it is set
 * non-enumerable, so that serializing the lookup (a log line, a stored result) leaves it out.
 */
export function archiveOf(version: GetLayerVersionCommandOutput): LayerArchiveLocation | null {
  const c = version.Content;
  if (!c?.Location || c.CodeSize === undefined || !c.CodeSha256) return null;
  const archive = { size: c.CodeSize, codeSha256: c.CodeSha256 } as LayerArchiveLocation;
  Object.defineProperty(archive, 'url', { value: c.Location, enumerable: false });
  return archive;
}

function failure(error: unknown): LayerLookup {
  const name = errorName(error);
  const message = cut(`${name}: ${errorMessage(error)}`, 300);
  if (name === 'ResourceNotFoundException') return { status: 'not-found', message };
  if (isAccessDenied(error)) return { status: 'access-denied', message };
  return { status: 'error', message };
}

/** Who a layer version policy lets in: `*` without an organization condition is public. */
export function sharingOf(policy: string): {
  sharing: 'private' | 'shared' | 'public';
  sharedWith: string[];
} {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return { sharing: 'private', sharedWith: [] };
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  const sharedWith: string[] = [];
  let isPublic = false;
  for (const st of statements as {
    Effect?: string;
    Principal?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
  }[]) {
    if (st.Effect !== 'Allow') continue;
    const p = st.Principal;
    const principals =
      typeof p === 'string'
        ? [p]
        : p && typeof p === 'object' && 'AWS' in p
          ? [(p as { AWS: unknown }).AWS].flat().map(String)
          : [];
    const org = st.Condition?.StringEquals?.['aws:PrincipalOrgID'];
    for (const principal of principals) {
      if (principal === '*' && !org) isPublic = true;
      sharedWith.push(principal === '*' && org ? `organization ${String(org)}` : principal);
    }
  }
  return { sharing: isPublic ? 'public' : sharedWith.length > 0 ? 'shared' : 'private', sharedWith };
}
