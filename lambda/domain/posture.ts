/**
 * A function finding's posture: what would have stopped the call before it ran. Two answers, each
 * with what it rests on, and "not read" said as such, never left out:
 * - code signing: the function's code signing configuration (Lambda checks every layer added to a
 *   function that has one against its allowed signing profiles; `Enforce` refuses an unsigned one,
 *   `Warn` only records it);
 * - guardrail: whether a `lambda:Layer` service control policy built from the current inventory
 *   (guardrail/verdict.ts) would have refused the call.
 * Types and wording only: pure.
 */
import { cut } from './text.js';

/**
 * - `enforce` / `warn`: a configuration is attached, with that `UntrustedArtifactOnDeployment`;
 * - `none`: the function has no code signing configuration;
 * - `not-supported`: a container image function (Lambda signs no image);
 * - `not-read`: the host did not or could not read it (`detail` says why).
 */
export type CodeSigningState = 'enforce' | 'warn' | 'none' | 'not-supported' | 'not-read';

export interface CodeSigningPosture {
  state: CodeSigningState;
  /** The configuration's ARN, when the function names one (also when its details were not read). */
  configArn: string | null;
  /** The allowed signing profile version ARNs (empty unless read). */
  allowedPublishers: string[];
  /** Why it was not read, or what made it not supported; null otherwise. */
  detail: string | null;
}

/**
 * - `refused`: a layer of the call is outside the allowed list of that guardrail;
 * - `allowed`: every requested layer is inside it (or the call asks for no layer);
 * - `not-applicable`: the call sets no layers (`lambda:Layer` is absent: no such guardrail judges it);
 * - `not-judged`: what the verdict needs could not be read (`line` says what).
 */
export type GuardrailVerdictState = 'refused' | 'allowed' | 'not-applicable' | 'not-judged';

export interface GuardrailPosture {
  verdict: GuardrailVerdictState;
  /** The requested layer versions outside the allowed list. */
  refusedLayers: string[];
  /** What the verdict rests on: the inventory it was built from. */
  basis: string;
  /** The verdict as one sentence, for people. */
  line: string;
}

export interface Posture {
  codeSigning: CodeSigningPosture;
  guardrail: GuardrailPosture;
}

export function codeSigningNotRead(detail: string, configArn: string | null = null): CodeSigningPosture {
  return { state: 'not-read', configArn, allowedPublishers: [], detail: cut(detail, 300) };
}

/** The code signing answer after a "Code signing:" label. */
export function codeSigningState(c: CodeSigningPosture): string {
  const profiles = c.allowedPublishers.length;
  const allowed = `${profiles} allowed signing profile${profiles === 1 ? '' : 's'}`;
  switch (c.state) {
    case 'enforce':
      return `enforced (${allowed}): Lambda refuses a layer not signed by one of them`;
    case 'warn':
      return `Warn mode only (${allowed}): an unsigned layer is deployed and only logged`;
    case 'none':
      return 'none: the function has no code signing configuration, Lambda deploys any layer';
    case 'not-supported':
      return `not supported (${c.detail ?? 'a container image function'})`;
    case 'not-read':
      return `not read (${c.detail ?? 'no detail'})`;
  }
}

/** The code signing answer as one sentence. */
export function codeSigningLine(c: CodeSigningPosture): string {
  return c.state === 'warn'
    ? `code signing in ${codeSigningState(c)}`
    : `code signing ${codeSigningState(c)}`;
}

/** The gaps a posture adds to its finding: every part that was not read. */
export function postureGaps(p: Posture): string[] {
  const gaps: string[] = [];
  if (p.codeSigning.state === 'not-read') gaps.push(`posture: ${codeSigningLine(p.codeSigning)}`);
  if (p.guardrail.verdict === 'not-judged') gaps.push(`posture: ${p.guardrail.line}`);
  return gaps;
}
