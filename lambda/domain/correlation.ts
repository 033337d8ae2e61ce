/** Publish-then-attach: a layer version published shortly before it is attached. */

export interface PublishRecord {
  layerVersionArn: string;
  eventId: string;
  /** Caller ARN (or principal id) of the publish. */
  actorKey: string | null;
  timeMs: number;
}

export function actorKeyOf(actor: { arn: string | null; principalId: string | null }): string | null {
  return actor.arn ?? actor.principalId;
}

/** Publications of `layers` that happened before `timeMs` and within the window, newest first. */
export function publishesBefore(
  publishes: readonly PublishRecord[],
  layers: readonly string[],
  timeMs: number,
  windowMinutes: number,
): PublishRecord[] {
  const windowMs = windowMinutes * 60_000;
  return publishes
    .filter((p) => layers.includes(p.layerVersionArn) && p.timeMs <= timeMs && timeMs - p.timeMs <= windowMs)
    .sort((a, b) => b.timeMs - a.timeMs);
}
