/**
 * cfn-lint (AWS's CloudFormation linter, installed into .moto-venv by the jest global setup) on
 * every template of every deployment mode: the detector, each forwarder and the member template the
 * StackSet carries, each in the regions it is deployed to. No error and no warning; W3005 (a
 * DependsOn that a Ref already implies) is ignored because CDK writes those itself. A canary template
 * with a known error and a known warning runs in the same process, so that the test fails if cfn-lint
 * stops reporting.
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

/** A resource type CloudFormation lacks in eu-west-1 (cfn-lint 1.58), in a template deployed only there. */
const REGION_CANARY = {
  Metadata: { 'cfn-lint': { config: { regions: ['eu-west-1'] } } },
  Resources: {
    Target: { Type: 'AWS::SecurityHub::ActionTarget', Properties: { Name: 'n', Description: 'd', Id: 'i' } },
  },
};

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
}

describe('cfn-lint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerwatch-cfn-lint-'));
  const files: string[] = [];
  for (const d of allDeployments()) {
    for (const stack of d.stacks) {
      const file = join(dir, `${slug(d.name)}--${slug(stack.name)}.json`);
      const regions = [...new Set([...stack.placements.map((p) => p.region), d.coverage.homeRegion])];
      // Each template is linted in its own regions only (cfn-lint's per-template configuration), not
      // in every region of every mode: a third of the work, and nothing to filter out afterwards.
      const template = stack.template as { Metadata?: Record<string, unknown> };
      const lintConfig = { 'cfn-lint': { config: { regions } } };
      writeFileSync(
        file,
        JSON.stringify({ ...template, Metadata: { ...template.Metadata, ...lintConfig } }, null, 1),
      );
      files.push(file);
    }
  }
  const canary = join(dir, 'canary.json');
  writeFileSync(canary, JSON.stringify(CANARY, null, 1));
  const regionCanary = join(dir, 'region-canary.json');
  writeFileSync(regionCanary, JSON.stringify(REGION_CANARY, null, 1));
  let findings: Finding[] = [];

  beforeAll(async () => {
    // One process for every file: cfn-lint takes seconds to start. No --regions on the command line:
    // each template names its own.
    const args = ['--format', 'json', '--ignore-checks', ...IGNORED, '--', ...files, canary, regionCanary];
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
  }, 300_000);

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

  it("lints each template in the regions its own configuration names (the region canary's type is missing there)", () => {
    const missing = findings.filter((f) => f.Filename === regionCanary).map((f) => [f.Rule.Id, f.Message]);
    expect(missing).toEqual([['E3006', expect.stringContaining("does not exist in 'eu-west-1'")]]);
  });

  it('finds no error and no warning in any template of any mode, in the regions it is deployed to', () => {
    const problems = findings
      .filter((f) => ![canary, regionCanary].includes(f.Filename) && f.Level !== 'Informational')
      .map(
        (f) =>
          `${basename(f.Filename)}: ${f.Rule.Id} ${f.Level} at ${f.Location.Path.join('/')}: ${f.Message}`,
      );
    expect(files.length).toBeGreaterThanOrEqual(allDeployments().length);
    expect(problems).toEqual([]);
  });
});
