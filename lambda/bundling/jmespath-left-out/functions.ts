/**
 * `@aws-lambda-powertools/jmespath/functions` in the runtimes' bundles (see index.ts): Powertools'
 * IdempotencyConfig builds a `PowertoolsFunctions` for its search options whether it searches or not,
 * and the persistence layer compares the two options' classes; nothing calls a function of it.
 */
export class Functions {}

export class PowertoolsFunctions extends Functions {}
