/**
 * Helpers shared by the maths panels: number formatting, which activation each layer uses,
 * and how a part of a panel looks during the step-by-step walkthrough. Pure; no JSX.
 */
import type { ActivationName } from '../../../../engine/activations';
import { DATASETS } from '../../../../engine/datasets';
import type { FlatLayout } from '../../layout';
import type { PlaygroundConfig } from '../../meta';
import { isRevealed, type Phase } from '../phases';

/** 6 significant digits, plain ASCII (e.g. `-1`, `0.734512`): the numbers tests read back. */
export function fmt6(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x);
}

/** `digits` significant digits for display, with a true minus sign (−). */
export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  return Number(x.toPrecision(digits)).toString().replace('-', '−');
}

/** Significant digits (6 to 12) that make `before` and `after` of an update look different. */
export function updateDigits(before: number, after: number): number {
  if (before === after || !Number.isFinite(before) || !Number.isFinite(after)) return 6;
  for (let digits = 6; digits < 12; digits++) {
    if (Number(before.toPrecision(digits)) !== Number(after.toPrecision(digits))) return digits;
  }
  return 12;
}

/** CSS class for a number's sign: blue for positive, orange for negative (TF Playground colours). */
export function signClass(x: number): string {
  return x > 0 ? 'maths-pos' : x < 0 ? 'maths-neg' : 'maths-zero';
}

/** Activation of layer l ≥ 1: the hidden one, or tanh / linear at the output (classification / regression). */
export function activationOf(config: PlaygroundConfig, layout: FlatLayout, l: number): ActivationName {
  if (l < layout.layerSizes.length - 1) return config.activation;
  return DATASETS[config.dataset]?.kind === 'regression' ? 'linear' : 'tanh';
}

/** How each activation is written in formulas (notation, not translated); linear is the identity. */
export const ACTIVATION_SYMBOL: Record<ActivationName, string | null> = {
  relu: 'ReLU',
  tanh: 'tanh',
  sigmoid: 'σ',
  linear: null,
  leakyRelu: 'LReLU',
};

export function lastLayerOf(layout: FlatLayout): number {
  return layout.layerSizes.length - 1;
}

export type PartState = 'pending' | 'current' | 'done';

function samePhase(a: Phase, b: Phase): boolean {
  return a.kind === b.kind && ('layer' in a ? a.layer : -1) === ('layer' in b ? b.layer : -1);
}

/** Where a part stands in the walkthrough; null when there is no walkthrough. */
export function partState(phase: Phase | null, part: Phase): PartState | null {
  if (phase === null) return null;
  if (samePhase(phase, part)) return 'current';
  return isRevealed(phase, part) ? 'done' : 'pending';
}

export interface PartProps {
  className: string;
  'data-part-state'?: PartState;
  'aria-hidden'?: boolean;
  inert?: boolean;
}

/** Props to spread on the element of a part: class, state, and hidden from AT while pending. */
export function partProps(phase: Phase | null, part: Phase, className = ''): PartProps {
  const state = partState(phase, part);
  const classes = ['maths-part', className, state ? `maths-part--${state}` : ''].filter(Boolean).join(' ');
  if (state === null) return { className: classes };
  if (state === 'pending') return { className: classes, 'data-part-state': state, 'aria-hidden': true, inert: true };
  return { className: classes, 'data-part-state': state };
}
