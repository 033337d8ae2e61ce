/**
 * The stand-in for `@aws-lambda-powertools/jmespath` in the runtimes' bundles: Powertools'
 * idempotency configuration builds over it, and a search, if one ever ran, stops with a named error.
 */
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { PowertoolsFunctions } from '../../../lambda/bundling/jmespath-left-out/functions.js';
import { JmesPathLeftOutError, search } from '../../../lambda/bundling/jmespath-left-out/index.js';

describe('jmespath-left-out', () => {
  it('refuses every search by name, saying where the library was left out', () => {
    expect(() => search('detail.eventID', { detail: { eventID: 'e' } })).toThrow(JmesPathLeftOutError);
    expect(() => search('a', {})).toThrow(
      /left out of this bundle \(lib\/constructs\/runtime-bundling\.ts\)/,
    );
  });

  it('stands in for the functions class Powertools hands to its search options', () => {
    expect(new PowertoolsFunctions()).toBeInstanceOf(PowertoolsFunctions);
    // The store's configuration, as adapters/dynamodb-idempotency-store.ts builds it: no path to search.
    const config = new IdempotencyConfig({ hashFunction: 'sha256', throwOnNoIdempotencyKey: true });
    expect(config.eventKeyJmesPath).toBe('');
    expect(config.payloadValidationJmesPath).toBeUndefined();
  });
});
