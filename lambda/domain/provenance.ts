/** Where a layer comes from, and what the host could read about it. */
import { parseLayerArn } from './arn.js';
import type { DetectionSettings } from './settings.js';

export interface LayerDetails {
  description: string | null;
  createdDate: string | null;
  codeSize: number | null;
  codeSha256: string | null;
  signingProfileVersionArn: string | null;
  signingJobArn: string | null;
  compatibleRuntimes: string[];
}

/**
 * Where a layer version's zip can be read: GetLayerVersion's `Content`. The URL is presigned, a
 * bearer credential for ten minutes: it is carried beside the lookup for the inspect step and never
 * copied into a finding or a log (the Lambda adapter makes `url` non-enumerable, so that
 * JSON.stringify of a lookup leaves it out).
 */
export interface LayerArchiveLocation {
  readonly url: string;
  /** Content.CodeSize */
  readonly size: number;
  /** Content.CodeSha256 (base64) */
  readonly codeSha256: string;
}

/** The result of reading a layer version (Lambda host: GetLayerVersion + GetLayerVersionPolicy). */
export type LayerLookup =
  | {
      status: 'ok';
      details: LayerDetails;
      /** Who may use the version, from its resource policy; `unknown` when the policy could not be read. */
      sharing: 'private' | 'shared' | 'public' | 'unknown';
      sharedWith: string[];
      /** Where its zip can be read, when GetLayerVersion said (never copied into the finding). */
      archive?: LayerArchiveLocation;
    }
  | { status: 'access-denied' | 'not-found' | 'error'; message: string };

export interface LayerProvenance {
  versionArn: string;
  /** Owner account from the ARN; null when the entry is not a layer ARN. */
  account: string | null;
  relation: 'same-account' | 'organization' | 'known-publisher' | 'external' | 'unknown';
  publisher: { name: string; source: string } | null;
  lookup: 'ok' | 'access-denied' | 'not-found' | 'error' | 'not-read';
  lookupMessage: string | null;
  details: LayerDetails | null;
  sharing: 'private' | 'shared' | 'public' | 'unknown';
  sharedWith: string[];
}

export function provenanceOf(
  versionArn: string,
  homeAccount: string,
  settings: DetectionSettings,
  lookup: LayerLookup | undefined,
): LayerProvenance {
  const parts = parseLayerArn(versionArn);
  const account = parts?.account ?? null;
  const publisher = account ? settings.knownPublishers.find((p) => p.account === account) : undefined;
  const relation: LayerProvenance['relation'] = !account
    ? 'unknown'
    : account === homeAccount
      ? 'same-account'
      : settings.organizationAccounts.includes(account)
        ? 'organization'
        : publisher
          ? 'known-publisher'
          : 'external';
  return {
    versionArn,
    account,
    relation,
    publisher: publisher ? { name: publisher.name, source: publisher.source } : null,
    lookup: lookup?.status ?? 'not-read',
    lookupMessage: lookup && lookup.status !== 'ok' ? lookup.message : null,
    details: lookup?.status === 'ok' ? lookup.details : null,
    sharing: lookup?.status === 'ok' ? lookup.sharing : 'unknown',
    sharedWith: lookup?.status === 'ok' ? lookup.sharedWith : [],
  };
}
