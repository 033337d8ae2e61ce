/**
 * The byte-level pre-filter. Every record we act on carries `"eventSource": "lambda.amazonaws.com"`
 * and names one of four operations, and CloudTrail writes both literally (so does lookup-events,
 * inside its CloudTrailEvent strings): bytes without them cannot hold a candidate record and need
 * not be parsed. The plain path (`--no-prefilter`) parses everything; both give the same findings.
 */
export const LAMBDA_MARKER = 'lambda.amazonaws.com';
const OPERATION_MARKERS = [
  'UpdateFunctionConfiguration',
  'CreateFunction',
  'PublishLayerVersion',
  'AddLayerVersionPermission',
];

/** True when the bytes may hold a candidate record (a cheap test; false is certain). */
export function mayHoldCandidate(bytes: Buffer | string): boolean {
  return bytes.includes(LAMBDA_MARKER) && OPERATION_MARKERS.some((m) => bytes.includes(m));
}
