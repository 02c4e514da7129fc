/**
 * What an uploaded file really is, from its first bytes: the declared content type is never
 * trusted (a client can call anything `image/jpeg`). Only the formats Telegram sends for photos
 * and voice messages, and the ones providers accept, are recognised; everything else is refused.
 */
export type UploadKind = 'image' | 'audio';

export interface Sniffed {
  kind: UploadKind;
  mimeType: string;
  width?: number;
  height?: number;
}

export function sniffMedia(bytes: Uint8Array): Sniffed | null {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (start: number, end: number) => (view.length >= end ? view.subarray(start, end).toString('latin1') : '');
  if (view.length >= 24 && view.readUInt32BE(0) === 0x89504e47 && ascii(12, 16) === 'IHDR') {
    return { kind: 'image', mimeType: 'image/png', width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
  }
  if (view.length >= 4 && view[0] === 0xff && view[1] === 0xd8 && view[2] === 0xff) return { kind: 'image', mimeType: 'image/jpeg', ...jpegSize(view) };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { kind: 'image', mimeType: 'image/webp' };
  if (ascii(0, 4) === 'OggS') return { kind: 'audio', mimeType: 'audio/ogg' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return { kind: 'audio', mimeType: 'audio/wav' };
  if (ascii(0, 3) === 'ID3' || (view.length >= 2 && view[0] === 0xff && (view[1]! & 0xe0) === 0xe0)) return { kind: 'audio', mimeType: 'audio/mpeg' };
  if (ascii(4, 8) === 'ftyp' && /^(M4A |M4B )/.test(ascii(8, 12))) return { kind: 'audio', mimeType: 'audio/mp4' };
  return null;
}

/** A JPEG's size from its first start-of-frame marker; absent when the header is cut short. */
function jpegSize(view: Buffer): { width?: number; height?: number } {
  let at = 2;
  while (at + 9 < view.length) {
    if (view[at] !== 0xff) return {};
    const marker = view[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.readUInt16BE(at + 5), width: view.readUInt16BE(at + 7) };
    }
    at += 2 + view.readUInt16BE(at + 2);
  }
  return {};
}
