import { html, svg, type TemplateResult } from 'lit';

export interface ChartPoint {
  day: string;
  value: number;
}

const W = 960;
const H = 220;
const PAD = 28;

/**
 * Daily values as a bar chart in inline SVG. The drawing is one image with a title and a
 * description that says what it shows; the numbers themselves are in a table that only
 * assistive technology sees, so no one has to read values off bars.
 */
export function usageChart(o: {
  points: ChartPoint[];
  title: string;
  desc: string;
  dayLabel: string;
  valueLabel: string;
  day: (iso: string) => string;
  number: (n: number) => string;
}): TemplateResult {
  const { points } = o;
  const max = Math.max(1, ...points.map((p) => p.value));
  const slot = (W - PAD * 2) / Math.max(1, points.length);
  const bar = Math.max(1, slot * 0.7);
  const plot = H - PAD * 2;
  return html`<figure part="chart">
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title chart-desc">
      <title id="chart-title">${o.title}</title>
      <desc id="chart-desc">${o.desc}</desc>
      ${svg`<line class="axis" x1=${PAD} y1=${H - PAD} x2=${W - PAD} y2=${H - PAD}></line>
      <text x=${PAD} y=${PAD - 8}>${o.number(max)}</text>
      ${points.map((p, i) => {
        const h = (p.value / max) * plot;
        return svg`<rect x=${PAD + i * slot + (slot - bar) / 2} y=${H - PAD - h} width=${bar} height=${h}></rect>`;
      })}
      ${
        points.length
          ? svg`<text x=${PAD} y=${H - 6}>${o.day(points[0]!.day)}</text>
            <text x=${W - PAD} y=${H - 6} text-anchor="end">${o.day(points.at(-1)!.day)}</text>`
          : null
      }`}
    </svg>
    <table class="visually-hidden">
      <caption>
        ${o.title}
      </caption>
      <thead>
        <tr>
          <th scope="col">${o.dayLabel}</th>
          <th scope="col">${o.valueLabel}</th>
        </tr>
      </thead>
      <tbody>
        ${points.map(
          (p) =>
            html`<tr>
              <th scope="row">${o.day(p.day)}</th>
              <td>${o.number(p.value)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </figure>`;
}
