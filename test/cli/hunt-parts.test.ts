/**
 * `layerwatch hunt --lookup-events` when a region or an event name fails: each is a part of its own,
 * named with AWS's error, the region and the name; the later regions and names are still looked up,
 * so the order of --region never decides whether an attack is found. moto has no LookupEvents: the
 * source is injected and answers by event name, as LookupEvents does.
 */
import type { LookedUpEvent, LookupOptions } from '../../lambda/adapters/cloudtrail-lookup-events-reader.js';
import { type HuntClients, hunt, parseHuntArgs } from '../../lambda/cli/command-hunt.js';
import { memoryIo } from '../support/cli-io.js';
import {
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from '../support/records.js';

const attack: Rec[] = [
  createFunction('orders', {
    layers: [layerArn('deps', 1)],
    time: '2026-03-14T09:00:00Z',
    identity: identities.deployRole(),
  }),
  updateFunctionConfiguration('orders', {
    layers: [layerArn('deps', 1), layerArn('implant', 3, OTHER_ACCOUNT)],
    time: '2026-03-14T09:05:00Z',
    identity: identities.iamUser(),
  }),
].map((r) => ({ ...r, awsRegion: 'eu-west-1' }));

function awsError(name: string): Error {
  const e = new Error(`${name} (simulated)`);
  e.name = name;
  return e;
}

/** Answers each name with the records of that name; `fails(name)` names the error to throw instead. */
function source(records: Rec[], fails: (name: string) => string | null, asked: string[]) {
  return {
    async *events(o: LookupOptions): AsyncIterable<LookedUpEvent> {
      for (const name of o.eventNames ?? []) {
        asked.push(name);
        const error = fails(name);
        if (error) throw awsError(error);
        for (const r of records.filter((x) => x.eventName === name))
          yield { status: 'ok', eventId: String(r.eventID), eventName: name, record: r };
      }
    },
  };
}

const never: HuntClients['athena'] = () => {
  throw new Error('not this source');
};

async function run(regions: Record<string, ReturnType<typeof source>>, extra: string[] = []) {
  const args = [
    '--lookup-events',
    '--format',
    'jsonl',
    ...Object.keys(regions).flatMap((r) => ['--region', r]),
    ...extra,
  ];
  const options = parseHuntArgs(args, false, {});
  if (options === 'help') throw new Error('help');
  const io = memoryIo();
  const code = await hunt(options, io, {
    lookup: (r) => regions[r] as ReturnType<typeof source>,
    athena: never,
  });
  const found = io.out
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { detectionId: string }).detectionId);
  return { code, found, err: io.err };
}

describe('hunt --lookup-events: each region and name alone', () => {
  it('a first region that is not enabled does not hide the attack in the next one; it is named, the rest skipped after two failures (exit 2)', async () => {
    const asked: Record<string, string[]> = { 'ap-east-1': [], 'eu-west-1': [] };
    const { code, found, err } = await run({
      'ap-east-1': source([], () => 'UnrecognizedClientException', asked['ap-east-1'] as string[]),
      'eu-west-1': source(attack, () => null, asked['eu-west-1'] as string[]),
    });
    expect(found).toEqual(['lambda-function-created-with-layers', 'lambda-layer-added']);
    expect(err).toMatch(
      /layerwatch: cloudtrail event history ap-east-1: UpdateFunctionConfiguration20150331v2: not looked up: UnrecognizedClientException/,
    );
    expect(err).toMatch(
      /cloudtrail event history ap-east-1: skipped: \d+ more event name\(s\) not looked up after 2 in a row failed with UnrecognizedClientException/,
    );
    expect(asked['ap-east-1']).toHaveLength(2);
    // The summary counts every kind of part.
    const names = asked['eu-west-1']?.length ?? 0;
    expect(err).toContain(
      `layerwatch: ${2 * names} lookups (2 region(s) x ${names} event names): ${names} done, 2 failed (UnrecognizedClientException: 2), ${names - 2} skipped\n`,
    );
    expect(asked['eu-west-1']?.length).toBeGreaterThan(30);
    expect(err).toMatch(/2 files .*1 unreadable/);
    expect(code).toBe(2);
  });

  it('the same attack is found whatever the order of --region', async () => {
    const broken = () => source([], () => 'AccessDeniedException', []);
    const a = await run({ 'eu-west-1': source(attack, () => null, []), 'ap-east-1': broken() });
    const b = await run({ 'ap-east-1': broken(), 'eu-west-1': source(attack, () => null, []) });
    expect(a.found).toEqual(b.found);
    expect(a.code).toBe(b.code);
  });

  it('one name that fails (throttled) is named; the names after it in that region are still looked up', async () => {
    const asked: string[] = [];
    const { code, found, err } = await run({
      'eu-west-1': source(
        attack,
        (n) => (n === 'CreateFunction20150331' ? 'ThrottlingException' : null),
        asked,
      ),
    });
    expect(err).toMatch(
      /cloudtrail event history eu-west-1: CreateFunction20150331: not looked up: ThrottlingException/,
    );
    expect(asked).toContain('UpdateFunctionConfiguration20150331v2');
    expect(asked).toContain('StopLogging');
    expect(found).toContain('lambda-layer-added');
    expect(code).toBe(2);
  });

  it('--allow-partial: exit 0, the failed region still named; --fail-on reached: exit 1, which wins', async () => {
    const regions = () => ({
      'ap-east-1': source([], () => 'UnrecognizedClientException', []),
      'eu-west-1': source(attack, () => null, []),
    });
    const partial = await run(regions(), ['--allow-partial']);
    expect(partial.code).toBe(0);
    expect(partial.err).toMatch(/ap-east-1: .*UnrecognizedClientException/);
    expect((await run(regions(), ['--fail-on', 'high'])).code).toBe(1);
  });
});
