import { createCanvas, loadImage } from '@napi-rs/canvas';

/** Decodes a PNG into RGBA pixels with the same Skia the charts are drawn with. */
export async function pngPixels(png: Uint8Array): Promise<{ width: number; height: number; at: (x: number, y: number) => [number, number, number] }> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  return {
    width: image.width,
    height: image.height,
    at: (x, y) => {
      const i = (y * image.width + x) * 4;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    },
  };
}

/** x positions of the pixels of one colour (±8 per channel), e.g. where a chart drew one series' bars. */
export async function columnsOfColour(png: Uint8Array, hex: string): Promise<number[]> {
  const want = [1, 3, 5].map((offset) => parseInt(hex.slice(offset, offset + 2), 16));
  const { width, height, at } = await pngPixels(png);
  const columns = new Set<number>();
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x++) {
      const pixel = at(x, y);
      if (pixel.every((value, channel) => Math.abs(value - want[channel]!) <= 8)) columns.add(x);
    }
  }
  return [...columns].sort((a, b) => a - b);
}
