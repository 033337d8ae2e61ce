/**
 * The posture's guardrail line: would the `lambda:Layer` policy that `layerwatch guardrail` builds
 * from the current inventory (own accounts as a whole, known publishers whose layers are in use,
 * versions as `*`, no exception and no exempt principal: the defaults) have refused this call?
 * The command's allowed list and size limit (policy.ts's defaultAllowedPatterns, held equal to
 * buildGuardrail by a test) and its evaluator, so the line and the policy cannot disagree; the
 * policy's text is not written on every finding, its size is summed. Pure.
 */
import { parseLayerArn } from '../arn.js';
import { shortLayer } from '../detections/detection.js';
import { isFunctionEvent, type LambdaEvent, type LayerList } from '../model.js';
import type { GuardrailPosture } from '../posture.js';
import type { KnownPublisher } from '../publishers.js';
import { outsidePatterns } from './evaluate.js';
import { addAccount, addBaseline, emptyInventory, type Inventory } from './inventory.js';
import { defaultAllowedPatterns, GuardrailError } from './policy.js';

/** What a host knows to build the guardrail from, and what it could not read. */
export interface VerdictInventory {
  inventory: Inventory;
  /** What the inventory is, in words (named in the verdict). */
  basis: string;
  /** Why the own accounts may be incomplete (the organization could not be listed); null when complete. */
  accountsGap: string | null;
  /** Why the layers in use are not known (baselines not read); null when known. */
  layersGap: string | null;
}

/** The layers a call asked for, when it is a call a `lambda:Layer` guardrail judges; else null. */
export function guardedRequest(event: LambdaEvent): LayerList | null {
  if (isFunctionEvent(event) || event.kind === 'Denied') return event.requested;
  return null;
}

/** What a host read to judge a call: own accounts, and the baselines' layers in use when it read them. */
export interface HostInventory {
  /** The own accounts (the function's, the event's, the settings', the organization's as listed). */
  accounts: readonly string[];
  /** Where they come from, in words: "the function's, the organization's". */
  accountsFrom: string;
  partition: string;
  accountsGap: string | null;
  /** Each function's current layers from the state table; null when not read. */
  baselines: readonly { functionArn: string; layers: readonly string[] }[] | null;
  layersGap: string | null;
}

export function verdictInventory(h: HostInventory): VerdictInventory {
  const inventory = emptyInventory();
  for (const account of h.accounts) addAccount(inventory, account, h.partition);
  const n = inventory.accounts.size;
  let basis = `${n} own account${n === 1 ? '' : 's'} (${h.accountsFrom})`;
  if (h.baselines !== null) {
    for (const b of h.baselines) addBaseline(inventory, b.functionArn, b.layers);
    basis += ` and the layers in use in ${h.baselines.length} baseline${h.baselines.length === 1 ? '' : 's'} of the state table`;
  }
  return { inventory, basis, accountsGap: h.accountsGap, layersGap: h.layersGap };
}

/**
 * True when a requested layer belongs to a known publisher outside the own accounts: the guardrail
 * allows such a publisher only when some function uses its layers, so only then are the baselines read.
 */
export function needsLayersInUse(
  requested: LayerList | null,
  own: ReadonlySet<string>,
  publishers: readonly KnownPublisher[],
): boolean {
  if (requested?.state !== 'list') return false;
  return requested.layers.some((arn) => {
    const account = parseLayerArn(arn)?.account;
    return account !== undefined && !own.has(account) && publishers.some((p) => p.account === account);
  });
}

const SAYS = 'a guardrail from your current inventory';

function judged(verdict: GuardrailPosture['verdict'], line: string, basis: string, refused: string[] = []) {
  return { verdict, refusedLayers: refused, basis, line };
}

/**
 * `requested`: the layers the call asked for; null when the call is not one that sets layers
 * (PublishVersion, an alias move, a drift seen by the sweep): no `lambda:Layer` guardrail judges it.
 */
export function guardrailVerdict(
  requested: LayerList | null,
  from: VerdictInventory,
  publishers: readonly KnownPublisher[],
): GuardrailPosture {
  const { basis } = from;
  if (requested === null || requested.state === 'absent')
    return judged('not-applicable', 'no lambda:Layer guardrail judges this call: it sets no layers', basis);
  if (requested.state === 'unreadable')
    return judged(
      'not-judged',
      `whether ${SAYS} would have refused this call is not known: its layer list is unreadable`,
      basis,
    );
  if (requested.layers.length === 0)
    return judged('allowed', `${SAYS} would have let this call through: it asks for no layer`, basis);
  let outside: string[];
  try {
    // What buildGuardrail gives for these options (test/lambda/domain/guardrail/verdict.test.ts
    // holds them equal), without writing the policy's text or its summary on every finding.
    const { patterns } = defaultAllowedPatterns(from.inventory, publishers, 'scp');
    outside = outsidePatterns(patterns, requested.layers);
  } catch (error) {
    if (!(error instanceof GuardrailError)) throw error;
    return judged(
      'not-judged',
      `whether ${SAYS} would have refused this call is not known: ${error.message}`,
      basis,
    );
  }
  // A layer outside the list is refused for certain unless what is missing could have allowed it.
  const uncertain = (arn: string): string | null => {
    const account = parseLayerArn(arn)?.account;
    const publisher = publishers.some((p) => p.account === account);
    if (publisher) return from.layersGap;
    return from.accountsGap;
  };
  const certain = outside.filter((arn) => uncertain(arn) === null);
  const shown = (arns: string[]) => arns.map(shortLayer).join(', ');
  if (certain.length > 0)
    return judged(
      'refused',
      `${SAYS} would have refused this call: ${shown(certain)} outside its allowed list (built from ${basis})`,
      basis,
      certain,
    );
  const open = outside.map(uncertain).filter((why): why is string => why !== null);
  if (open.length > 0)
    return judged(
      'not-judged',
      `whether ${SAYS} would have refused this call is not known: ${[...new Set(open)].join('; ')}`,
      basis,
    );
  return judged(
    'allowed',
    `${SAYS} would have let this call through: every requested layer is in its allowed list (built from ${basis})`,
    basis,
  );
}
