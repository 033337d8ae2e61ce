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
  scan(len: number, masks: number, out: number, max: number): number;
  closeAt(): number;
  hits(): number;
  keys(len: number, out: number, room: number): number;
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
 * Where `eventName` may be a key: the offsets whose byte is `e`, with `N` 5 bytes on and a quote or
 * a backslash (the key's closing quote, escaped when the JSON is inside a string) 9 bytes on, in
 * order. Every `eventName` key of JSON at any depth of escaping is among them; the caller checks the
 * rest of the word. Null when there are more than the room given (the caller searches itself).
 */
export function eventNameKeys(bytes: Uint8Array): Int32Array | null {
  const len = bytes.length;
  const out = (len + 32 + 3) & ~3;
  const room = Math.floor(len / 10) + 16;
  const p = instance();
  const memory = heap(p, out + room * 4);
  memory.set(bytes, 0);
  memory.fill(0, len, out);
  const n = p.keys(len, out, room);
  return n < 0 ? null : new Int32Array(memory.buffer, out, n);
}
