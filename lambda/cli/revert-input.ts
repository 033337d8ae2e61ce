/**
 * The findings a revert is asked to undo: files or standard input holding one finding (JSON), a JSON
 * array of findings, or JSON Lines (what `scan --format jsonl` writes). Several findings about one
 * function become one request (their layers together).
 */
import { readFile } from 'node:fs/promises';
import { type RevertRequest, requestOfFinding } from '../domain/revert/request.js';
import type { Io } from './command.js';

export interface ReadRequests {
  requests: RevertRequest[];
  /** Findings about no function's added layer (a tampering call, a removal), named: nothing to revert. */
  skipped: string[];
  /** What could not be read or is not a finding, named. */
  problems: string[];
}

async function textOf(path: string, io: Io): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin ?? []) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON values of a text: one document (an array is its elements), else one per line. */
function valuesOf(text: string): { values: unknown[]; problems: string[] } {
  try {
    const whole: unknown = JSON.parse(text);
    return { values: Array.isArray(whole) ? whole : [whole], problems: [] };
  } catch {
    const values: unknown[] = [];
    const problems: string[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        values.push(JSON.parse(line));
      } catch (error) {
        problems.push(`line ${i + 1}: not JSON (${(error as Error).message})`);
      }
    });
    return { values, problems };
  }
}

export async function readRequests(paths: readonly string[], io: Io): Promise<ReadRequests> {
  const out: ReadRequests = { requests: [], skipped: [], problems: [] };
  for (const path of paths) {
    let text: string;
    try {
      text = await textOf(path, io);
    } catch (error) {
      out.problems.push(`${path}: ${(error as Error).message}`);
      continue;
    }
    const { values, problems } = valuesOf(text);
    out.problems.push(...problems.map((p) => `${path}: ${p}`));
    for (const value of values) {
      const r = requestOfFinding(value);
      if (typeof r === 'string') out.problems.push(`${path}: ${r}`);
      else if ('skipped' in r) out.skipped.push(`${path}: ${r.skipped}`);
      else out.requests.push(r);
    }
  }
  return out;
}

/** One request per function: the layers of every finding about it, the earliest time. */
export function mergeRequests(requests: readonly RevertRequest[]): RevertRequest[] {
  const byFunction = new Map<string, RevertRequest>();
  // The earliest finding first: its `before` is the state before any of them.
  const ordered = [...requests].sort((a, b) => (a.since ?? '\uffff').localeCompare(b.since ?? '\uffff'));
  for (const r of ordered) {
    const known = byFunction.get(r.functionArn);
    if (!known) {
      byFunction.set(r.functionArn, { ...r, subjects: [...r.subjects] });
      continue;
    }
    const times = [known.since, r.since].filter((t): t is string => t !== null).sort();
    byFunction.set(r.functionArn, {
      functionArn: r.functionArn,
      subjects: [...new Set([...known.subjects, ...r.subjects])],
      before: known.before ?? r.before,
      since: times[0] ?? null,
      findingId: [known.findingId, r.findingId].filter((x) => x !== null).join(', ') || null,
    });
  }
  return [...byFunction.values()];
}
