/** Publish-then-attach: a layer version published shortly before it is attached. */

export interface PublishRecord {
  layerVersionArn: string;
  eventId: string;
  /** Caller ARN (or principal id) of the publish. */
  actorKey: string | null;
  timeMs: number;
  /**
   * Whether a person made the publish (actor.ts: root, IAM user, IAM Identity Center user, federated
   * user, console session). Optional: a store that does not keep it is read through the ARN form.
   */
  human?: boolean;
}

/** ARN forms that are people: IAM users, root, federated users, IAM Identity Center sessions. */
const HUMAN_ARN =
  /^arn:[^:]+:(iam::\d{12}:(user\/|root$)|sts::\d{12}:(federated-user\/|assumed-role\/AWSReservedSSO_))/;

/**
 * Whether a person published this version: what the record says, else what its caller ARN shows
 * (a role assumed from the console is a person too, but only the record can tell).
 */
export function publishedByHuman(record: PublishRecord): boolean {
  return record.human ?? HUMAN_ARN.test(record.actorKey ?? '');
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
