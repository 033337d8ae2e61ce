/**
 * Builders for domain tests: a function the deploy role created with known layers, times within
 * one morning, the root identity, and findings that must exist.
 */
import type { LiveConfiguration } from '../../lambda/domain/engine.js';
import type { Finding } from '../../lambda/domain/finding.js';
import type { LambdaEvent } from '../../lambda/domain/model.js';
import {
  ACCOUNT,
  createFunction,
  identities,
  layerArn,
  OTHER_ACCOUNT,
  type Rec,
  updateFunctionConfiguration,
} from './records.js';
import { analyzeAfter, type Extra, eventOf } from './run.js';

/** Layers the scenarios use: the function's own `deps` (3, then 4), and a layer from another account. */
export const DEPS = layerArn('deps', 3);
export const DEPS_4 = layerArn('deps', 4);
export const EVIL = layerArn('ext', 1, OTHER_ACCOUNT);

/** `2026-03-14T09:MM:00Z`. */
export function at(minute: number): string {
  return `2026-03-14T09:${String(minute).padStart(2, '0')}:00Z`;
}

/** The deploy role creates `name` with `layers` at 09:00: the baseline every later event is diffed against. */
export function deployed(name = 'orders', layers: readonly string[] = [DEPS]): Rec {
  return createFunction(name, { layers, time: at(0), identity: identities.deployRole() });
}

/** The root user, with a long-term key. */
export function rootIdentity(): Rec {
  return {
    type: 'Root',
    arn: `arn:aws:iam::${ACCOUNT}:root`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAROOTKEY000000001',
  };
}

/** The finding `record` gives after `history`; throws when it gives none. */
export function findingAfter(
  history: readonly Rec[],
  record: Rec,
  live?: LiveConfiguration,
  extra?: Extra,
): Finding {
  const { finding } = analyzeAfter(history, record, live, extra);
  if (!finding) throw new Error('expected a finding');
  return finding;
}

/** An update of function `f` made by `identity`, with top-level record fields overridden by `extra`. */
export function eventBy(identity: Rec, extra: Rec = {}): LambdaEvent {
  return eventOf({ ...updateFunctionConfiguration('f', { layers: [], identity }), ...extra });
}
