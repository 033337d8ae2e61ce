/**
 * Lambda's asynchronous invocation contract, for tests: an invocation that throws is retried
 * `retryAttempts` times; when every attempt failed, an invocation record with the original event as
 * `requestPayload` goes to the on-failure destination.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export interface FailureRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetriesExhausted';
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload: { errorType: string; errorMessage: string };
}

export async function invokeAsync(
  handler: (event: unknown) => Promise<unknown>,
  event: unknown,
  options: {
    retryAttempts: number;
    functionArn: string;
    onFailure: (record: FailureRecord) => Promise<void>;
  },
): Promise<{ attempts: number; result?: unknown }> {
  let last: Error = new Error('not invoked');
  for (let attempt = 1; attempt <= options.retryAttempts + 1; attempt += 1) {
    try {
      return { attempts: attempt, result: await handler(structuredClone(event)) };
    } catch (error) {
      last = error instanceof Error ? error : new Error(String(error));
    }
  }
  await options.onFailure({
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: 'test',
      functionArn: options.functionArn,
      condition: 'RetriesExhausted',
      approximateInvokeCount: options.retryAttempts + 1,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: last.name, errorMessage: last.message },
  });
  return { attempts: options.retryAttempts + 1 };
}
