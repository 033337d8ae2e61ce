import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schema', 'finding.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

/** Throws with ajv's errors when `finding` does not match schema/finding.schema.json. */
export function expectValidFinding(finding: unknown): void {
  if (!validate(finding))
    throw new Error(`finding does not match the schema: ${JSON.stringify(validate.errors, null, 1)}`);
}
