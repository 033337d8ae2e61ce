import { execHookVariables } from '../../../../lambda/domain/inspection/exec-hook-variable.js';
import {
  type AttachedLayerContent,
  functionHookSignals,
  hookTargets,
} from '../../../../lambda/domain/inspection/hook-targets.js';
import type { InspectionSignal } from '../../../../lambda/domain/inspection/model.js';
import { publisherOf } from '../../../../lambda/domain/publishers.js';
import { executable, file } from './entries.js';

const ADOT = 'arn:aws:lambda:us-east-1:901920570463:layer:aws-otel-nodejs-amd64-ver-1-18-1:4';
const STRANGER = 'arn:aws:lambda:us-east-1:111122223333:layer:otel:1';

function layer(arn: string, paths: string[], signals: InspectionSignal[] = []): AttachedLayerContent {
  return {
    arn,
    entries: paths.map((p) => (p === 'bootstrap' || !p.includes('.') ? executable(p) : file(p))),
    signals,
    publisher: publisherOf(arn)?.name ?? null,
  };
}

function hooks(
  variables: Record<string, string>,
  layers: AttachedLayerContent[],
  extra: { handler?: string; runtime?: string } = {},
) {
  const config = { variables, handler: extra.handler ?? null, runtime: extra.runtime ?? null };
  return functionHookSignals(execHookVariables(variables), hookTargets(config), layers);
}

describe('hook targets resolved into the layers', () => {
  it("lowers the standard OpenTelemetry set-up: the wrapper is the known publisher's own file", () => {
    const signals = hooks({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler' }, [
      layer(ADOT, ['otel-handler', 'nodejs/node_modules/x/index.js']),
    ]);
    expect(signals).toEqual([
      expect.objectContaining({
        id: 'exec-hook-variable',
        variable: 'AWS_LAMBDA_EXEC_WRAPPER',
        severity: 'medium',
        path: 'otel-handler',
        layer: ADOT,
        lowered: { from: 'high', publisher: 'AWS Distro for OpenTelemetry (managed layers)' },
      }),
    ]);
  });

  it('names the pair, unlowered, when the file comes from an unknown account, quoting what the layer said of it', () => {
    const [s] = hooks({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler' }, [
      layer(
        STRANGER,
        ['otel-handler'],
        [
          {
            id: 'exec-wrapper-script',
            severity: 'medium',
            path: 'otel-handler',
            reason: 'a shell script that starts the command line it is given',
          },
        ],
      ),
    ]);
    expect(s).toEqual(expect.objectContaining({ severity: 'high', path: 'otel-handler', layer: STRANGER }));
    expect(s?.reason).toMatch(/whatever it holds.*starts the command line/);
    expect(s).not.toHaveProperty('lowered');
  });

  it('takes the file from the last layer that has it: a later layer replaces the known publisher’s copy', () => {
    const [s] = hooks({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler' }, [
      layer(ADOT, ['otel-handler']),
      layer(STRANGER, ['otel-handler']),
    ]);
    expect(s).toEqual(expect.objectContaining({ severity: 'high', layer: STRANGER }));
  });

  it.each([
    [{ NODE_OPTIONS: '--require /opt/wrapper.js' }, 'wrapper.js', 'NODE_OPTIONS'],
    [{ JAVA_TOOL_OPTIONS: '-javaagent:/opt/otel.jar=x' }, 'otel.jar', 'JAVA_TOOL_OPTIONS'],
    [{ LD_PRELOAD: '/opt/lib/libhook.so' }, 'lib/libhook.so', 'LD_PRELOAD'],
    [{ DOTNET_STARTUP_HOOKS: '/opt/hook.dll' }, 'hook.dll', 'DOTNET_STARTUP_HOOKS'],
  ])('resolves %j to the layer file %s', (variables, path, variable) => {
    const [s] = hooks(variables, [layer(STRANGER, [path])]);
    expect(s).toEqual(expect.objectContaining({ variable, path, layer: STRANGER, severity: 'high' }));
  });

  it('names the layer module a Python Handler runs, and the bootstrap an OS-only runtime runs', () => {
    const signals = hooks({}, [layer(STRANGER, ['python/app/main.py', 'bootstrap'])], {
      handler: 'app.main.handler',
      runtime: 'python3.12',
    });
    expect(signals).toEqual([
      expect.objectContaining({ variable: 'Handler', path: 'python/app/main.py', severity: 'medium' }),
    ]);
    const provided = hooks({}, [layer(STRANGER, ['bootstrap'])], { runtime: 'provided.al2023' });
    expect(provided).toEqual([expect.objectContaining({ variable: 'Runtime', path: 'bootstrap' })]);
  });

  it('keeps the variable’s own signal when no layer has the file it names', () => {
    const signals = hooks({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/missing' }, [layer(ADOT, ['otel-handler'])]);
    expect(signals).toEqual([
      expect.objectContaining({ variable: 'AWS_LAMBDA_EXEC_WRAPPER', severity: 'high' }),
    ]);
    expect(signals[0]).not.toHaveProperty('path');
  });

  it("reports Lambda Web Adapter's Runtime API proxy and the linker's audit library", () => {
    const signals = execHookVariables({
      AWS_LWA_LAMBDA_RUNTIME_API_PROXY: 'http://127.0.0.1:9002',
      LD_AUDIT: '/tmp/a.so',
      AWS_LWA_PORT: '8080',
    });
    expect(signals.map((s) => `${s.severity} ${s.variable}`)).toEqual([
      'high AWS_LWA_LAMBDA_RUNTIME_API_PROXY',
      'high LD_AUDIT',
    ]);
  });
});

describe('ADOT publishers', () => {
  // Every account of the ADOT documentation's layer table, and the managed layers' account.
  it.each([
    '901920570463',
    '615299751070',
    '904233096616',
    '888577020596',
    '796973505492',
    '039612877180',
    '713881805771',
    '156041407956',
    '152034782359',
    '980416031188',
    '595944127152',
    '440179912924',
    '440180067931',
    '257394471194',
    '490004653786',
    '746669239226',
    '739275441131',
    '980921751758',
    '610118373846',
  ])('knows %s', (account) => {
    const p = publisherOf(`arn:aws:lambda:us-east-1:${account}:layer:AWSOpenTelemetryDistroJs:13`);
    expect(p?.name).toMatch(/^AWS Distro for OpenTelemetry/);
    expect(p?.source).toMatch(/^https:\/\//);
  });
});
