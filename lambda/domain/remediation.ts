/** What to do about a finding: the command that undoes the change, and what to check. */
import { parseFunctionArn, parseLayerArn } from './arn.js';
import type { Finding } from './finding-model.js';
import type { TamperEvent } from './model.js';
import { safeText } from './text.js';

/** Characters that need no quoting in a POSIX shell; ARNs from a valid record only use these. */
const SHELL_SAFE = /^[A-Za-z0-9_.:/$-]+$/;

export function shellQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
const quote = shellQuote;

/**
 * `aws lambda update-function-configuration` restoring `layers`, or null when a value could not be
 * a real ARN (a crafted record must never produce a command someone pastes into a shell).
 */
export function revertLayersCommand(
  functionArn: string,
  region: string,
  layers: readonly string[],
): string | null {
  if (!parseFunctionArn(functionArn) || !layers.every((arn) => parseLayerArn(arn)?.version != null))
    return null;
  const list = layers.length === 0 ? '[]' : layers.map(quote).join(' ');
  return `aws lambda update-function-configuration --region ${quote(region)} --function-name ${quote(functionArn)} --layers ${list}`;
}

export function removePermissionCommand(
  layerArn: string,
  version: number,
  region: string,
  statementId: string,
): string | null {
  if (!parseLayerArn(layerArn) || !/^[A-Za-z0-9_-]{1,100}$/.test(statementId)) return null;
  return `aws lambda remove-layer-version-permission --region ${quote(region)} --layer-name ${quote(layerArn)} --version-number ${version} --statement-id ${quote(statementId)}`;
}

/** What to check next, in words, for the finding as built so far. */
export function nextSteps(f: Finding): string[] {
  const steps: string[] = [];
  // The caller and the time are the event's own words: shown safe, like every displayed value.
  const who = safeText(f.actor.arn ?? f.actor.principalId ?? 'the caller');
  const when = safeText(f.event.time);
  switch (f.detectionId) {
    case 'lambda-layer-added':
    case 'lambda-function-created-with-layers':
    case 'lambda-layer-drift':
    case 'lambda-layer-version-changed':
      steps.push(
        `Confirm with the owner of ${f.function?.name ?? 'the function'} that this layer change was planned.`,
      );
      if (f.layer) {
        steps.push(
          `Inspect the layer: aws lambda get-layer-version --region ${f.event.region} --layer-name ${f.layer.layerArn} --version-number ${f.layer.version ?? '<version>'} (download Content.Location and read its code, extensions live in /opt/extensions).`,
        );
      }
      steps.push(`Review what else ${who} did around ${when} (CloudTrail event history).`);
      if (f.remediation.revertCommand)
        steps.push(
          'If it was not planned, restore the previous layers with the revert command, or plan the undo on every qualifier that runs the layer with layerwatch revert FINDING.json (nothing changes without --apply).',
        );
      break;
    case 'lambda-layer-removed':
      steps.push('Check whether a layer added earlier is being cleaned up after use.');
      break;
    case 'lambda-layer-version-published':
      steps.push(`Check that ${who} publishes layers as part of a known release process.`);
      steps.push('Watch for this layer version being attached to functions.');
      break;
    case 'detector-tampered':
      steps.push(...tamperSteps(f, who, when));
      break;
    case 'lambda-layer-attach-denied':
      steps.push(
        `Nothing changed on ${f.function?.name ?? 'the function'}: the call was refused. Find out why ${who} asked for this layer at ${when}.`,
      );
      steps.push(
        `Review what else ${who} did around ${when} (CloudTrail event history): a refused caller often tries another way (another function, region or account, or a version that already runs the layer).`,
      );
      if (f.layer)
        steps.push(
          `Inspect the layer: aws lambda get-layer-version --region ${f.event.region} --layer-name ${f.layer.layerArn} --version-number ${f.layer.version ?? '<version>'}.`,
        );
      steps.push(
        'If it was a planned deploy, allow the layer in the guardrail (layerwatch guardrail --allow PATTERN), review and attach the new policy.',
      );
      break;
    case 'lambda-layer-shared':
      steps.push('Confirm that the layer is meant to be used by the principal it was shared with.');
      if (f.remediation.revertCommand) steps.push('If not, remove the permission with the revert command.');
      break;
  }
  return steps;
}

/**
 * The command that undoes a tampering call, when one call can: start logging again, enable the
 * rule or key, cancel the key's deletion. Deletions are undone by deploying layerwatch again.
 */
export function tamperRevertCommand(event: TamperEvent): string | null {
  const { target, meta } = event;
  const region = quote(meta.region);
  const id = target.arn ?? target.name;
  if (!SHELL_SAFE.test(id)) return null;
  switch (`${target.service}:${event.call}`) {
    case 'cloudtrail:StopLogging':
      return `aws cloudtrail start-logging --region ${region} --name ${id}`;
    case 'cloudtrail:UpdateTrail':
      return event.parameters.isMultiRegionTrail === false
        ? `aws cloudtrail update-trail --region ${region} --name ${id} --is-multi-region-trail`
        : null;
    case 'events:DisableRule':
    case 'events:PutRule':
      return target.arn?.includes(':rule/') && target.arn.split(':rule/')[1]?.includes('/')
        ? null
        : `aws events enable-rule --region ${region} --name ${quote(target.name)}`;
    case 'kms:DisableKey':
      return `aws kms enable-key --region ${region} --key-id ${id}`;
    case 'kms:ScheduleKeyDeletion':
      return `aws kms cancel-key-deletion --region ${region} --key-id ${id} && aws kms enable-key --region ${region} --key-id ${id}`;
    default:
      return null;
  }
}

function tamperSteps(f: Finding, who: string, when: string): string[] {
  const t = f.target;
  const what = t ? `${t.type} ${safeText(t.arn ?? t.name)}` : 'the resource';
  const steps = [
    `Find out whether ${who} was meant to change ${what} (a planned teardown or redeployment looks the same).`,
    `Review what else ${who} did around ${when} (CloudTrail event history): tampering usually precedes the change it hides.`,
  ];
  if (f.remediation.revertCommand) steps.push('Undo it with the revert command.');
  if (t?.type === 'trail')
    steps.push(
      `Check the trail logs write management events in every region: aws cloudtrail get-event-selectors --region ${safeText(f.event.region)} --trail-name ${safeText(t.arn ?? t.name)}; aws cloudtrail get-trail-status --name ${safeText(t.arn ?? t.name)}.`,
    );
  else
    steps.push(
      'Restore layerwatch by deploying it again (npx cdk deploy), then run npx layerwatch verify to see every rule, topic, key and trail pass.',
    );
  steps.push(
    'Until then, layerwatch may have missed Lambda layer changes: run npx layerwatch hunt over the gap.',
  );
  return steps;
}
