/** The style catalog. Ids are stable: they are stored in rows and used as metric label values. */

export interface Style {
  id: string;
  label: string;
  /** Words appended to the prompt for providers that take text. */
  prompt: string;
  /** Words that name this style in a prompt (any language), used to detect styles users ask for. */
  aliases: readonly string[];
}

export const STYLES: readonly Style[] = [
  { id: 'photo', label: 'Photo', prompt: 'photorealistic, natural light, 35mm photograph', aliases: ['photo', 'photograph', 'photorealistic', 'фото', 'фотография', 'عکس'] },
  { id: 'anime', label: 'Anime', prompt: 'anime style, cel shading, vibrant colors', aliases: ['anime', 'manga', 'аниме', 'انیمه'] },
  { id: 'oil-painting', label: 'Oil painting', prompt: 'oil painting, thick brush strokes, canvas texture', aliases: ['oil painting', 'масло', 'масляная живопись', 'نقاشی رنگ روغن'] },
  { id: 'pixel-art', label: 'Pixel art', prompt: 'pixel art, 16-bit, limited palette', aliases: ['pixel art', 'pixel', 'пиксель', 'пиксельный', 'پیکسل'] },
  { id: 'watercolor', label: 'Watercolor', prompt: 'watercolor painting, soft washes, paper texture', aliases: ['watercolor', 'watercolour', 'акварель', 'آبرنگ'] },
  { id: 'cyberpunk', label: 'Cyberpunk', prompt: 'cyberpunk, neon lights, rainy night, high tech', aliases: ['cyberpunk', 'киберпанк', 'سایبرپانک'] },
  { id: 'fantasy-art', label: 'Fantasy art', prompt: 'epic fantasy art, dramatic lighting, detailed', aliases: ['fantasy art', 'фэнтези-арт'] },
  { id: 'sketch', label: 'Sketch', prompt: 'pencil sketch, graphite, cross-hatching', aliases: ['sketch', 'pencil drawing', 'скетч', 'набросок', 'эскиз', 'طراحی'] },
  { id: 'low-poly', label: 'Low poly', prompt: 'low poly 3d render, flat shaded facets', aliases: ['low poly', 'low-poly', 'лоу поли'] },
  { id: 'line-art', label: 'Line art', prompt: 'clean line art, black ink on white', aliases: ['line art', 'lineart', 'контурный рисунок'] },
];

export const DEFAULT_STYLE_ID = 'photo';

const byId = new Map(STYLES.map((style) => [style.id, style]));

export function findStyle(id: string): Style | undefined {
  return byId.get(id);
}
