import { expect, test } from 'vitest';
import { sniffMedia } from '../../src/media/sniff.ts';
import { editImageOffline, chooseFilter } from '../../src/generation/providers/procedural/edit.ts';
import { ProviderError } from '../../src/generation/provider.ts';
import { encodePng } from '../../src/media/png.ts';
import { fakeJpeg, fakeOggVoice } from '../helpers/media-fixtures.ts';
import { pngPixels } from '../helpers/png-pixels.ts';

test('uploads are typed by their bytes: pictures and recordings Telegram sends, nothing else', async () => {
  expect(sniffMedia(await fakeJpeg(64, 48))).toEqual({ kind: 'image', mimeType: 'image/jpeg', width: 64, height: 48 });
  expect(sniffMedia(encodePng(3, 2, new Uint8Array(24)))).toMatchObject({ kind: 'image', mimeType: 'image/png', width: 3, height: 2 });
  expect(sniffMedia(fakeOggVoice())).toEqual({ kind: 'audio', mimeType: 'audio/ogg' });
  expect(sniffMedia(new Uint8Array([...Buffer.from('ID3'), 4, 0, 0]))).toEqual({ kind: 'audio', mimeType: 'audio/mpeg' });
  for (const other of ['<svg xmlns="http://www.w3.org/2000/svg"/>', '%PDF-1.7', 'MZ\u0090\u0000', 'GIF89a\u0001\u0000\u0001\u0000', '']) {
    expect(sniffMedia(Buffer.from(other, 'latin1')), other).toBeNull();
  }
});

test('the offline edit is deterministic, follows the instruction, and refuses what it cannot decode', async () => {
  const photo = await fakeJpeg(40, 30, '#c33');
  const once = await editImageOffline({ bytes: photo }, 'make it black and white');
  expect(once).toMatchObject({ mimeType: 'image/png', width: 40, height: 30 });
  expect((await editImageOffline({ bytes: photo }, 'make it black and white')).bytes).toEqual(once.bytes);
  const [r, g, b] = (await pngPixels(once.bytes)).at(30, 25);
  expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThanOrEqual(2);
  expect(chooseFilter('сделай чёрно-белым').name).toBe('grayscale');
  expect(chooseFilter('آن را آینه کن').name).toBe('mirror');
  expect(chooseFilter('add a hat').name).toBe('tint');
  await expect(editImageOffline({ bytes: fakeOggVoice() }, 'brighter')).rejects.toBeInstanceOf(ProviderError);
});
