import { describe, expect, test } from 'vitest';
import { createStatsChartRenderer, KIND_COLOURS, type StatsChartText, type StatsDay } from '../../src/bot/stats-chart.ts';
import { decodePngHeader } from '../../src/media/png.ts';
import { columnsOfColour, pngPixels } from '../helpers/png-pixels.ts';

const charts = createStatsChartRenderer();
const english: StatsChartText = { title: 'Your requests, last 14 days', images: 'images', videos: 'animations', texts: 'answers', xAxis: 'Day (UTC)', yAxis: 'Requests' };
const persian: StatsChartText = { title: 'درخواست‌های شما در ۱۴ روز گذشته', images: 'تصویر', videos: 'پویانمایی', texts: 'پاسخ', xAxis: 'روز', yAxis: 'درخواست‌ها' };

/** 14 days ending 2026-12-03; only the last (today) has images. */
const onlyToday: StatsDay[] = Array.from({ length: 14 }, (_, index) => ({
  day: new Date(Date.UTC(2026, 10, 20 + index)).toISOString().slice(0, 10),
  images: index === 13 ? 3 : 0,
  videos: 0,
  texts: 0,
}));

/** Dark pixels (text) in a band of rows: the title, axis labels and legend are drawn in near-black. */
async function darkPixels(png: Uint8Array, rows: [number, number]): Promise<number> {
  const { width, at } = await pngPixels(png);
  let count = 0;
  for (let y = rows[0]; y < rows[1]; y++) for (let x = 0; x < width; x++) if (at(x, y).every((value) => value < 90)) count++;
  return count;
}

describe('the /stats chart', () => {
  test('is a 960×540 PNG on a white page, even with nothing to show', async () => {
    const empty = onlyToday.map((day) => ({ ...day, images: 0 }));
    const png = await charts.render({ days: empty, text: english, locale: 'en', rtl: false });
    expect(decodePngHeader(png)).toEqual({ width: 960, height: 540 });
    expect((await pngPixels(png)).at(2, 2)).toEqual([255, 255, 255]);
  });

  test('draws its title (and so its labels) as text', async () => {
    const titled = await charts.render({ days: onlyToday, text: english, locale: 'en', rtl: false });
    const untitled = await charts.render({ days: onlyToday, text: { ...english, title: '' }, locale: 'en', rtl: false });
    expect(await darkPixels(titled, [10, 60])).toBeGreaterThan(200);
    expect(await darkPixels(untitled, [10, 60])).toBeLessThan(await darkPixels(titled, [10, 60]) / 10);
  });

  test('puts today on the right in English and on the left in Persian (right to left)', async () => {
    const ltr = await columnsOfColour(await charts.render({ days: onlyToday, text: english, locale: 'en', rtl: false }), KIND_COLOURS.images.fill);
    const rtl = await columnsOfColour(await charts.render({ days: onlyToday, text: persian, locale: 'fa', rtl: true }), KIND_COLOURS.images.fill);
    // The legend's swatch is blue too: the bar is the blue far from the centre, on today's side.
    expect(Math.max(...ltr)).toBeGreaterThan(800);
    expect(Math.min(...rtl)).toBeLessThan(160);
    expect(Math.max(...rtl)).toBeLessThan(800);
  });
});
