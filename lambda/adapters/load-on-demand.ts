/**
 * A module (or what is built from it) loaded by the first caller that needs it, for the handler's
 * deferred loads (the layer archive reader, the alert renderer). The promise of a load that worked
 * is kept: every later `import()` would resolve the specifier again for a module already loaded. A
 * failed load is not kept: the caller that saw it reports it (an inspection gap, a sink failure) and
 * the next one tries again, rather than every later event of the container failing on the same
 * rejected promise.
 */
export function loadOnDemand<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
