/** `layerwatch inspect`: what a layer zip or a function configuration will run (see inspect.ts). */
import type { Command } from './command.js';
import { INSPECT_SYNOPSIS, inspectHelp, runInspect } from './inspect.js';

export const inspectCommand: Command = {
  name: 'inspect',
  synopsis: INSPECT_SYNOPSIS,
  help: inspectHelp,
  run: (args, io) => runInspect(args, io),
};
