/**
 * The offline renderer's image edit: not AI, a deterministic photo filter chosen from the words of
 * the instruction (black and white, sepia, invert, mirror, blur, warmer, cooler, brighter, darker),
 * else a tint derived from a hash of the instruction. Same picture and instruction give the same
 * bytes. It exists so `/edit` works end to end without a provider key; a real edit needs one.
 */
import { createHash } from 'node:crypto';
import { ProviderError, type GeneratedMedia } from '../../provider.ts';

/** The longest side of the result: an edit never grows past what the renderer itself draws. */
const MAX_SIDE = 1024;

type Filter = { name: string; css?: string; mirror?: boolean; tint?: string };

const FILTERS: Array<{ words: RegExp; filter: Filter }> = [
  { words: /black.?and.?white|b\s*&\s*w|gr[ae]y|monochrome|чёрно|черно|сер|سیاه|خاکستری/iu, filter: { name: 'grayscale', css: 'grayscale(1)' } },
  { words: /sepia|vintage|\bold\b|сепи|винтаж|قدیمی/iu, filter: { name: 'sepia', css: 'sepia(1)' } },
  { words: /invert|negative|инверт|негатив|معکوس/iu, filter: { name: 'invert', css: 'invert(1)' } },
  { words: /mirror|flip|зеркал|отраз|آینه/iu, filter: { name: 'mirror', mirror: true } },
  { words: /blur|soft|размы|مات/iu, filter: { name: 'blur', css: 'blur(4px)' } },
  { words: /bright|\blight(er)?\b|ярч|светл|روشن/iu, filter: { name: 'brighter', css: 'brightness(1.3)' } },
  { words: /dark|\bnight\b|темн|тёмн|ноч|تاریک|شب/iu, filter: { name: 'darker', css: 'brightness(0.6)' } },
  { words: /warm|sunset|тепл|закат|گرم/iu, filter: { name: 'warmer', tint: 'rgba(255,140,0,0.25)' } },
  { words: /\bcool|\bcold|winter|холод|зим|سرد/iu, filter: { name: 'cooler', tint: 'rgba(0,120,255,0.25)' } },
];

export function chooseFilter(instruction: string): Filter {
  const known = FILTERS.find((entry) => entry.words.test(instruction));
  if (known) return known.filter;
  const hue = createHash('sha256').update(instruction).digest()[0]! * (360 / 256);
  return { name: 'tint', tint: `hsla(${Math.round(hue)}, 80%, 50%, 0.25)` };
}

export async function editImageOffline(source: { bytes: Uint8Array }, instruction: string): Promise<GeneratedMedia> {
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  let image: Awaited<ReturnType<typeof loadImage>>;
  try {
    image = await loadImage(Buffer.from(source.bytes));
  } catch {
    throw new ProviderError('invalid_input', 'the picture to edit could not be decoded');
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  const filter = chooseFilter(instruction);
  if (filter.css) context.filter = filter.css;
  if (filter.mirror) {
    context.translate(width, 0);
    context.scale(-1, 1);
  }
  context.drawImage(image, 0, 0, width, height);
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.filter = 'none';
  if (filter.tint) {
    context.fillStyle = filter.tint;
    context.fillRect(0, 0, width, height);
  }
  return { bytes: new Uint8Array(await canvas.encode('png')), mimeType: 'image/png', width, height };
}
