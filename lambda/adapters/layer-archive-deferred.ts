/**
 * The layer archive reader, loaded by the first event that reads an archive. Reading zips (HTTP
 * ranges, the central directory, inflating) and the inspection core's checks are needed only by
 * events that add or move to a layer version, not by every event: the handler's bundle keeps this
 * code in a module that esbuild evaluates at its first `import()`, so that a cold start neither
 * compiles nor runs its top level until then. Same reader, same results, same contract (never
 * throws), but for a failed load: that event's inspection rejects (the inspect step reports it as an
 * inspection gap), and the next one loads again (load-on-demand.ts).
 */
import type {
  ArchiveListing,
  LayerArchiveInspector,
  LayerArchiveReader,
  LayerArchiveReaderProps,
} from './layer-archive-reader.js';
import { loadOnDemand } from './load-on-demand.js';

/** What the archive reader's module gives: its class (tests stand in a loader that fails). */
export type ArchiveReaderModule = Pick<typeof import('./layer-archive-reader.js'), 'LayerArchiveReader'>;

export function deferredArchiveReader(
  props: LayerArchiveReaderProps = {},
  loadModule: () => Promise<ArchiveReaderModule> = () => import('./layer-archive-reader.js'),
): LayerArchiveInspector {
  const load = loadOnDemand(() =>
    loadModule().then((m): LayerArchiveReader => new m.LayerArchiveReader(props)),
  );
  return {
    inspectArchive: async (archive, publisher, stop) =>
      (await load()).inspectArchive(archive, publisher, stop),
    listArchive: async (archive, stop): Promise<ArchiveListing> => (await load()).listArchive(archive, stop),
  };
}
