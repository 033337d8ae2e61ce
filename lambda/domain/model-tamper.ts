/**
 * Shapes of a tampering call's record (model.ts, TamperEvent) that depend on nothing else: the kinds
 * of resource a call can touch, and a trail's event selectors as PutEventSelectors sets them.
 */

/** The kind of resource a tampering call touches. */
export type TargetType =
  | 'trail'
  | 'rule'
  | 'event-bus'
  | 'topic'
  | 'subscription'
  | 'function'
  | 'key'
  | 'table'
  | 'alarm'
  | 'queue'
  | 'role'
  | 'stack'
  | 'stack-set'
  | 'schedule';

/** PutEventSelectors: the selectors the trail logs with after the call, as the request set them. */
export interface EventSelectors {
  basic: {
    readWriteType: string | null;
    includeManagementEvents: boolean | null;
    excludeManagementEventSources: string[];
  }[];
  advanced: {
    fieldSelectors: {
      field: string;
      equals: string[];
      notEquals: string[];
      startsWith: string[];
      notStartsWith: string[];
    }[];
  }[];
}
