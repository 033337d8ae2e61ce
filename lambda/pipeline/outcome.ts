/** What one invocation of the handler did with its input (the Lambda's return value). */

/** The outcome of an event that was handled (and is stored for its duplicates). */
export type HandledResult =
  | { outcome: 'no-finding'; eventId: string }
  | { outcome: 'suppressed'; eventId: string; findingId: string; detectionId: string; rule: string }
  | { outcome: 'published'; eventId: string; findingId: string; detectionId: string; messageId: string };

export type HandlerResult =
  | { outcome: 'malformed'; reason: string }
  | { outcome: 'ignored'; reason: string }
  /** The hourly canary change: proof that the detector sees `region` (no finding). */
  | { outcome: 'heartbeat'; region: string; eventId: string; latencyMs: number }
  /** Handled before: `original` is the stored result of the invocation that handled it. */
  | { outcome: 'duplicate'; eventId: string; original: HandledResult }
  | HandledResult;
