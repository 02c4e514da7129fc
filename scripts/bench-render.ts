/**
 * `npm run bench:render [-- --images 40 --size 512 --concurrency 2]`
 *
 * What the procedural renderer costs the event loop, against a baseline taken in the same run:
 * `images` renders, `concurrency` at a time, on the event loop (the old way, `renderThreads: 0`) and
 * in the render pool's worker threads, while a 10 ms timer stands in for every other request the
 * process serves. Prints how late that timer fired (p50, p99, max), images per second,
 * and the ratios. Nothing is written to disk.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { createProceduralProvider } from '../src/generation/providers/procedural.ts';
import { option, reportJson } from './bench/report.ts';

if (process.argv.includes('--help')) {
  console.log('usage: npm run bench:render -- [--images 40] [--size 512] [--concurrency 2] [--json]');
  process.exit(0);
}
const images = option('images', 40);
const size = option('size', 512);
const concurrency = option('concurrency', 2);

interface Figures { p50Ms: number; p99Ms: number; maxMs: number; imagesPerSecond: number }

async function measure(renderThreads: number | undefined): Promise<Figures> {
  const provider = createProceduralProvider({ imageSize: size, ...(renderThreads === undefined ? {} : { renderThreads }) });
  // Warm-up: the pool's thread starts and the code is compiled before the clock runs.
  await provider.generate({ kind: 'image', prompt: 'warm up', style: 'photo', stylePrompt: '' });
  // How late each 10 ms timer fires is how long any other request would have waited.
  const lateness: number[] = [];
  let running = true;
  const ticker = (async () => {
    while (running) {
      const before = performance.now();
      await sleep(10);
      lateness.push(performance.now() - before - 10);
    }
  })();
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < images) {
      const n = next++;
      await provider.generate({ kind: 'image', prompt: `a dragon over a castle ${n}`, style: n % 2 ? 'oil' : 'anime', stylePrompt: '' });
      // The queue's database work between two jobs gives the event loop a turn in the real server too.
      await nextTurn();
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  running = false;
  await ticker;
  const sorted = lateness.sort((a, b) => a - b);
  const at = (q: number) => Math.max(0, sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1), imagesPerSecond: images / seconds };
}

const inline = await measure(0);
const pooled = await measure(undefined);
const row = (name: string, f: Figures) =>
  `${name.padEnd(22)} timer lateness p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms, max ${f.maxMs.toFixed(1)} ms; ${f.imagesPerSecond.toFixed(1)} images/s`;
console.log(`${images} procedural ${size} px images, ${concurrency} at a time`);
console.log(row('on the event loop', inline));
console.log(row('render pool', pooled));
console.log(`ratio (pool / event loop): lateness p99 ${(pooled.p99Ms / inline.p99Ms).toFixed(3)}×, max ${(pooled.maxMs / inline.maxMs).toFixed(3)}×, throughput ${(pooled.imagesPerSecond / inline.imagesPerSecond).toFixed(2)}×`);
reportJson({ inlineP99Ms: inline.p99Ms, poolP99Ms: pooled.p99Ms, inlineImagesPerSecond: inline.imagesPerSecond, poolImagesPerSecond: pooled.imagesPerSecond });
process.exit(0);
