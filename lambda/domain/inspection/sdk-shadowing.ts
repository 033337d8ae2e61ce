import { type ArchiveCheck, type InspectionSignal, isDirectory, normalPath, shown } from './model.js';
import { nodePackage, pythonTopLevel } from './paths.js';

/** Packages the Python runtimes provide in /var/runtime. */
const PYTHON_SDK = new Set(['boto3', 'botocore', 's3transfer']);

function nodeSdk(name: string): boolean {
  return name === 'aws-sdk' || name.startsWith('@aws-sdk/');
}

/**
 * A layer that ships a package the runtime provides replaces the runtime's copy for every function
 * that does not bundle its own: the layer paths come before /var/runtime on sys.path and NODE_PATH.
 * That copy sees every credential and request the function makes through the SDK.
 */
export const sdkShadowing: ArchiveCheck = {
  id: 'sdk-shadowing',
  wants: () => 0,
  evaluate({ entries }) {
    const seen = new Map<string, InspectionSignal>();
    for (const entry of entries) {
      if (isDirectory(entry)) continue;
      const path = normalPath(entry.path);
      const py = pythonTopLevel(path);
      if (py && py.rest !== '' && PYTHON_SDK.has(py.name)) {
        const where = `${py.dir}${py.name}/`;
        if (!seen.has(where))
          seen.set(where, {
            id: 'sdk-shadowing',
            severity: 'medium',
            path: where,
            reason: `the layer ships ${py.name} in ${shown(py.dir)}: it replaces the runtime's ${py.name} for every function that does not bundle its own, and sees every AWS credential and request made through it`,
          });
        continue;
      }
      const node = nodePackage(path);
      if (node && nodeSdk(node.name)) {
        const where = `${node.dir}${node.name}/`;
        if (!seen.has(where))
          seen.set(where, {
            id: 'sdk-shadowing',
            severity: 'medium',
            path: where,
            reason: `the layer ships ${shown(node.name)} in ${shown(node.dir)}: it comes before the runtime's SDK on NODE_PATH, and sees every AWS credential and request made through it`,
          });
      }
    }
    return [...seen.values()];
  },
};
