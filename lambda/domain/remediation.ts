/** What to do about a finding: the command that undoes the change, and what to check. */
import { parseFunctionArn, parseLayerArn } from './arn.js';
import type { Finding } from './finding-model.js';
import { safeText } from './text.js';

/** Characters that need no quoting in a POSIX shell; ARNs from a valid record only use these. */
const SHELL_SAFE = /^[A-Za-z0-9_.:/$-]+$/;

function quote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

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
        steps.push('If it was not planned, restore the previous layers with the revert command.');
      break;
    case 'lambda-layer-removed':
      steps.push('Check whether a layer added earlier is being cleaned up after use.');
      break;
    case 'lambda-layer-version-published':
      steps.push(`Check that ${who} publishes layers as part of a known release process.`);
      steps.push('Watch for this layer version being attached to functions.');
      break;
    case 'lambda-layer-shared':
      steps.push('Confirm that the layer is meant to be used by the principal it was shared with.');
      if (f.remediation.revertCommand) steps.push('If not, remove the permission with the revert command.');
      break;
  }
  return steps;
}
