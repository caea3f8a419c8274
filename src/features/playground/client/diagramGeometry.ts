/** Where the diagram puts neurons and links (CSS pixels). Pure. */
import type { FeatureName } from '../../../engine/features';
import { FEATURE_OPTIONS } from '../meta';

export const NODE = 40;
export const COLUMN_GAP = 118;
export const ROW = 52;
export const TOP = 56;
export const LEFT = 70;

/** Top-left corner of the neuron in a column (0 = the feature inputs) and row. */
export function nodePosition(column: number, row: number): { x: number; y: number } {
  return { x: LEFT + column * COLUMN_GAP, y: TOP + row * ROW };
}

export interface LinkGeometry {
  /** the weight w_ji of layer `layer` */
  layer: number;
  j: number;
  i: number;
  /** start (right edge of the source neuron) and end (left edge of the target) */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Row of neuron j of a layer: network input i sits at its feature's row among all features. */
export function rowOf(features: readonly FeatureName[], layer: number, j: number): number {
  return layer === 0 ? FEATURE_OPTIONS.indexOf(features[j]) : j;
}

export function linkGeometry(layerSizes: number[], features: readonly FeatureName[]): LinkGeometry[] {
  const links: LinkGeometry[] = [];
  for (let l = 1; l < layerSizes.length; l++) {
    for (let j = 0; j < layerSizes[l]; j++) {
      for (let i = 0; i < layerSizes[l - 1]; i++) {
        const from = nodePosition(l - 1, rowOf(features, l - 1, i));
        const to = nodePosition(l, rowOf(features, l, j));
        links.push({ layer: l, j, i, x1: from.x + NODE, y1: from.y + NODE / 2, x2: to.x, y2: to.y + NODE / 2 });
      }
    }
  }
  return links;
}

/** SVG path of a link: a horizontal S-curve. */
export function linkPath(link: LinkGeometry): string {
  const mid = (link.x1 + link.x2) / 2;
  return `M${link.x1},${link.y1} C${mid},${link.y1} ${mid},${link.y2} ${link.x2},${link.y2}`;
}

/** Stroke width for a weight: wider for larger |w|. */
export function linkWidth(weight: number): number {
  return Math.min(8, 0.6 + Math.abs(Number.isFinite(weight) ? weight : 0) * 2.5);
}
