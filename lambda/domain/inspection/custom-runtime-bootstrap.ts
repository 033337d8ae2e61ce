import { type ArchiveCheck, isDirectory, isExecutable, normalPath } from './model.js';

/**
 * A custom runtime (provided.al2, provided.al2023) starts `bootstrap` from the function's code, or
 * from /opt when the code has none: a bootstrap at the layer's root becomes the process that runs
 * every invocation, with the function's credentials and events.
 */
export const customRuntimeBootstrap: ArchiveCheck = {
  id: 'custom-runtime-bootstrap',
  wants: () => 0,
  // Every copy: an archive with two bootstraps is reported twice (unsafe-archive says which is which).
  evaluate({ entries }) {
    return entries.flatMap((entry) => {
      if (isDirectory(entry) || normalPath(entry.path) !== 'bootstrap') return [];
      const exec = isExecutable(entry);
      return [
        {
          id: 'custom-runtime-bootstrap',
          severity: exec === false ? 'low' : 'medium',
          path: 'bootstrap',
          reason:
            'a bootstrap at the layer root: on an OS-only runtime (provided.*) whose code has no bootstrap, Lambda runs it as the runtime, the process that receives every event' +
            (exec === false ? ' (it has no execute permission, so Lambda cannot start it as is)' : ''),
        },
      ];
    });
  },
};
