/** Small real files of the kinds Telegram sends: a JPEG photo and an OGG/Opus-looking voice note. */
export async function fakeJpeg(width = 64, height = 48, colour = '#3a7'): Promise<Uint8Array> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = colour;
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width / 2, height / 2);
  return new Uint8Array(await canvas.encode('jpeg'));
}

/** An Ogg page header ("OggS", OpusHead) and filler: enough for sniffing; providers are fakes. */
export function fakeOggVoice(size = 2048): Uint8Array {
  const bytes = new Uint8Array(size).fill(0x55);
  bytes.set(Buffer.from('OggS\u0000\u0002', 'latin1'), 0);
  bytes.set(Buffer.from('OpusHead', 'latin1'), 28);
  return bytes;
}
