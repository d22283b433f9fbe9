/** Line charts as standalone SVG text (no dependency): a log-scale x axis, 0–100% on y. */

export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
  /** Drawn dashed (a secondary series, e.g. the LRU baseline). */
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Formats an x value for its tick label. */
  formatX(x: number): string;
  /** A vertical marker, e.g. the recommended size. */
  marker?: { x: number; label: string };
}

const WIDTH = 720;
const HEIGHT = 400;
const MARGIN = { left: 64, right: 180, top: 40, bottom: 56 };
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fixed = (n: number) => (Math.round(n * 10) / 10).toString();

/** Renders a line chart (see ChartOptions). Deterministic: the same data gives the same bytes. */
export function lineChart(options: ChartOptions): string {
  const xs = [...new Set(options.series.flatMap((s) => s.points.map((p) => p.x)))].filter((x) => x > 0).sort((a, b) => a - b);
  const lo = Math.log(xs[0] ?? 1);
  const hi = Math.log(xs.at(-1) ?? 10);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (hi === lo ? plotW / 2 : ((Math.log(x) - lo) / (hi - lo)) * plotW);
  const sy = (y: number) => MARGIN.top + (1 - Math.max(0, Math.min(1, y))) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2 - MARGIN.right / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (let i = 0; i <= 10; i += 2) {
    const y = sy(i / 10);
    out.push(`<line x1="${MARGIN.left}" y1="${fixed(y)}" x2="${MARGIN.left + plotW}" y2="${fixed(y)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${fixed(y + 4)}" text-anchor="end">${i * 10}%</text>`);
  }
  // Every data x gets a tick when there are few; otherwise every other one.
  const step = xs.length > 9 ? 2 : 1;
  xs.forEach((x, i) => {
    if (i % step !== 0 && i !== xs.length - 1) return;
    const px = fixed(sx(x));
    out.push(`<line x1="${px}" y1="${MARGIN.top + plotH}" x2="${px}" y2="${MARGIN.top + plotH + 4}" stroke="#333"/>`);
    out.push(`<text x="${px}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${escapeXml(options.formatX(x))}</text>`);
  });
  out.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  out.push(`<text x="16" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})">${escapeXml(options.yLabel)}</text>`);
  if (options.marker && options.marker.x > 0) {
    const px = fixed(sx(options.marker.x));
    out.push(`<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${MARGIN.top + plotH}" stroke="#555" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${px}" y="${MARGIN.top - 6}" text-anchor="middle" font-size="11">${escapeXml(options.marker.label)}</text>`);
  }
  options.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const points = series.points.filter((p) => p.x > 0).sort((a, b) => a.x - b.x);
    if (points.length === 0) return;
    const path = points.map((p, j) => `${j === 0 ? 'M' : 'L'}${fixed(sx(p.x))},${fixed(sy(p.y))}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const p of points) out.push(`<circle cx="${fixed(sx(p.x))}" cy="${fixed(sy(p.y))}" r="2.5" fill="${color}"/>`);
    const ly = MARGIN.top + 10 + i * 18;
    const lx = WIDTH - MARGIN.right + 16;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${lx + 28}" y="${ly + 4}">${escapeXml(series.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
