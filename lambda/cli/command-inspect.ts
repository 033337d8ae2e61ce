/**
 * `layerwatch inspect`: what a layer will run, from its zip, its version ARN or a function's
 * configuration (see inspect.ts; AWS inputs in inspect-aws.ts).
 */
import { type Command, EXIT } from './command.js';
import { INSPECT_SYNOPSIS, inspectHelp, runInspect } from './inspect.js';

export const inspectCommand: Command = {
  name: 'inspect',
  synopsis: INSPECT_SYNOPSIS,
  help: inspectHelp,
  run: (args, io) => {
    // `-` is not an INPUT (inspect reads no standard input), though it has a function name's form.
    const dash = args.findIndex((a, i) => a === '-' && !['--format', '--region'].includes(args[i - 1] ?? ''));
    if (dash >= 0) {
      io.stderr.write(
        `layerwatch inspect: - (standard input) is not an INPUT: save the zip or the configuration JSON to a file and name it, or name a layer version ARN or a function\n\n${inspectHelp()}`,
      );
      return Promise.resolve(EXIT.incomplete);
    }
    return runInspect(args, io);
  },
};
