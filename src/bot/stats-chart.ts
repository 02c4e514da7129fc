import { fileURLToPath } from 'node:url';

/**
 * The /stats chart: requests per day by kind, as stacked bars with labelled axes, dates and a legend
 * in the user's language, drawn by Chart.js on a Skia canvas (@napi-rs/canvas) with the fonts in
 * assets/fonts (Noto Sans for Latin and Cyrillic, Vazirmatn for Persian). Persian reads right to
 * left: the newest day is on the left, the count axis on the right, the legend mirrored. Both
 * libraries load on the first /stats, not with the bot.
 */

export interface StatsDay {
  day: string;
  images: number;
  videos: number;
  texts: number;
}

export interface StatsChartText {
  title: string;
  /** Legend names of the three kinds, in the user's language. */
  images: string;
  videos: string;
  texts: string;
  xAxis: string;
  yAxis: string;
}

export interface StatsChartOptions {
  days: readonly StatsDay[];
  text: StatsChartText;
  /** BCP 47 locale for dates and numbers (`fa` gives Persian digits and month names). */
  locale: string;
  rtl: boolean;
}

/** One colour per kind, also used for the caption's squares. */
export const KIND_COLOURS = {
  images: { fill: '#1e88e5', square: '🟦' },
  videos: { fill: '#fb8c00', square: '🟧' },
  texts: { fill: '#43a047', square: '🟩' },
} as const;

const WIDTH = 960;
const HEIGHT = 540;
const FONTS = ['NotoSans-Regular.ttf', 'Vazirmatn-NL-Regular.ttf'];
const FAMILY = '"Noto Sans", "Vazirmatn NL", sans-serif';

type ChartModule = typeof import('chart.js');
type CanvasModule = typeof import('@napi-rs/canvas');

export interface StatsChartRenderer {
  render(options: StatsChartOptions): Promise<Uint8Array>;
}

export function createStatsChartRenderer(): StatsChartRenderer {
  let libraries: Promise<{ chart: ChartModule; canvas: CanvasModule }> | undefined;
  // Fonts and Chart.js' component registry are process-wide: registering again is harmless.
  const load = () => (libraries ??= (async () => {
    const [chart, canvas] = await Promise.all([import('chart.js'), import('@napi-rs/canvas')]);
    for (const file of FONTS) {
      if (!canvas.GlobalFonts.registerFromPath(fileURLToPath(new URL(`../../assets/fonts/${file}`, import.meta.url)))) {
        throw new Error(`the chart font ${file} could not be loaded`);
      }
    }
    chart.Chart.register(...chart.registerables);
    return { chart, canvas };
  })());
  return { render: async (options) => draw(await load(), options) };
}

async function draw({ chart: { Chart }, canvas: { createCanvas } }: { chart: ChartModule; canvas: CanvasModule }, options: StatsChartOptions): Promise<Uint8Array> {
  const { text, rtl, locale } = options;
  const dateFormat = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const numberFormat = new Intl.NumberFormat(locale);
  const labels = options.days.map((entry) => dateFormat.format(new Date(`${entry.day}T00:00:00Z`)));
  const series = (['images', 'videos', 'texts'] as const).map((kind) => ({
    label: text[kind],
    data: options.days.map((entry) => entry[kind]),
    backgroundColor: KIND_COLOURS[kind].fill,
    stack: 'requests',
    borderRadius: 3,
  }));
  const canvas = createCanvas(WIDTH, HEIGHT);
  const context = canvas.getContext('2d');
  // Chart.js sets the text direction of a legend through the canvas element's CSS, which a canvas
  // outside a browser lacks: map that one property onto the 2D context's own `direction`.
  const properties = new Map<string, string>();
  Object.assign(canvas, {
    style: {
      getPropertyValue: (name: string) => properties.get(name) ?? '',
      getPropertyPriority: () => '',
      setProperty: (name: string, value: string) => {
        properties.set(name, value);
        if (name === 'direction') context.direction = value as CanvasDirection;
      },
      removeProperty: (name: string) => {
        properties.delete(name);
        if (name === 'direction') context.direction = 'inherit';
      },
    },
  });
  const font = { family: FAMILY, size: 18 };
  const chart = new Chart(canvas as unknown as HTMLCanvasElement, {
    type: 'bar',
    data: { labels, datasets: series },
    plugins: [{
      // Telegram shows transparency as black: paint the page white first.
      id: 'background',
      beforeDraw: (drawn) => {
        const context = drawn.ctx;
        context.save();
        context.fillStyle = '#ffffff';
        context.fillRect(0, 0, drawn.width, drawn.height);
        context.restore();
      },
    }],
    options: {
      responsive: false,
      animation: false,
      locale,
      devicePixelRatio: 1,
      layout: { padding: 16 },
      font,
      plugins: {
        title: { display: true, text: text.title, font: { ...font, size: 24 }, color: '#212121' },
        legend: { position: 'bottom', rtl, textDirection: rtl ? 'rtl' : 'ltr', labels: { font, color: '#212121' } },
        tooltip: { enabled: false },
      },
      scales: {
        x: {
          stacked: true,
          reverse: rtl,
          title: { display: true, text: text.xAxis, font, color: '#424242' },
          ticks: { font: { ...font, size: 15 }, color: '#424242', maxRotation: 45, autoSkip: false },
          grid: { display: false },
        },
        y: {
          stacked: true,
          beginAtZero: true,
          position: rtl ? 'right' : 'left',
          title: { display: true, text: text.yAxis, font, color: '#424242' },
          // Chart.js writes a zero as '0' whatever the locale: format every tick the same way.
          ticks: { font: { ...font, size: 15 }, color: '#424242', precision: 0, callback: (value) => numberFormat.format(Number(value)) },
          grid: { color: '#e0e0e0' },
        },
      },
    },
  });
  try {
    return new Uint8Array(await canvas.encode('png'));
  } finally {
    chart.destroy();
  }
}
