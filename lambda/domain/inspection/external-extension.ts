import {
  type ArchiveCheck,
  type InspectionSignal,
  isDirectory,
  isExecutable,
  isSymlink,
  normalPath,
  shown,
} from './model.js';

/**
 * Lambda starts every executable file directly in /opt/extensions as an external extension: a
 * process beside every invocation, with the function's role credentials, environment and (through
 * the Extensions and Telemetry APIs) its lifecycle events and logs. It survives between
 * invocations and may outlive a request. Files in subdirectories are support files.
 */
export const externalExtension: ArchiveCheck = {
  id: 'external-extension',
  wants: () => 0,
  evaluate({ entries }) {
    const signals: InspectionSignal[] = [];
    let nested: string | null = null;
    for (const entry of entries) {
      if (isDirectory(entry)) continue;
      const path = normalPath(entry.path);
      if (!path.startsWith('extensions/')) continue;
      const below = path.slice('extensions/'.length);
      if (below.includes('/')) {
        nested ??= path;
        continue;
      }
      const exec = isExecutable(entry);
      const how = isSymlink(entry)
        ? 'a symbolic link'
        : exec === false
          ? 'a file without execute permission (Lambda starts it only if it is executable)'
          : exec === null
            ? 'a file (the archive records no permissions)'
            : 'an executable';
      signals.push({
        id: 'external-extension',
        severity: exec === false ? 'medium' : 'high',
        path,
        reason: `extensions/${shown(below)} is ${how}: Lambda starts each executable in /opt/extensions beside every invocation, with the function's credentials, environment and events`,
      });
    }
    if (signals.length === 0 && nested !== null) {
      signals.push({
        id: 'external-extension',
        severity: 'low',
        path: nested,
        reason: `files under extensions/ but none directly in it (${shown(nested)}): support files of an extension, which another layer could start`,
      });
    }
    return signals;
  },
};
