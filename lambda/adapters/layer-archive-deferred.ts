/**
 * The layer archive reader, loaded by the first event that reads an archive. Reading zips (HTTP
 * ranges, the central directory, inflating) and the inspection core's checks are needed only by
 * events that add or move to a layer version, not by every event: the handler's bundle keeps this
 * code in a module that esbuild evaluates at its first `import()`, so that a cold start neither
 * compiles nor runs its top level until then. Same reader, same results, same contract (never throws).
 */
import type {
  ArchiveListing,
  LayerArchiveInspector,
  LayerArchiveReader,
  LayerArchiveReaderProps,
} from './layer-archive-reader.js';

export function deferredArchiveReader(props: LayerArchiveReaderProps = {}): LayerArchiveInspector {
  let reader: Promise<LayerArchiveReader> | undefined;
  const load = () => {
    // A failed load is not kept: the next event tries again rather than failing for the life of the
    // container (the inspect step reports each failure as an inspection gap).
    reader ??= import('./layer-archive-reader.js')
      .then((m) => new m.LayerArchiveReader(props))
      .catch((error: unknown) => {
        reader = undefined;
        throw error;
      });
    return reader;
  };
  return {
    inspectArchive: async (archive, publisher, stop) =>
      (await load()).inspectArchive(archive, publisher, stop),
    listArchive: async (archive, stop): Promise<ArchiveListing> => (await load()).listArchive(archive, stop),
  };
}
