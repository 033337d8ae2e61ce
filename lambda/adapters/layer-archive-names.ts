/**
 * How a zip entry's name is decoded (PKWARE APPNOTE 6.3.10, 4.4.4 and appendix D): UTF-8 when
 * general purpose bit 11 is set; otherwise IBM code page 437, the format's default, whatever the
 * writing tool's locale was (Info-ZIP's `zip -X`, Windows' Send to zip and many libraries write
 * raw bytes with bit 11 clear). The Info-ZIP Unicode Path extra field (0x7075, 4.6.9) carries a
 * UTF-8 name for such an entry, and is used only while its CRC-32 matches the header's name bytes
 * (a tool that renamed the entry without updating the field makes it stale).
 */
import { crc32 } from 'node:zlib';

/** Code page 437, bytes 0x80-0xFF (bytes below 0x80 are ASCII). */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

export function decodeCp437(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : (CP437_HIGH[b - 0x80] as string);
  return out;
}

const utf8 = new TextDecoder('utf-8');
const UNICODE_PATH = 0x7075;
const UTF8_FLAG = 0x800;

/** The Unicode Path extra field's name, when present and current; else null. */
function unicodePath(name: Uint8Array, extra: Uint8Array): string | null {
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = view.getUint16(p, true);
    const size = view.getUint16(p + 2, true);
    if (p + 4 + size > extra.length) return null;
    if (id === UNICODE_PATH && size >= 5 && view.getUint8(p + 4) === 1) {
      if (view.getUint32(p + 5, true) !== crc32(name)) return null;
      return utf8.decode(extra.subarray(p + 9, p + 4 + size));
    }
    p += 4 + size;
  }
  return null;
}

/** The entry's name as the format says to read it. */
export function decodeName(name: Uint8Array, flags: number, extra: Uint8Array): string {
  if (flags & UTF8_FLAG) return utf8.decode(name);
  return unicodePath(name, extra) ?? decodeCp437(name);
}
