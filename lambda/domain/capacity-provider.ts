/**
 * Lambda Managed Instances: functions on one capacity provider share its hosts, so the isolation
 * boundary of a layer's code is the capacity provider, not the function. A finding on such a
 * function names the capacity provider and the other function versions on it (as the host listed
 * them), in a field and in its reasons. Pure.
 */
import type { Finding } from './finding.js';
import type { CapacityProviderFinding } from './finding-model.js';
import { type LambdaEvent, publicationOf } from './model.js';
import { safeText } from './text.js';

/** What the host listed of a capacity provider (ListFunctionVersionsByCapacityProvider), bounded. */
export type CapacityProviderContext =
  | { arn: string; functions: string[]; complete: boolean }
  | { arn: string; error: string };

/** Names listed in a reason at most (the field keeps every one listed). */
const NAMED = 5;

/**
 * The capacity provider an event's function runs on: the published version's (from the record), else
 * the live configuration's; null when neither names one.
 */
export function capacityProviderOf(
  event: LambdaEvent,
  live: { status: string; capacityProvider?: string | null },
): string | null {
  return (
    publicationOf(event)?.capacityProvider ?? (live.status === 'ok' ? (live.capacityProvider ?? null) : null)
  );
}

/** The function versions other than the finding's own function (any version of it). */
function othersOf(functions: readonly string[], functionArn: string | null): string[] {
  return functions.filter(
    (f) => functionArn === null || (f !== functionArn && !f.startsWith(`${functionArn}:`)),
  );
}

export function applyCapacityProvider(finding: Finding, context: CapacityProviderContext | undefined): void {
  if (!context) return;
  const own = finding.function?.arn ?? null;
  const field: CapacityProviderFinding =
    'error' in context
      ? { arn: context.arn, others: [], complete: false, error: context.error }
      : {
          arn: context.arn,
          others: othersOf(context.functions, own),
          complete: context.complete,
          error: null,
        };
  finding.capacityProvider = field;
  const named = field.others.slice(0, NAMED).map((f) => f.split(':function:')[1] ?? f);
  const more = field.others.length - named.length;
  const who =
    field.error !== null
      ? `the other functions on it could not be listed (${field.error})`
      : field.others.length === 0
        ? `no other function version is on it${field.complete ? '' : ' among those listed (the listing stopped at its bound)'}`
        : `it shares its hosts with ${named.join(', ')}${more > 0 ? ` (+${more} more)` : ''}${field.complete ? '' : ' and possibly more (the listing stopped at its bound)'}`;
  finding.reasons.push(
    safeText(
      `Lambda Managed Instances: runs on capacity provider ${context.arn}, the isolation boundary of its code; ${who}`,
    ),
  );
  if (field.error !== null)
    finding.gaps.push(`capacity provider ${context.arn}: function versions not listed (${field.error})`);
}
