import { execHookVariables } from '../../../../lambda/domain/inspection/exec-hook-variable.js';

function one(name: string, value: string) {
  return execHookVariables({ [name]: value });
}

describe('exec-hook-variable', () => {
  it.each([
    ['AWS_LAMBDA_EXEC_WRAPPER', '/opt/otel-instrument', 'high', '/opt/otel-instrument'],
    ['NODE_OPTIONS', '--require /opt/hook.js', 'high', '/opt/hook.js'],
    ['NODE_OPTIONS', '--require=/opt/hook.js', 'high', '/opt/hook.js'],
    ['NODE_OPTIONS', '--enable-source-maps -r "/opt/my hook.js"', 'high', '/opt/my hook.js'],
    ['NODE_OPTIONS', '--import=/tmp/x.mjs', 'high', '/tmp/x.mjs'],
    ['NODE_OPTIONS', '--loader ./l.mjs', 'high', './l.mjs'],
    ['NODE_OPTIONS', '--experimental-loader=/opt/l.mjs', 'high', '/opt/l.mjs'],
    ['JAVA_TOOL_OPTIONS', '-Xmx512m -javaagent:/opt/agent.jar=opt', 'high', '-javaagent:/opt/agent.jar=opt'],
    ['_JAVA_OPTIONS', '-agentpath:/opt/lib/libagent.so', 'high', '-agentpath:'],
    ['JDK_JAVA_OPTIONS', '"-agentlib:jdwp=transport=dt_socket"', 'high', '-agentlib:jdwp'],
    ['DOTNET_STARTUP_HOOKS', '/opt/hook.dll', 'high', '/opt/hook.dll'],
    ['LD_PRELOAD', '/opt/lib/libhook.so', 'high', 'libhook.so'],
    ['PYTHONPATH', '/var/task:/mnt/efs/lib', 'medium', '/mnt/efs/lib'],
    ['PYTHONPATH', '/tmp/site', 'high', '/tmp is writable'],
    ['NODE_PATH', '/var/task/../../tmp/x', 'high', '/tmp/x'],
    ['RUBYLIB', '/home/x', 'medium', '/home/x'],
    ['LD_LIBRARY_PATH', '/var/lang/lib:/tmp', 'high', '/tmp'],
    ['RUBYOPT', '-W0 -r/opt/hook', 'high', '/opt/hook'],
    ['RUBYOPT', '-r /opt/hook', 'high', '/opt/hook'],
    ['PERL5OPT', '-MDevel::Hook', 'high', 'Devel::Hook'],
    ['BASH_ENV', '/opt/env.sh', 'medium', '/opt/env.sh'],
  ])('%s=%s is %s', (name, value, severity, shown) => {
    const [s] = one(name, value);
    expect(s).toEqual(expect.objectContaining({ id: 'exec-hook-variable', severity, variable: name }));
    expect(s?.reason).toContain(shown);
  });

  it.each([
    ['NODE_OPTIONS', '--enable-source-maps'],
    ['NODE_OPTIONS', '--max-old-space-size=512 --report-on-signal'],
    ['NODE_OPTIONS', '"--enable-source-maps" --stack-trace-limit=50'],
    ['JAVA_TOOL_OPTIONS', '-XX:+TieredCompilation -XX:TieredStopAtLevel=1'],
    ['PYTHONPATH', '/var/task:/var/runtime:/opt/python:vendor:'],
    ['NODE_PATH', '/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules'],
    [
      'LD_LIBRARY_PATH',
      '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    ],
    ['RUBYOPT', '-W0'],
    ['PERL5OPT', '-w'],
    ['AWS_LAMBDA_EXEC_WRAPPER', '  '],
    ['LD_PRELOAD', ''],
    ['TABLE_NAME', '--require /opt/x.js'],
    ['node_options', '--require /opt/x.js'],
  ])('%s=%s raises nothing', (name, value) => {
    expect(one(name, value)).toEqual([]);
  });

  it('reads every variable of a configuration, ignoring prototype names', () => {
    const vars = JSON.parse(
      '{"__proto__": "x", "constructor": "y", "LD_PRELOAD": "/opt/a.so", "NODE_OPTIONS": "-r /opt/b.js", "STAGE": "prod"}',
    );
    expect(execHookVariables(vars).map((s) => s.variable)).toEqual(['LD_PRELOAD', 'NODE_OPTIONS']);
  });

  it('ignores values that are not strings', () => {
    expect(execHookVariables({ LD_PRELOAD: 3 as unknown as string })).toEqual([]);
  });
});
