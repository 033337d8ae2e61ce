/** Memoizes a per-region factory: one SDK client per region for the life of the container. */
export function perRegion<T>(make: (region: string) => T): (region: string) => T {
  const made = new Map<string, T>();
  return (region) => {
    let value = made.get(region);
    if (value === undefined) {
      value = make(region);
      made.set(region, value);
    }
    return value;
  };
}
