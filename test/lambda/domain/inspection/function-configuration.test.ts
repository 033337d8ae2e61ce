import {
  ConfigurationError,
  inspectConfiguration,
  parseFunctionConfiguration,
} from '../../../../lambda/domain/inspection/function-configuration.js';

const LAYER = 'arn:aws:lambda:us-east-1:111111111111:layer:deps:3';

describe('function configuration', () => {
  it('reads what get-function-configuration prints', () => {
    const config = parseFunctionConfiguration({
      FunctionName: 'orders',
      Runtime: 'nodejs22.x',
      Environment: { Variables: { NODE_OPTIONS: '--require /opt/hook.js', STAGE: 'prod' } },
      Layers: [{ Arn: LAYER, CodeSize: 1000 }],
    });
    expect(config).toEqual({
      functionName: 'orders',
      handler: null,
      runtime: 'nodejs22.x',
      variables: { NODE_OPTIONS: '--require /opt/hook.js', STAGE: 'prod' },
      layers: [LAYER],
    });
    const report = inspectConfiguration(config);
    expect(report.signals).toEqual([
      expect.objectContaining({ id: 'exec-hook-variable', variable: 'NODE_OPTIONS' }),
    ]);
    expect(report.gaps).toEqual([{ path: LAYER, reason: expect.stringMatching(/not inspected/) }]);
  });

  it('accepts get-function output and a configuration without environment or layers', () => {
    expect(parseFunctionConfiguration({ Configuration: { FunctionName: 'x' }, Code: {} })).toEqual({
      functionName: 'x',
      handler: null,
      runtime: null,
      variables: {},
      layers: [],
    });
    expect(
      parseFunctionConfiguration({ FunctionName: 'x', Environment: {}, Layers: null }).variables,
    ).toEqual({});
  });

  it('keeps a variable named __proto__ as a variable', () => {
    const config = parseFunctionConfiguration(
      JSON.parse('{"Environment": {"Variables": {"__proto__": "x"}}}'),
    );
    expect(Object.keys(config.variables)).toEqual(['__proto__']);
  });

  it.each([
    [[], /not a JSON object/],
    [{ Records: [] }, /not a function configuration/],
    [{ FunctionName: 3 }, /FunctionName is not a string/],
    [{ Environment: [] }, /Environment is not an object/],
    [{ Environment: { Variables: 'x' } }, /Environment.Variables is not an object/],
    [{ Environment: { Variables: { A: 1 } } }, /Environment.Variables.A is not a string/],
    [{ Layers: {} }, /Layers is not an array/],
    [{ Layers: [{ CodeSize: 1 }] }, /Layers\[0\] has no Arn/],
  ])('refuses %j', (doc, message) => {
    expect(() => parseFunctionConfiguration(doc)).toThrow(ConfigurationError);
    expect(() => parseFunctionConfiguration(doc)).toThrow(message);
  });

  it('accepts layers given as bare ARNs', () => {
    expect(parseFunctionConfiguration({ Layers: [LAYER] }).layers).toEqual([LAYER]);
  });
});
