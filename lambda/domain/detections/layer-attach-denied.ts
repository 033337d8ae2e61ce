import type { DeniedEvent } from '../model.js';
import type { Signal } from '../scoring.js';
import { type Detection, NOT_APPLICABLE, shortLayer, T1648 } from './detection.js';

/** What refused the call, in words. */
export function denialText(e: DeniedEvent): string {
  const { explicit, policy } = e.denial;
  if (explicit && policy)
    return `explicit deny in ${policy === 'identity-based policy' ? 'an' : 'a'} ${policy}`;
  if (policy) return `no ${policy} allows it`;
  return e.errorCode;
}

function denialSignals(e: DeniedEvent): Signal[] {
  const signals: Signal[] = [];
  if (e.denial.explicit && e.denial.policy === 'service control policy')
    signals.push({
      id: 'denied-by-scp',
      points: 15,
      reason:
        'a service control policy refused it explicitly: a lambda:Layer guardrail (or another SCP) stopped a layer outside its allowed list, which a deploy of known layers does not ask for',
    });
  else if (e.denial.explicit)
    signals.push({ id: 'denied-explicitly', points: 5, reason: `an ${denialText(e)} refused it` });
  else
    signals.push({
      id: 'denied-no-allow',
      points: 0,
      reason: `${denialText(e)}: a missing permission (a deploy role without lambda:${e.call} also ends here)`,
    });
  signals.push({
    id: 'refused',
    points: 0,
    maxScore: 79,
    reason: 'the call was refused: the layer never ran (an attempt is at most high)',
  });
  return signals;
}

/**
 * CloudTrail logs no request for most refused calls: a refused UpdateFunctionConfiguration may have
 * asked for a memory change as well as a layer. Still alerted (a guardrail's refusal looks exactly
 * like this), but weighed as the weaker evidence it is.
 */
const REQUEST_NOT_LOGGED: Signal = {
  id: 'request-not-logged',
  points: -15,
  reason:
    'the record does not carry the request (CloudTrail logs none for most refusals): whether it asked for layers is unknown',
};

export const layerAttachDenied: Detection = {
  id: 'lambda-layer-attach-denied',
  title: 'Layer attach refused',
  fires:
    'CreateFunction or UpdateFunctionConfiguration that asked for layers and was refused with AccessDenied (a lambda:Layer guardrail, or any other policy).',
  baseScore: 40,
  baseReason:
    'someone tried to set layers on a function and was refused: nothing changed, the attempt is the news (base 40)',
  falsePositives: [
    'A deploy of a layer the guardrail does not allow yet (a new publisher, a new account): allow it (layerwatch guardrail --allow) or suppress the deploy role.',
    'A deploy role missing lambda:UpdateFunctionConfiguration or lambda:CreateFunction (no allow, not an explicit deny).',
  ],
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-layers.html#configuration-layers-permissions',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html',
  ],
  mitre: [T1648],
  scoring: { actor: true, provenance: true },
  evaluate({ event }) {
    if (event.kind !== 'Denied') return NOT_APPLICABLE;
    const layers = event.requested.state === 'list' ? event.requested.layers : [];
    // The layer named is the first from another account than the function's (the likelier implant).
    const foreign = layers.filter((arn) => !arn.includes(`:${event.fn.account}:layer:`));
    const named = foreign.length > 0 ? foreign : layers;
    const first = named[0];
    const more =
      named.length > 1
        ? ` (+${named.length - 1} more${foreign.length > 0 ? ' from other accounts' : ''})`
        : '';
    const known = event.requested.state === 'list';
    const unknown = event.call === 'CreateFunction' ? 'Function creation' : 'Configuration change';
    const what = first ? `Attach of ${shortLayer(first)}${more}` : known ? 'Layer change' : unknown;
    return {
      status: 'match',
      evidence: {
        title: `${what} to ${event.fn.name} refused (${denialText(event)}${known ? '' : '; request not logged'})`,
        layerArn: first ?? null,
        subjects: layers,
        signals: [
          ...denialSignals(event),
          ...(known ? [] : [REQUEST_NOT_LOGGED]),
          {
            id: 'denial-message',
            points: 0,
            reason: `${event.errorCode}: ${event.errorMessage ?? 'no message in the record'}`,
          },
        ],
        gaps:
          event.requested.state === 'list'
            ? []
            : [
                event.requested.state === 'absent'
                  ? 'requested layers: the record of the refused call does not carry the request'
                  : `requested layers unreadable: ${event.requested.detail}`,
              ],
      },
    };
  },
};
