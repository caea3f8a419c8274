/**
 * Axis ticks for the training charts, worked out here rather than by recharts: given ticks and
 * `interval={0}`, recharts skips its decimal "nice ticks" search and its tick-overlap measuring,
 * which together made each redraw during training a long task on a slow machine.
 */

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over [0, top]. */
export function niceStep(top: number, count: number): number {
  const raw = top / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw - 1e-12);
  return step ?? 10 * power;
}

/** The y-axis of a loss chart: [0, top] with the top rounded up to a step, and its ticks. */
export function lossAxis(values: number[], fixedTop?: number): { domain: [number, number]; ticks: number[] } {
  const finite = values.filter(Number.isFinite);
  const largest = fixedTop ?? Math.max(0.1, ...finite);
  const step = niceStep(largest, 4);
  const top = Math.ceil(largest / step - 1e-9) * step;
  return { domain: [0, round(top)], ticks: range(0, top, step) };
}

/** Epoch ticks for an x-axis of 1 … epochs: 1, then multiples of a nice step, at most about 6. */
export function epochTicks(epochs: number): number[] {
  if (epochs <= 6) return Array.from({ length: Math.max(1, epochs) }, (_, k) => k + 1);
  const step = Math.max(1, niceStep(epochs, 5));
  const ticks = [1];
  for (let tick = step; tick <= epochs; tick += step) ticks.push(tick);
  return ticks;
}

export const ACCURACY_TICKS = [0, 0.25, 0.5, 0.75, 1];

const round = (x: number) => Number(x.toPrecision(12));
function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let k = 0; from + k * step <= to + step * 1e-9; k++) out.push(round(from + k * step));
  return out;
}
