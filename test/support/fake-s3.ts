/** An S3 client that answers ListObjectsV2 with a delimiter over a fixed set of keys, in one page. */
import type { S3Client } from '@aws-sdk/client-s3';

export function fakeS3Listing(keys: readonly string[]): S3Client {
  return {
    async send(cmd: { input: { Prefix?: string } }) {
      const prefix = cmd.input.Prefix ?? '';
      const under = keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
      const folders = [
        ...new Set(under.filter((k) => k.includes('/')).map((k) => k.slice(0, k.indexOf('/') + 1))),
      ];
      return {
        Contents: under.filter((k) => !k.includes('/')).map((k) => ({ Key: prefix + k })),
        CommonPrefixes: folders.map((f) => ({ Prefix: prefix + f })),
        IsTruncated: false,
      };
    },
  } as unknown as S3Client;
}
