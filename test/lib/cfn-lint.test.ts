/**
 * cfn-lint (AWS's CloudFormation linter, installed into .moto-venv by the jest global setup) on
 * every template of every deployment mode: the detector, each forwarder and the member template the
 * StackSet carries. No error and no warning; W3005 (a DependsOn that a Ref already implies) is
 * ignored because CDK writes those itself. A canary template with a known error and a known warning
 * runs in the same process, so that the test fails if cfn-lint stops reporting.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { allDeployments, MODES, memberTemplateFromConstruct } from '../support/deployments.js';

const CFN_LINT = join(process.cwd(), '.moto-venv', 'bin', 'cfn-lint');
const IGNORED = ['W3005'];

interface Finding {
  Filename: string;
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] };
}

const CANARY = {
  Resources: {
    Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 'ten days' } },
    Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: { 'Fn::Sub': 'no variables here' } } },
  },
};

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
}

describe('cfn-lint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerwatch-cfn-lint-'));
  const files: string[] = [];
  const regions = new Set<string>();
  /** The regions each file is deployed to: a resource type missing elsewhere is no problem of it. */
  const deployedIn = new Map<string, Set<string>>();
  for (const d of allDeployments()) {
    for (const stack of d.stacks) {
      const file = join(dir, `${slug(d.name)}--${slug(stack.name)}.json`);
      writeFileSync(file, JSON.stringify(stack.template, null, 1));
      files.push(file);
      deployedIn.set(file, new Set([...stack.placements.map((p) => p.region), d.coverage.homeRegion]));
      for (const p of stack.placements) regions.add(p.region);
    }
    regions.add(d.coverage.homeRegion);
  }
  const canary = join(dir, 'canary.json');
  writeFileSync(canary, JSON.stringify(CANARY, null, 1));
  let findings: Finding[] = [];

  beforeAll(async () => {
    // One process for every file: cfn-lint takes seconds to start.
    const args = [
      '--format',
      'json',
      '--ignore-checks',
      ...IGNORED,
      '--regions',
      ...regions,
      '--',
      ...files,
      canary,
    ];
    try {
      const { stdout } = await promisify(execFile)(CFN_LINT, args, { maxBuffer: 64 * 1024 * 1024 });
      findings = JSON.parse(stdout) as Finding[];
    } catch (error) {
      // Exit codes 2, 4, 8 (and sums) mean findings, reported on stdout; anything else is a failure to run.
      const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
      if (typeof e.code !== 'number' || e.code < 2 || !e.stdout) {
        throw new Error(`cfn-lint did not run (${CFN_LINT}): ${e.message} ${e.stderr ?? ''}`);
      }
      findings = JSON.parse(e.stdout) as Finding[];
    }
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports errors and warnings (the canary template is flagged)', () => {
    const rules = findings.filter((f) => f.Filename === canary).map((f) => f.Rule.Id);
    expect(rules).toEqual(expect.arrayContaining(['E3012', 'W1020']));
  });

  it('lints the member template the StackSet carries, as the organization construct built it', () => {
    const organization = allDeployments().find((d) => d.member);
    const mode = MODES.find((m) => m.name === organization?.name);
    if (!organization?.member || !mode) throw new Error('no organization mode');
    expect(organization.member.template).toEqual(memberTemplateFromConstruct(mode));
  });

  /** E3006 (a resource type CloudFormation lacks in a region) about a region the template is not deployed to. */
  const elsewhere = (f: Finding) => {
    const region = /does not exist in '([a-z0-9-]+)'/.exec(f.Message)?.[1];
    return f.Rule.Id === 'E3006' && region !== undefined && !deployedIn.get(f.Filename)?.has(region);
  };

  it('finds no error and no warning in any template of any mode, in the regions it is deployed to', () => {
    const problems = findings
      .filter((f) => f.Filename !== canary && f.Level !== 'Informational' && !elsewhere(f))
      .map(
        (f) =>
          `${basename(f.Filename)}: ${f.Rule.Id} ${f.Level} at ${f.Location.Path.join('/')}: ${f.Message}`,
      );
    expect(files.length).toBeGreaterThanOrEqual(allDeployments().length);
    expect(problems).toEqual([]);
  });
});
