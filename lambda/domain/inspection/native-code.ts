import {
  type ArchiveCheck,
  type ArchiveEntry,
  isDirectory,
  isExecutable,
  isSymlink,
  normalPath,
} from './model.js';

/** e_ident, e_type and e_machine: the first 20 bytes of an ELF file. */
export const ELF_HEADER_BYTES = 20;

const SHARED_OBJECT = /\.(so(\.\d+)*|node)$/;

const MACHINES: Readonly<Record<number, string>> = { 62: 'x86-64', 183: 'arm64', 3: 'x86', 40: 'arm' };

function candidate(entry: ArchiveEntry): boolean {
  if (isDirectory(entry) || isSymlink(entry) || entry.uncompressedSize < 52) return false;
  const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
  if (SHARED_OBJECT.test(name)) return true;
  const exec = isExecutable(entry);
  return exec ?? !name.includes('.');
}

/** What an ELF header says, or null when the bytes are not one. */
export function elfKind(bytes: Uint8Array): { type: string; machine: string } | null {
  if (bytes.length < ELF_HEADER_BYTES) return null;
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return null;
  const little = bytes[5] !== 2;
  const word = (i: number) =>
    little
      ? (bytes[i] as number) | ((bytes[i + 1] as number) << 8)
      : ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  const eType = word(16);
  const type =
    eType === 2
      ? 'executable'
      : eType === 3
        ? 'shared object or position-independent executable'
        : `type ${eType}`;
  const eMachine = word(18);
  return { type, machine: MACHINES[eMachine] ?? `machine 0x${eMachine.toString(16)}` };
}

/**
 * Informational: compiled code cannot be read like a script, so a responder knows where review by
 * eye stops. Found by the ELF magic, not by the name.
 */
export const nativeCode: ArchiveCheck = {
  id: 'native-code',
  wants: (entry) => (candidate(entry) ? ELF_HEADER_BYTES : 0),
  evaluate({ entries, content }) {
    return entries.flatMap((entry) => {
      if (!candidate(entry)) return [];
      const bytes = content(entry);
      const elf = bytes ? elfKind(bytes) : null;
      if (!elf) return [];
      return [
        {
          id: 'native-code' as const,
          severity: 'informational' as const,
          path: normalPath(entry.path),
          reason: `ELF ${elf.type} (${elf.machine}): compiled code, not reviewable as text`,
        },
      ];
    });
  },
};
