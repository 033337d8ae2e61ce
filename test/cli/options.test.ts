/**
 * Every option is checked at the edge: a bad value is a usage error (exit 2) that says what was wrong
 * and what is accepted, before any AWS call. And the small things a new user types first: `help`,
 * `--version`, `inspect -`.
 */
import { spawnSync } from 'node:child_process';
import { UsageError } from '../../lambda/cli/command.js';
import { parseHuntArgs } from '../../lambda/cli/command-hunt.js';
import { main } from '../../lambda/cli/main.js';
import { parseScanArgs } from '../../lambda/cli/scan-args.js';
import { memoryIo } from '../support/cli-io.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const hunt = (...args: string[]) => parseHuntArgs(args, false, {}, NOW);
const LOOKUP = ['--lookup-events', '--region', 'us-east-1'];
const ATHENA = ['--athena', '--table', 'db.t', '--region', 'us-east-1'];

describe('hunt options, before any AWS call', () => {
  it.each([
    [
      [...LOOKUP.slice(0, 2), 'mars-1'],
      /--region: "mars-1" is not an AWS region name \(AREA-DIRECTION-NUMBER, e\.g\. us-east-1/,
    ],
    [
      ['--athena', '--table', 'db.t;DROP', '--region', 'us-east-1'],
      /--table: "db.t;DROP" is not a table name \(DATABASE\.TABLE or TABLE/,
    ],
    [
      [...ATHENA, '--output-location', 'results/'],
      /--output-location: "results\/" is not an S3 location \(s3:\/\/BUCKET\//,
    ],
    [[...ATHENA, '--output-location', 's3://A_B/x/'], /is not an S3 location/],
    [
      [...LOOKUP, '--since', '2026-12-01', '--until', '2026-11-01'],
      /--since \(2026-12-01.*\) is after --until \(2026-11-01/,
    ],
    [
      [...LOOKUP, '--since', '2026-01-01'],
      /--since: 2026-01-01 is more than 90 days ago; CloudTrail's Event history keeps 90 days \(from 2026-09-08\).*--athena/,
    ],
    [[...LOOKUP, '--until', '2025-06-01'], /--until: 2025-06-01 is more than 90 days ago/],
  ])('%j', (args, message) => {
    expect(() => hunt(...args)).toThrow(UsageError);
    expect(() => hunt(...args)).toThrow(message);
  });

  it('accepts what is valid: regions of every partition, an old window for Athena, a recent one for the Event history', () => {
    expect(
      hunt('--lookup-events', '--region', 'cn-north-1', '--region', 'us-gov-west-1', '--since', '2026-11-01'),
    ).toMatchObject({
      callRegions: ['cn-north-1', 'us-gov-west-1'],
    });
    expect(
      hunt(...ATHENA, '--since', '2020-01-01', '--output-location', 's3://my-results/athena/'),
    ).toMatchObject({
      outputLocation: 's3://my-results/athena/',
    });
  });

  it('through the command: exit 2 with the reason on stderr, and no AWS client is made', async () => {
    const io = memoryIo();
    expect(await main(['hunt', ...LOOKUP.slice(0, 2), 'mars-1'], io)).toBe(2);
    expect(io.err).toMatch(/^layerwatch hunt: --region: "mars-1" is not an AWS region name/);
    expect(io.out).toBe('');
  });
});

describe('scan and athena-sql options', () => {
  it.each([
    [['--since', '2026-03-02', '--until', '2026-03-01', 'x.json'], /--since .* is after --until/],
    [['--region', 'mars-1', 'x.json'], /--region: "mars-1" is not an AWS region name/],
    [['--s3-skip-before', '2026-03-01', 'x.json'], /--s3-skip-before .* no s3:\/\/ PATH is given/],
    [['--s3-skip-before', 'yesterday', 's3://b/'], /--s3-skip-before/],
    [['--s3-skip-before', '2026-03-01', 's3://b/'], /--s3-skip-before must not be after --since/],
    [
      ['--since', '2026-03-01', '--s3-skip-before', '2026-03-01T00:00:01Z', 's3://b/'],
      /--s3-skip-before must not be after --since: the days between would be neither reported nor read/,
    ],
  ])('scan %j is a usage error', (args, message) => {
    expect(() => parseScanArgs(args, false)).toThrow(message);
  });

  it.each([
    [['--since', '2026-03-10', '--s3-skip-before', '2026-03-10', 's3://b/'], Date.parse('2026-03-10')],
    [['--since', '2026-03-10', '--s3-skip-before', '2026-03-01', 's3://b/'], Date.parse('2026-03-01')],
    [['--since', '2026-03-10', 's3://b/'], null],
  ])('scan %j keeps --s3-skip-before at or before --since', (args, skip) => {
    expect(parseScanArgs(args, false)).toMatchObject({ s3SkipBeforeMs: skip });
  });

  it.each([
    [['--table', 'x y'], /--table: "x y" is not a table name/],
    [['--since', '2026-03-02', '--until', '2026-03-01'], /is after --until/],
    [['--region', 'evil'], /--region: "evil" is not an AWS region name/],
  ])('athena-sql %j is a usage error (exit 2)', async (args, message) => {
    const io = memoryIo();
    expect(await main(['athena-sql', ...args], io)).toBe(2);
    expect(io.err).toMatch(message);
  });
});

describe('what a new user types first', () => {
  it('help and help COMMAND print the usage on stdout (exit 0)', async () => {
    const general = memoryIo();
    expect(await main(['help'], general)).toBe(0);
    expect(general.out).toMatch(/^Usage: layerwatch scan/);
    const one = memoryIo();
    expect(await main(['help', 'verify'], one)).toBe(0);
    expect(one.out).toMatch(/--send-test-alert/);
  });

  it('--version and version print the version (exit 0)', async () => {
    for (const arg of ['--version', '-V', 'version']) {
      const io = memoryIo();
      expect(await main([arg], io)).toBe(0);
      expect(io.out).toMatch(/^layerwatch \S+\n$/);
    }
  });

  it('inspect - is a usage error that says what INPUT is, not a lookup of a function named "-"', async () => {
    const io = memoryIo();
    expect(await main(['inspect', '-'], io)).toBe(2);
    expect(io.err).toMatch(/^layerwatch inspect: - \(standard input\) is not an INPUT/);
  });
});

describe('the test processes', () => {
  it('a CLI process a test starts inherits the setting that silences the SDK warning about Node 20', () => {
    const r = spawnSync(process.execPath, ['bin/layerwatch-cli.mjs', 'verify', '--region', 'us-east-1'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'x',
      },
    });
    // The SDK was used (the stack could not be read), and said nothing about Node's version.
    expect(r.stdout).toMatch(/^ERROR {2}stack LayerWatch: could not be read/);
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning/);
  });
});
