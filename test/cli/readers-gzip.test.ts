/**
 * A gzip is inflated into one buffer of the size its trailer states: a hint that must never change
 * what is read. A gzip of several members states only its last member's size; a trailer that does
 * not match its data is a damaged file, reported as such.
 */
import { gzipSync } from 'node:zlib';
import { readBytes } from '../../lambda/cli/readers.js';
import type { SourceProblem, SourceRecord } from '../../lambda/cli/source-types.js';
import { layerArn, OTHER_ACCOUNT, otherService, updateFunctionConfiguration } from '../support/records.js';

async function read(bytes: Buffer) {
  const problems: SourceProblem[] = [];
  const records: SourceRecord[] = [];
  await readBytes('f.json.gz', bytes, problems, (rs) => records.push(...rs), {
    prefilter: false,
    maxRecordBytes: 8 * 1024 * 1024,
  });
  return { records: records.length, problems: problems.map((p) => p.kind) };
}

const attack = () => updateFunctionConfiguration('fn', { layers: [layerArn('x', 1, OTHER_ACCOUNT)] });
const many = (n: number) =>
  Buffer.from(JSON.stringify({ Records: [...Array.from({ length: n }, otherService), attack()] }));

describe('inflating a gzip in one piece', () => {
  it.each([
    ['one member', () => gzipSync(many(500)), 501],
    [
      'several members, the last one small (its trailer states less than the whole)',
      () => Buffer.concat([gzipSync('{"Records":['), gzipSync(many(500).subarray(12))]),
      501,
    ],
    ['an empty member last', () => Buffer.concat([gzipSync(many(300)), gzipSync('')]), 301],
  ])('%s: every record is read', async (_, make, n) => {
    expect(await read(make())).toEqual({ records: n, problems: [] });
  });

  it('a trailer that states another size is a damaged file, reported', async () => {
    const gz = Buffer.from(gzipSync(many(50)));
    gz.writeUInt32LE(gz.readUInt32LE(gz.length - 4) + 1000, gz.length - 4);
    const r = await read(gz);
    expect(r.problems.length).toBeGreaterThan(0);
  });
});
