/**
 * The phases of one training step, in the order the walkthrough shows them:
 * forward layer by layer → loss → backward layer by layer (output first) → update.
 */
export type Phase =
  | { kind: 'forward'; layer: number }
  | { kind: 'loss' }
  | { kind: 'backward'; layer: number }
  | { kind: 'update' };

/** All phases for a network with layers 0..lastLayer (layer 0 = inputs, which need no phase). */
export function phaseSequence(lastLayer: number): Phase[] {
  const phases: Phase[] = [];
  for (let layer = 1; layer <= lastLayer; layer++) phases.push({ kind: 'forward', layer });
  phases.push({ kind: 'loss' });
  for (let layer = lastLayer; layer >= 1; layer--) phases.push({ kind: 'backward', layer });
  phases.push({ kind: 'update' });
  return phases;
}

/** Whether a part of the panels is visible at `phase` (null = no walkthrough: everything shows). */
export function isRevealed(phase: Phase | null, part: Phase): boolean {
  if (phase === null) return true;
  const order = (p: Phase, lastLayer: number) =>
    p.kind === 'forward' ? p.layer : p.kind === 'loss' ? lastLayer + 1 : p.kind === 'backward' ? lastLayer + 1 + (lastLayer - p.layer + 1) : 2 * lastLayer + 2;
  const lastLayer = 64;
  return order(part, lastLayer) <= order(phase, lastLayer);
}
