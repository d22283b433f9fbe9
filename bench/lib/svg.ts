/**
 * A small log-log line chart as a standalone SVG (no dependencies): growth curves read better
 * as lines than as tables. Each series is a list of [x, y] points with x and y > 0.
 */

export interface Series {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
}

const WIDTH = 560;
const HEIGHT = 340;
const PAD = { left: 64, right: 16, top: 36, bottom: 44 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Powers of ten covering [lo, hi] (at least two). */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out.length >= 2 ? out : [out[0]!, out[0]! * 10];
}

function tickLabel(v: number): string {
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(Number(v.toPrecision(3)));
}

/** Renders the series on log-log axes, one coloured line with dots per series, and a legend. */
export function logLogChart(series: readonly Series[], options: ChartOptions): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xTicks = decades(Math.min(...xs), Math.max(...xs));
  const yTicks = decades(Math.min(...ys), Math.max(...ys));
  const [x0, x1] = [Math.log10(xTicks[0]!), Math.log10(xTicks[xTicks.length - 1]!)];
  const [y0, y1] = [Math.log10(yTicks[0]!), Math.log10(yTicks[yTicks.length - 1]!)];
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const px = (x: number) => PAD.left + ((Math.log10(x) - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => PAD.top + plotH - ((Math.log10(y) - y0) / (y1 - y0)) * plotH;
  const f = (n: number) => n.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="13">${escape(options.title)}</text>`,
  ];
  for (const t of xTicks) {
    out.push(`<line x1="${f(px(t))}" y1="${PAD.top}" x2="${f(px(t))}" y2="${PAD.top + plotH}" stroke="#ddd"/>`);
    out.push(`<text x="${f(px(t))}" y="${PAD.top + plotH + 14}" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  for (const t of yTicks) {
    out.push(`<line x1="${PAD.left}" y1="${f(py(t))}" x2="${PAD.left + plotW}" y2="${f(py(t))}" stroke="#ddd"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${tickLabel(t)}</text>`);
  }
  out.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${PAD.left + plotW / 2}" y="${PAD.top + plotH + 32}" text-anchor="middle">${escape(options.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`);
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const points = s.points.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const [x, y] of s.points) out.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3" fill="${colour}"/>`);
    // The legend sits in the plot's top-left corner, which rising curves leave empty.
    const lx = PAD.left + 8;
    const ly = PAD.top + 16 + i * 14;
    out.push(`<line x1="${f(lx)}" y1="${ly - 4}" x2="${f(lx + 16)}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${f(lx + 20)}" y="${ly}">${escape(s.name)}</text>`);
  });
  out.push('</svg>', '');
  return out.join('\n');
}
