import { UsageError } from '../../lambda/cli/command.js';
import { parseStatusArgs } from '../../lambda/cli/status.js';

describe('layerwatch status arguments', () => {
  it('defaults to the LayerWatch stack, AWS_REGION and 24 hours', () => {
    expect(parseStatusArgs([], { AWS_REGION: 'eu-west-1' })).toEqual({
      stack: 'LayerWatch',
      region: 'eu-west-1',
      hours: 24,
      allowPartial: false,
    });
  });

  it.each([
    [['--hours', '0'], /--hours 0: a whole number from 1 to 336/],
    [['--hours', '337'], /--hours 337/],
    [['--hours', '1.5'], /--hours 1.5/],
    [['--stack', 'a;b'], /is not a stack name/],
    [['--region', 'mars-1'], /mars-1/],
    [['--verbose'], /unknown argument --verbose/],
    [['--stack'], /--stack needs a value/],
  ])('rejects %j', (argv, message) => {
    const parse = () => parseStatusArgs(argv as string[], { AWS_REGION: 'us-east-1' });
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });

  it('needs a region', () => {
    expect(() => parseStatusArgs([], {})).toThrow(/name the region/);
  });
});
