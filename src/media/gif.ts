/**
 * Animated GIF89a encoder: one global palette, a graphic control extension per frame, the NETSCAPE2.0
 * extension to loop forever, and a variable-code-size LZW coder. Telegram plays such files via
 * sendAnimation, which makes this our dependency-free "video" container. `quantizeFrames` turns RGBA
 * frames into the palette and indices it needs.
 */

const MAX_CODES = 4096;

/**
 * `frames` hold one palette index per pixel (width*height each); `palette` holds RGB triplets
 * (at most 256). `delayCs` is the per-frame delay in hundredths of a second.
 */
export function encodeGif(width: number, height: number, frames: Uint8Array[], palette: Uint8Array, delayCs: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 0xffff || height > 0xffff) {
    throw new RangeError(`invalid GIF size ${width}x${height}`);
  }
  if (frames.length === 0) throw new RangeError('a GIF needs at least one frame');
  const colours = palette.length / 3;
  if (!Number.isInteger(colours) || colours < 1 || colours > 256) throw new RangeError('palette must hold 1 to 256 RGB triplets');
  const delay = Math.round(delayCs);
  if (!(delay >= 0 && delay <= 0xffff)) throw new RangeError(`invalid frame delay ${delayCs}`);

  // The colour table size is a power of two >= 2; LZW needs a minimum code size of at least 2.
  let tableBits = 1;
  while (1 << tableBits < colours) tableBits++;
  const minCodeSize = Math.max(2, tableBits);
  const pixels = width * height;
  for (const [i, frame] of frames.entries()) {
    if (frame.length !== pixels) throw new RangeError(`frame ${i} has ${frame.length} pixels, expected ${pixels}`);
    for (let p = 0; p < pixels; p++) {
      if (frame[p]! >= colours) throw new RangeError(`frame ${i} uses palette index ${frame[p]} of ${colours}`);
    }
  }

  const out = new ByteWriter(1024 + frames.length * (pixels + 64));
  out.ascii('GIF89a');
  out.u16(width);
  out.u16(height);
  out.byte(0x80 | ((tableBits - 1) << 4) | (tableBits - 1)); // global table, colour resolution, table size
  out.byte(0); // background colour index
  out.byte(0); // no aspect ratio
  const table = new Uint8Array(3 << tableBits);
  table.set(palette);
  out.bytes(table);

  // NETSCAPE2.0 application extension: loop count 0 means forever.
  out.bytes(Uint8Array.of(0x21, 0xff, 0x0b));
  out.ascii('NETSCAPE2.0');
  out.bytes(Uint8Array.of(0x03, 0x01, 0x00, 0x00, 0x00));

  const lzw = new LzwEncoder(pixels);
  for (const frame of frames) {
    // Graphic control extension: disposal 1 (leave in place), no transparency, the delay.
    out.bytes(Uint8Array.of(0x21, 0xf9, 0x04, 0x04, delay & 0xff, delay >> 8, 0x00, 0x00));
    out.byte(0x2c); // image descriptor
    out.u16(0);
    out.u16(0);
    out.u16(width);
    out.u16(height);
    out.byte(0); // no local table, not interlaced
    out.byte(minCodeSize);
    const data = lzw.encode(frame, minCodeSize);
    for (let offset = 0; offset < data.length; offset += 255) {
      const size = Math.min(255, data.length - offset);
      out.byte(size);
      out.bytes(data.subarray(offset, offset + size));
    }
    out.byte(0); // block terminator
  }
  out.byte(0x3b); // trailer
  return out.result();
}

/**
 * LZW with a dense (prefix, symbol) -> code table: 4096*256 entries is 2 MB, which buys a single
 * array read per pixel. Entries are cleared by replaying the codes that set them, not by a full fill.
 */
class LzwEncoder {
  private readonly table = new Uint16Array(MAX_CODES * 256);
  private readonly keyOfCode = new Int32Array(MAX_CODES);
  private buffer: Uint8Array;
  private length = 0;
  private acc = 0;
  private accBits = 0;

  constructor(pixels: number) {
    // Worst case is 12 bits per pixel plus clear codes; grow on demand anyway.
    this.buffer = new Uint8Array(Math.ceil(pixels * 1.6) + 64);
  }

  encode(indices: Uint8Array, minCodeSize: number): Uint8Array {
    const clearCode = 1 << minCodeSize;
    const eoiCode = clearCode + 1;
    const table = this.table;
    const keyOfCode = this.keyOfCode;
    this.length = 0;
    this.acc = 0;
    this.accBits = 0;

    let codeSize = minCodeSize + 1;
    let nextCode = eoiCode + 1;
    this.emit(clearCode, codeSize);
    let prefix = indices[0]!;
    for (let i = 1; i < indices.length; i++) {
      const symbol = indices[i]!;
      const key = (prefix << 8) | symbol;
      const found = table[key]!;
      if (found !== 0) {
        prefix = found;
        continue;
      }
      this.emit(prefix, codeSize);
      if (nextCode === MAX_CODES) {
        // Table full: tell the decoder to start over, then forget every learned string.
        this.emit(clearCode, codeSize);
        for (let code = eoiCode + 1; code < MAX_CODES; code++) table[keyOfCode[code]!] = 0;
        codeSize = minCodeSize + 1;
        nextCode = eoiCode + 1;
      } else {
        // The decoder learns each code one step later, so widen when the code about to be added no longer fits.
        if (nextCode >= 1 << codeSize) codeSize++;
        table[key] = nextCode;
        keyOfCode[nextCode] = key;
        nextCode++;
      }
      prefix = symbol;
    }
    this.emit(prefix, codeSize);
    // The decoder adds one more entry after reading that last code and may widen before the EOI.
    if (nextCode >= 1 << codeSize && codeSize < 12) codeSize++;
    this.emit(eoiCode, codeSize);
    if (this.accBits > 0) this.push(this.acc & 0xff);
    for (let code = eoiCode + 1; code < nextCode; code++) table[keyOfCode[code]!] = 0;
    return this.buffer.subarray(0, this.length);
  }

  private emit(code: number, size: number): void {
    this.acc |= code << this.accBits;
    this.accBits += size;
    while (this.accBits >= 8) {
      this.push(this.acc & 0xff);
      this.acc >>>= 8;
      this.accBits -= 8;
    }
  }

  private push(byte: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint8Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = byte;
  }
}

class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initial: number) {
    this.buffer = new Uint8Array(initial);
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  u16(value: number): void {
    this.ensure(2);
    this.buffer[this.length++] = value & 0xff;
    this.buffer[this.length++] = value >> 8;
  }

  ascii(text: string): void {
    this.ensure(text.length);
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i);
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

const BAYER4 = Uint8Array.of(0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5);

/**
 * Reduces RGBA frames (alpha ignored) to one shared palette of at most `maxColours` by median cut
 * over a 15-bit histogram, then maps every pixel to its nearest palette entry. `dither` (0..32) adds
 * an ordered 4x4 dither of that many levels, which hides banding and stays still between frames.
 * A picture with few distinct colours keeps them exactly.
 */
export function quantizeFrames(
  frames: readonly Uint8Array[],
  width: number,
  options: { maxColours?: number; dither?: number } = {},
): { palette: Uint8Array; indexed: Uint8Array[] } {
  const maxColours = Math.max(1, Math.min(256, Math.floor(options.maxColours ?? 256)));
  const dither = Math.max(0, Math.min(32, options.dither ?? 0));
  const count = new Float64Array(32768);
  const sums = new Float64Array(32768 * 3);
  for (const frame of frames) {
    for (let i = 0; i < frame.length; i += 4) {
      const r = frame[i]!;
      const g = frame[i + 1]!;
      const b = frame[i + 2]!;
      const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
      count[key]!++;
      sums[key * 3]! += r;
      sums[key * 3 + 1]! += g;
      sums[key * 3 + 2]! += b;
    }
  }
  let used = 0;
  for (let key = 0; key < 32768; key++) if (count[key]! > 0) used++;
  const bins = new Int32Array(used);
  for (let key = 0, n = 0; key < 32768; key++) if (count[key]! > 0) bins[n++] = key;

  const boxes = medianCut(bins, count, maxColours);
  const palette = new Uint8Array(boxes.length * 3);
  for (const [i, box] of boxes.entries()) {
    let total = 0;
    let r = 0;
    let g = 0;
    let b = 0;
    for (let k = box.start; k < box.end; k++) {
      const key = bins[k]!;
      total += count[key]!;
      r += sums[key * 3]!;
      g += sums[key * 3 + 1]!;
      b += sums[key * 3 + 2]!;
    }
    palette[i * 3] = Math.round(r / total);
    palette[i * 3 + 1] = Math.round(g / total);
    palette[i * 3 + 2] = Math.round(b / total);
  }

  // Nearest palette entry per histogram cell, computed on first use (dithering visits new cells).
  const lookup = new Int16Array(32768).fill(-1);
  const colours = boxes.length;
  const indexed: Uint8Array[] = [];
  for (const frame of frames) {
    const out = new Uint8Array(frame.length >> 2);
    for (let p = 0, i = 0; i < frame.length; p++, i += 4) {
      let r = frame[i]!;
      let g = frame[i + 1]!;
      let b = frame[i + 2]!;
      if (dither > 0) {
        const x = p % width;
        const y = (p - x) / width;
        const offset = ((BAYER4[((y & 3) << 2) | (x & 3)]! + 0.5) / 16 - 0.5) * dither;
        r = clampByte(r + offset);
        g = clampByte(g + offset);
        b = clampByte(b + offset);
      }
      const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
      let index = lookup[key]!;
      if (index < 0) {
        // Exact colours (few-colour pictures) live in the sums; otherwise use the cell centre.
        const n = count[key]!;
        const cr = n > 0 ? sums[key * 3]! / n : ((key >> 10) << 3) + 4;
        const cg = n > 0 ? sums[key * 3 + 1]! / n : (((key >> 5) & 31) << 3) + 4;
        const cb = n > 0 ? sums[key * 3 + 2]! / n : ((key & 31) << 3) + 4;
        index = nearest(palette, colours, cr, cg, cb);
        lookup[key] = index;
      }
      out[p] = index;
    }
    indexed.push(out);
  }
  return { palette, indexed };
}

interface Box {
  start: number;
  end: number;
}

function medianCut(bins: Int32Array, count: Float64Array, maxColours: number): Box[] {
  const boxes: Box[] = [{ start: 0, end: bins.length }];
  while (boxes.length < maxColours) {
    // Split the box whose longest side, weighted by its pixel count, is largest.
    let bestIndex = -1;
    let bestScore = 0;
    let bestShift = 0;
    for (const [i, box] of boxes.entries()) {
      if (box.end - box.start < 2) continue;
      let total = 0;
      let best = -1;
      let shiftOfBest = 0;
      for (const shift of [10, 5, 0]) {
        let lo = 31;
        let hi = 0;
        for (let k = box.start; k < box.end; k++) {
          const v = (bins[k]! >> shift) & 31;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (hi - lo > best) {
          best = hi - lo;
          shiftOfBest = shift;
        }
      }
      for (let k = box.start; k < box.end; k++) total += count[bins[k]!]!;
      const score = best * Math.sqrt(total);
      if (best > 0 && score > bestScore) {
        bestScore = score;
        bestIndex = i;
        bestShift = shiftOfBest;
      }
    }
    if (bestIndex < 0) break;
    const box = boxes[bestIndex]!;
    const shift = bestShift;
    const slice = bins.subarray(box.start, box.end);
    slice.sort((a, b) => ((a >> shift) & 31) - ((b >> shift) & 31));
    let total = 0;
    for (let k = 0; k < slice.length; k++) total += count[slice[k]!]!;
    let acc = 0;
    let split = 1;
    for (let k = 0; k < slice.length - 1; k++) {
      acc += count[slice[k]!]!;
      split = k + 1;
      if (acc >= total / 2) break;
    }
    boxes.splice(bestIndex, 1, { start: box.start, end: box.start + split }, { start: box.start + split, end: box.end });
  }
  return boxes;
}

function nearest(palette: Uint8Array, colours: number, r: number, g: number, b: number): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < colours; i++) {
    const dr = palette[i * 3]! - r;
    const dg = palette[i * 3 + 1]! - g;
    const db = palette[i * 3 + 2]! - b;
    const distance = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}

function clampByte(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : Math.round(value);
}
