/**
 * `layerwatch inspect`: what a layer will run, from its zip, its version ARN or a function's
 * configuration (see inspect.ts; AWS inputs in inspect-aws.ts).
 */
import type { Command } from './command.js';
import { INSPECT_SYNOPSIS, inspectHelp, runInspect } from './inspect.js';

export const inspectCommand: Command = {
  name: 'inspect',
  synopsis: INSPECT_SYNOPSIS,
  help: inspectHelp,
  run: (args, io) => runInspect(args, io),
};
