/** A bounded history of (epoch, train loss, test loss) for the chart: when full, every other point is dropped. */
export interface LossPoint {
  /** fractional epochs trained: samplesSeen / trainCount */
  epoch: number;
  train: number;
  test: number;
}

export const MAX_LOSS_POINTS = 300;

export function appendLoss(history: LossPoint[], point: LossPoint, max = MAX_LOSS_POINTS): LossPoint[] {
  const last = history[history.length - 1];
  if (last && last.epoch === point.epoch) return [...history.slice(0, -1), point];
  const next = [...history, point];
  if (next.length <= max) return next;
  return next.filter((_, n) => n % 2 === 0 || n === next.length - 1);
}
