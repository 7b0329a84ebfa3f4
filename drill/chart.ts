/** The drill's chart: rendering only; the numbers come from `tradeoff` (drill/scenarios.ts). */
import type { TradeoffPoint } from "./scenarios";

/** The trade-off as an SVG line chart: bump (left axis) and trigger executions (right axis) against RPO. */
export function tradeoffSvg(points: readonly TradeoffPoint[], title: string): string {
  const W = 720;
  const H = 420;
  const m = { left: 80, right: 90, top: 50, bottom: 70 };
  /** The next "nice" number (1, 2 or 5 times a power of ten) at or above `v`. */
  const nice = (v: number) => {
    const p = 10 ** Math.floor(Math.log10(v));
    return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((f) => f * p).find((n) => n >= v * 1.05) ?? 10 * p;
  };
  const xStep = 5;
  const xMax = Math.ceil(Math.max(...points.map((p) => p.rpoMinutes)) / xStep) * xStep;
  const bMax = nice(Math.max(...points.map((p) => p.bump)));
  const cMax = nice(Math.max(...points.map((p) => p.triggerExecutionsPerMonth)));
  const x = (v: number) => m.left + (v / xMax) * (W - m.left - m.right);
  const yB = (v: number) => H - m.bottom - (v / bMax) * (H - m.top - m.bottom);
  const yC = (v: number) => H - m.bottom - (v / cMax) * (H - m.top - m.bottom);
  const line = (f: (p: TradeoffPoint) => [number, number]) =>
    points
      .map((p) =>
        f(p)
          .map((n) => n.toFixed(1))
          .join(","),
      )
      .join(" ");
  const ticks = (max: number, n = 5) => Array.from({ length: n + 1 }, (_, i) => (max * i) / n);
  const fmt = (v: number) => (v >= 10_000 ? `${Math.round(v / 1000)}k` : String(Math.round(v)));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">${title}</text>`,
    `<line x1="${m.left}" y1="${H - m.bottom}" x2="${W - m.right}" y2="${H - m.bottom}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${H - m.bottom}" stroke="#1f77b4"/>`,
    `<line x1="${W - m.right}" y1="${m.top}" x2="${W - m.right}" y2="${H - m.bottom}" stroke="#d62728"/>`,
    ...ticks(bMax).map(
      (v) => `<text x="${m.left - 8}" y="${yB(v) + 4}" text-anchor="end" fill="#1f77b4">${fmt(v)}</text>`,
    ),
    ...ticks(cMax).map((v) => `<text x="${W - m.right + 8}" y="${yC(v) + 4}" fill="#d62728">${fmt(v)}</text>`),
    ...Array.from({ length: xMax / xStep + 1 }, (_, i) => i * xStep).map(
      (v) => `<text x="${x(v)}" y="${H - m.bottom + 18}" text-anchor="middle">${v}</text>`,
    ),
    `<text x="${(m.left + W - m.right) / 2}" y="${H - 34}" text-anchor="middle">RPO bound (minutes)</text>`,
    `<text x="${(m.left + W - m.right) / 2}" y="${H - 12}" text-anchor="middle" fill="#555" font-size="11">points: polling every ${points.map((p) => p.intervalMinutes).join(", ")} min</text>`,
    `<text transform="translate(18 ${H / 2}) rotate(-90)" text-anchor="middle" fill="#1f77b4">bump of the busiest agreement</text>`,
    `<text transform="translate(${W - 14} ${H / 2}) rotate(90)" text-anchor="middle" fill="#d62728">billed trigger executions / month</text>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${line((p) => [x(p.rpoMinutes), yB(p.bump)])}"/>`,
    `<polyline fill="none" stroke="#d62728" stroke-width="2" points="${line((p) => [x(p.rpoMinutes), yC(p.triggerExecutionsPerMonth)])}"/>`,
    ...points.map(
      (p) => `<circle cx="${x(p.rpoMinutes).toFixed(1)}" cy="${yB(p.bump).toFixed(1)}" r="3" fill="#1f77b4"/>`,
    ),
    ...points.map(
      (p) =>
        `<circle cx="${x(p.rpoMinutes).toFixed(1)}" cy="${yC(p.triggerExecutionsPerMonth).toFixed(1)}" r="3" fill="#d62728"/>`,
    ),
    `</svg>`,
  ];
  return `${parts.join("\n")}\n`;
}
