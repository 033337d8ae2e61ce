/**
 * The two files a revert writes and reads back: the plan (`--out`, applied later with `--plan FILE
 * --apply`) and the restore file. A file read back is checked here, at the edge, before anything is
 * sent to AWS: every function and layer must have an ARN's form, every step a known shape.
 */
import { parseFunctionArn, parseLayerArn } from '../arn.js';
import type { GuardedPlan } from './guards.js';
import type { PlanOptions } from './plan.js';
import type { RevertRequest } from './request.js';
import { RESTORE_KIND, type RestoreEntry, type RestoreFile } from './restore.js';
import type { FunctionSnapshot, Routing } from './snapshot.js';
import type { Step } from './steps.js';

export const PLAN_KIND = 'layerwatch-revert-plan';

export interface PlanFile {
  kind: typeof PLAN_KIND;
  version: 1;
  createdAt: string;
  options: PlanOptions;
  functions: GuardedPlan[];
}

/** A plan read back: what it was made from, and the steps it says (held to a plan made again from it). */
export interface SavedPlan {
  snapshot: FunctionSnapshot;
  request: RevertRequest;
  steps: Step[];
}

class FileShapeError extends Error {
  override name = 'FileShapeError';
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function check(ok: boolean, what: string): void {
  if (!ok) throw new FileShapeError(what);
}

function layers(v: unknown, where: string): string[] {
  check(
    Array.isArray(v) && v.every((l) => typeof l === 'string' && parseLayerArn(l)?.version != null),
    `${where}: not a list of layer version ARNs`,
  );
  return v as string[];
}

const VERSION = /^\d{1,10}$/;

function routing(v: unknown, where: string): Routing {
  check(isRec(v) && typeof v.version === 'string' && VERSION.test(v.version), `${where}: no version`);
  const r = v as Rec;
  check(
    isRec(r.weights) &&
      Object.entries(r.weights).every(
        ([k, w]) => VERSION.test(k) && typeof w === 'number' && w >= 0 && w <= 1,
      ),
    `${where}: weights are not version -> share`,
  );
  return { version: r.version as string, weights: { ...(r.weights as Record<string, number>) } };
}

const revision = (v: unknown) => (typeof v === 'string' ? v : null);
const concurrency = (v: unknown, where: string) => {
  check(
    v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0),
    `${where}: not a concurrency`,
  );
  return v as number | null;
};

function step(v: unknown, where: string): Step {
  check(isRec(v), `${where}: not a step`);
  const s = v as Rec;
  if (s.kind === 'set-layers')
    return {
      kind: 'set-layers',
      from: layers(s.from, `${where}.from`),
      to: layers(s.to, `${where}.to`),
      revisionId: revision(s.revisionId),
    };
  if (s.kind === 'set-routing') {
    check(typeof s.alias === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(s.alias), `${where}: no alias name`);
    return {
      kind: 'set-routing',
      alias: s.alias as string,
      from: routing(s.from, `${where}.from`),
      to: routing(s.to, `${where}.to`),
      revisionId: revision(s.revisionId),
    };
  }
  check(s.kind === 'set-concurrency', `${where}: unknown step kind`);
  return { kind: 'set-concurrency', from: concurrency(s.from, where), to: concurrency(s.to, where) };
}

function functionArn(v: unknown, where: string): string {
  const parsed = typeof v === 'string' ? parseFunctionArn(v) : null;
  check(parsed !== null && parsed.qualifier === null, `${where}: not a function ARN`);
  return v as string;
}

function snapshot(v: unknown, where: string): FunctionSnapshot {
  check(isRec(v), `${where}: missing`);
  const s = v as Rec;
  const arn = functionArn(s.arn, `${where}.arn`);
  const parsed = parseFunctionArn(arn);
  check(Array.isArray(s.versions) && Array.isArray(s.aliases), `${where}: versions and aliases are lists`);
  return {
    arn,
    name: parsed?.name ?? '',
    account: parsed?.account ?? '',
    region: parsed?.region ?? '',
    layers: layers(s.layers, `${where}.layers`),
    revisionId: revision(s.revisionId),
    role: typeof s.role === 'string' ? s.role : null,
    stackName: typeof s.stackName === 'string' ? s.stackName : null,
    reservedConcurrency: concurrency(s.reservedConcurrency, `${where}.reservedConcurrency`),
    versions: (s.versions as unknown[]).map((x, i) => {
      check(isRec(x) && typeof x.version === 'string' && VERSION.test(x.version), `${where}.versions[${i}]`);
      return {
        version: (x as Rec).version as string,
        layers: layers((x as Rec).layers, `${where}.versions[${i}]`),
      };
    }),
    aliases: (s.aliases as unknown[]).map((x, i) => {
      const r = routing(x, `${where}.aliases[${i}]`);
      const name = (x as Rec).name;
      check(
        typeof name === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(name),
        `${where}.aliases[${i}]: no name`,
      );
      return { ...r, name: name as string, revisionId: revision((x as Rec).revisionId) };
    }),
  };
}

function steps(v: unknown, where: string): Step[] {
  check(Array.isArray(v), `${where}: not a list`);
  return (v as unknown[]).map((x, i) => step(x, `${where}[${i}]`));
}

function request(v: unknown, arn: string, where: string): RevertRequest {
  check(isRec(v), `${where}: missing`);
  const r = v as Rec;
  return {
    functionArn: arn,
    subjects: layers(r.subjects, `${where}.subjects`),
    before: r.before === null ? null : layers(r.before, `${where}.before`),
    since: typeof r.since === 'string' ? r.since : null,
    findingId: typeof r.findingId === 'string' ? r.findingId : null,
  };
}

function options(v: unknown): PlanOptions {
  check(isRec(v) && typeof (v as Rec).throttle === 'boolean', 'options: missing');
  const q = (v as Rec).qualifier;
  check(
    q === null || (typeof q === 'string' && /^(\$LATEST|[A-Za-z0-9_-]{1,128})$/.test(q)),
    'options.qualifier',
  );
  return { throttle: (v as Rec).throttle as boolean, qualifier: q as string | null };
}

/** A plan file read back; the guards are applied again by the caller, never trusted from the file. */
export function parsePlanFile(value: unknown): { options: PlanOptions; plans: SavedPlan[] } | string {
  try {
    check(
      isRec(value) && value.kind === PLAN_KIND && value.version === 1,
      `not a layerwatch revert plan (kind ${PLAN_KIND})`,
    );
    const fns = (value as Rec).functions;
    check(Array.isArray(fns), 'functions: not a list');
    return {
      options: options((value as Rec).options),
      plans: (fns as unknown[]).map((f, i) => {
        check(isRec(f), `functions[${i}]: not an object`);
        const s = snapshot((f as Rec).snapshot, `functions[${i}].snapshot`);
        return {
          snapshot: s,
          request: request((f as Rec).request, s.arn, `functions[${i}].request`),
          steps: steps((f as Rec).steps, `functions[${i}].steps`),
        };
      }),
    };
  } catch (error) {
    if (error instanceof FileShapeError) return error.message;
    throw error;
  }
}

export function parseRestoreFile(value: unknown): RestoreFile | string {
  try {
    check(
      isRec(value) && value.kind === RESTORE_KIND && value.version === 1,
      `not a layerwatch restore file (kind ${RESTORE_KIND})`,
    );
    const v = value as Rec;
    check(Array.isArray(v.functions), 'functions: not a list');
    const functions: RestoreEntry[] = (v.functions as unknown[]).map((f, i) => {
      check(isRec(f), `functions[${i}]: not an object`);
      return {
        functionArn: functionArn((f as Rec).functionArn, `functions[${i}].functionArn`),
        applied: steps((f as Rec).applied, `functions[${i}].applied`),
      };
    });
    const ids = Array.isArray(v.findingIds)
      ? v.findingIds.filter((x): x is string => typeof x === 'string')
      : [];
    return {
      kind: RESTORE_KIND,
      version: 1,
      writtenAt: typeof v.writtenAt === 'string' ? v.writtenAt : '',
      findingIds: ids,
      functions,
    };
  } catch (error) {
    if (error instanceof FileShapeError) return error.message;
    throw error;
  }
}
