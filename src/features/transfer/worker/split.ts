/** Per-class (stratified) train/validation split, seeded so a run can be repeated. Pure. */
import { mulberry32, shuffleInPlace } from '../../../engine/random';

export interface Example {
  imageId: string;
  /** class index */
  label: number;
}

/**
 * Holds out round(n · fraction) images of each class for validation (at least one when the class
 * has 2 or more images and fraction > 0), the rest for training.
 */
export function splitByClass(imageIdsPerClass: string[][], fraction: number, seed: number): { train: Example[]; validation: Example[] } {
  const rng = mulberry32(seed);
  const train: Example[] = [];
  const validation: Example[] = [];
  imageIdsPerClass.forEach((ids, label) => {
    const order = [...ids];
    shuffleInPlace(order, rng);
    const held = fraction > 0 && order.length >= 2 ? Math.min(order.length - 1, Math.max(1, Math.round(order.length * fraction))) : 0;
    order.forEach((imageId, k) => (k < held ? validation : train).push({ imageId, label }));
  });
  return { train, validation };
}
