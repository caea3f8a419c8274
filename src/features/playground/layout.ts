/**
 * How a network's parameters and per-neuron values are laid out in the flat typed arrays that
 * cross the worker boundary. Pure; shared by the worker and the UI.
 */

export interface FlatLayout {
  /** neurons per layer, inputs first, e.g. [2, 4, 2, 1] */
  layerSizes: number[];
  /** weightOffset[l]: start of layer l's weights (w_ji at weightOffset[l] + j·n(l−1) + i); l ≥ 1 */
  weightOffset: number[];
  /** biasOffset[l]: start of layer l's biases, after all weights; l ≥ 1 */
  biasOffset: number[];
  /** total weights + biases */
  parameterCount: number;
  /** neuronOffset[l]: start of layer l in per-neuron arrays that cover every layer (inputs included) */
  neuronOffset: number[];
  neuronCount: number;
}

export function flatLayout(layerSizes: number[]): FlatLayout {
  const weightOffset = [0];
  const biasOffset = [0];
  const neuronOffset: number[] = [];
  let weights = 0;
  for (let l = 1; l < layerSizes.length; l++) {
    weightOffset.push(weights);
    weights += layerSizes[l] * layerSizes[l - 1];
  }
  let biases = weights;
  for (let l = 1; l < layerSizes.length; l++) {
    biasOffset.push(biases);
    biases += layerSizes[l];
  }
  let neurons = 0;
  for (let l = 0; l < layerSizes.length; l++) {
    neuronOffset.push(neurons);
    neurons += layerSizes[l];
  }
  return { layerSizes, weightOffset, biasOffset, parameterCount: biases, neuronOffset, neuronCount: neurons };
}

/** Index of w_ji of layer l in a flat parameter array; i = −1 gives the bias b_j. */
export function parameterIndex(layout: FlatLayout, l: number, j: number, i: number): number {
  return i < 0 ? layout.biasOffset[l] + j : layout.weightOffset[l] + j * layout.layerSizes[l - 1] + i;
}

/** Packs per-layer arrays (layers 1..L) into one flat array with weights first, then biases. */
export function packParameters(layout: FlatLayout, weights: Float64Array[], biases: Float64Array[], out = new Float64Array(layout.parameterCount)): Float64Array {
  for (let l = 1; l < layout.layerSizes.length; l++) {
    out.set(weights[l], layout.weightOffset[l]);
    out.set(biases[l], layout.biasOffset[l]);
  }
  return out;
}

/** Packs per-layer neuron values (layers from `firstLayer`) into one array indexed by neuronOffset. */
export function packNeurons(layout: FlatLayout, values: Float64Array[], firstLayer = 0): Float64Array {
  const out = new Float64Array(layout.neuronCount);
  for (let l = firstLayer; l < layout.layerSizes.length; l++) out.set(values[l], layout.neuronOffset[l]);
  return out;
}
