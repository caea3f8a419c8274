/**
 * Weight penalties R(w). Training minimises J = data loss + λ Σ_w R(w), so each
 * update also moves every weight by −α λ R′(w): L1 pulls weights to exactly zero,
 * L2 shrinks them in proportion to their size ("weight decay").
 */

export type RegularizationName = 'none' | 'L1' | 'L2';

export interface Regularization {
  /** R(w) */
  penalty(w: number): number;
  /** R′(w) */
  derivative(w: number): number;
}

export const REGULARIZATIONS: Record<RegularizationName, Regularization> = {
  /** R(w) = 0 */
  none: {
    penalty: () => 0,
    derivative: () => 0,
  },
  /** R(w) = |w|; R′(w) = sign(w), taking sign(0) = 0 */
  L1: {
    penalty: (w) => Math.abs(w),
    derivative: (w) => (w > 0 ? 1 : w < 0 ? -1 : 0),
  },
  /** R(w) = ½ w²; R′(w) = w */
  L2: {
    penalty: (w) => 0.5 * w * w,
    derivative: (w) => w,
  },
};

export const REGULARIZATION_NAMES: readonly RegularizationName[] = ['none', 'L1', 'L2'];
