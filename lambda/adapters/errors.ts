/** Named adapter errors. Each carries the SDK error as `cause`. */

export class BaselineStoreError extends Error {
  override name = 'BaselineStoreError';
}

export class BaselineConflictError extends BaselineStoreError {
  override name = 'BaselineConflictError';
}

export class PublishError extends Error {
  override name = 'PublishError';
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Name and message of anything thrown, Error or not (fetch's DOMExceptions are not always Errors). */
export function errorFields(error: unknown): { name: string; message: string } {
  if (typeof error === 'object' && error !== null && 'name' in error && 'message' in error)
    return { name: String(error.name), message: String(error.message) };
  return { name: 'Error', message: String(error) };
}

/** Another invocation holds the event: thrown so that Lambda retries later. */
export class EventInProgressError extends Error {
  override name = 'EventInProgressError';
}

/** AWS says "denied" with AccessDenied(Exception), or at least with HTTP 403 whatever the body. */
export function isAccessDenied(error: unknown): boolean {
  const name = errorName(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403;
}

/**
 * AWS's name for what was thrown: the SDK error's `name`, through the `cause` of an adapter's named
 * error (a DeploymentReadError wraps the SDK's), else the error's own name.
 */
export function awsErrorName(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const cause = (e as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    e = cause;
  }
  if (typeof e === 'object' && e !== null && 'name' in e) return String((e as { name: unknown }).name);
  return 'Error';
}

export function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error)
    return String((error as { message: unknown }).message);
  return String(error);
}
