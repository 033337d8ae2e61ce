/**
 * The WebAssembly module of the CLI's byte passes (structure-pass.wat): one instance per thread, its
 * memory grown to the largest input seen. Its callers (the pre-filter's key search, the
 * record-level structure pass) run one at a time and each copies its input in first.
 */
import { STRUCTURE_PASS_WASM } from './structure-pass-bytes.js';

/** The few WebAssembly names used (the project's TypeScript libraries do not declare them). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: Wasm };

export interface Pass {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scan(len: number, masks: number, out: number, max: number, table: number): number;
  closeAt(): number;
  hits(): number;
  judge(len: number, table: number, all: number): number;
}

let pass: Pass | undefined;

export function instance(): Pass {
  if (!pass) {
    const module = new wasm.Module(Buffer.from(STRUCTURE_PASS_WASM, 'base64'));
    pass = new wasm.Instance(module, {}).exports as unknown as Pass;
  }
  return pass;
}

/** The module's memory, grown to `bytes`; the whole of it as bytes. */
export function heap(p: Pass, bytes: number): Uint8Array {
  const have = p.memory.buffer.byteLength;
  if (have < bytes) p.memory.grow(Math.ceil((bytes - have) / 65536));
  return new Uint8Array(p.memory.buffer);
}

/**
 * The pre-filter's verdict on the `eventName` keys of `bytes`, by the module's one pass (`judge`):
 * 2 when a key is followed, past the separators `table` marks, by one of its names; else 1 when
 * there is a key, 0 when there is none; with `all`, the number of keys followed by a name. `table`
 * is laid out as the module reads it (prefilter.ts builds it).
 */
export function judgeKeys(bytes: Uint8Array, table: Uint8Array, all = false): number {
  const len = bytes.length;
  const at = (len + 32 + 7) & ~7;
  const p = instance();
  const memory = heap(p, at + table.length);
  memory.set(bytes, 0);
  memory.fill(0, len, at);
  memory.set(table, at);
  return p.judge(len, at, all ? 1 : 0);
}
