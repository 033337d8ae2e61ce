/**
 * What the runtimes' bundles hold in place of `@aws-lambda-powertools/jmespath` (an esbuild alias,
 * lib/constructs/runtime-bundling.ts). Powertools idempotency imports JMESPath at its top but
 * searches only when an `eventKeyJmesPath` or `payloadValidationJmesPath` is set, and
 * adapters/dynamodb-idempotency-store.ts sets neither: the whole key object is hashed. Leaving the
 * library out keeps 23 KiB out of every bundle; a search that ever runs stops with this error
 * instead of hashing something else.
 */
export class JmesPathLeftOutError extends Error {
  constructor() {
    super(
      'JMESPath is left out of this bundle (lib/constructs/runtime-bundling.ts): an idempotency key or validation path needs the library back in',
    );
    this.name = 'JmesPathLeftOutError';
  }
}

/** Powertools' `search(expression, data, options)`: never called by the runtimes. */
export function search(_expression: string, _data: unknown, _options?: unknown): never {
  throw new JmesPathLeftOutError();
}
