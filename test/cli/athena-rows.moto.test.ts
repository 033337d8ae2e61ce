/**
 * An Athena row whose JSON column does not parse (a forged or cut requestparameters): `hunt --athena`
 * (against moto, its results seeded) and `scan results.csv` name that row and column, count it,
 * read every other row, and exit 2 (0 with --allow-partial).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaQueryRunner } from '../../lambda/adapters/athena-query-runner.js';
import { ATHENA_RESULT_COLUMNS } from '../../lambda/cli/athena.js';
import { hunt, parseHuntArgs } from '../../lambda/cli/command-hunt.js';
import { athenaCells, exampleRecords, motoConfig, seedAthena } from '../../scripts/try-it.js';
import { csvField } from '../support/athena-rows.js';
import { memoryIo } from '../support/cli-io.js';
import { type Moto, startMoto } from '../support/moto.js';

const HEADER: readonly string[] = ATHENA_RESULT_COLUMNS;
const REQUEST = HEADER.indexOf('requestparameters');

/** The bundled history three times over (39 rows, each event id its own), row 5 cut in its JSON. */
function rows(): string[][] {
  const records = exampleRecords();
  const all = [0, 1, 2].flatMap((copy) =>
    records.map((r) => athenaCells({ ...r, eventID: `${String(r.eventID)}-${copy}` })),
  );
  const bad = all[4] as string[];
  bad[REQUEST] = '{"functionName": "orders-api", "layers": ["arn:aws:lambda:us-east-1:1';
  return all;
}

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => moto?.stop());

describe('an Athena row that does not parse', () => {
  it('hunt --athena: names row 5 and its column, reads the 38 others, exit 2 (0 with --allow-partial)', async () => {
    const all = rows();
    const cfg = motoConfig(moto.endpoint);
    const run = async (extra: string[]) => {
      await seedAthena(moto.endpoint, all);
      const runner = new AthenaQueryRunner(new AthenaClient(cfg), { initialPollMs: 10 });
      const options = parseHuntArgs(
        ['--athena', '--table', 'db.cloudtrail', '--region', 'us-east-1', '--format', 'jsonl', ...extra],
        false,
        {},
      );
      if (options === 'help') throw new Error('help');
      const io = memoryIo();
      const code = await hunt(options, io, {
        lookup: () => {
          throw new Error('not this source');
        },
        athena: () => ({ rows: (p) => runner.query({ sql: 'SELECT 1', workGroup: 'primary' }, p) }),
      });
      return { code, io };
    };
    const { code, io } = await run([]);
    expect(io.err).toMatch(
      /layerwatch: athena: row 5: not read: SyntaxError: column requestparameters is not JSON/,
    );
    expect(io.err).toMatch(/ 38 records, .* 1 not JSON,/);
    expect(io.out.trim().split('\n').length).toBeGreaterThan(5);
    expect(code).toBe(2);
    expect((await run(['--allow-partial'])).code).toBe(0);
  });

  it('scan results.csv: the same row named and counted, the others read, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'athena-rows-'));
    const file = join(dir, 'results.csv');
    writeFileSync(file, `${[HEADER, ...rows()].map((r) => r.map(csvField).join(',')).join('\n')}\n`);
    const r = spawnSync(process.execPath, ['bin/layerwatch-cli.mjs', 'scan', '--format', 'jsonl', file], {
      encoding: 'utf8',
    });
    expect(r.stderr).toMatch(
      /results\.csv: row 5: not read: SyntaxError: column requestparameters is not JSON/,
    );
    expect(r.stderr).toMatch(/ 38 records, .* 1 not JSON,/);
    expect(r.status).toBe(2);
  });
});
