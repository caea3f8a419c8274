/**
 * A model's layers as a graph: MobileNet v1 is one chain of layers, MobileNet v2 has residual
 * connections (Add layers fed by two others). These helpers follow each layer's inbound layers (its
 * first node: where it was applied in its own model) rather than assuming a chain.
 */
import * as tf from '@tensorflow/tfjs';

type Layer = tf.layers.Layer;

const isInput = (layer: Layer) => layer.getClassName() === 'InputLayer';

/** The layers feeding a layer where it was first applied (in its own model). */
export function inboundOf(layer: Layer): Layer[] {
  return (layer as unknown as { inboundNodes: { inboundLayers: Layer[] }[] }).inboundNodes[0]?.inboundLayers ?? [];
}

/**
 * Runs a model's layers (in their topological order) on `input`, each on the outputs of the layers
 * feeding it; returns the last layer's output. Only Dropout sees `training` (BatchNormalization
 * always runs in inference mode). The model's input layer, or the first layer's missing inbound,
 * is `input`.
 */
export function applyGraph(layers: Layer[], input: tf.Tensor, training = false): tf.Tensor {
  const values = new Map<string, tf.Tensor>();
  let last = input;
  for (const layer of layers) {
    if (isInput(layer)) {
      values.set(layer.name, input);
      continue;
    }
    const inputs = inboundOf(layer).map((from) => values.get(from.name) ?? input);
    last = layer.apply(inputs.length === 1 ? inputs[0] : inputs.length === 0 ? input : inputs, { training: training && layer.getClassName() === 'Dropout' }) as tf.Tensor;
    values.set(layer.name, last);
  }
  return last;
}

/** A new layer of the same class and configuration (name included), not yet built. */
export function cloneLayer(layer: Layer): Layer {
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  return fromConfig(cls, layer.getConfig()) as Layer;
}

/**
 * Copies of `originals` (layers of one model, in its order), applied as they are connected there
 * (merges included), starting from `input` in place of `from` (the layer below them; the model's
 * input layer when `from` is null). Returns the copies and the symbolic output of the last one;
 * they get the originals' weights with `copyWeights` once the model around them is built. The
 * originals are left as they are.
 */
export function copyLayers(originals: Layer[], from: string | null, input: tf.SymbolicTensor): { copies: Layer[]; output: tf.SymbolicTensor; copyWeights(): void } {
  const symbols = new Map<string, tf.SymbolicTensor>(from ? [[from, input]] : []);
  const copies = originals.map((layer) => {
    const copy = cloneLayer(layer);
    const inputs = inboundOf(layer).map((source) => {
      const symbol = symbols.get(source.name) ?? (isInput(source) && from === null ? input : undefined);
      if (!symbol) throw new Error(`${layer.name} is fed by ${source.name}, outside the layers copied`);
      return symbol;
    });
    symbols.set(layer.name, copy.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor);
    return copy;
  });
  const output = originals.length > 0 ? symbols.get(originals.at(-1)!.name)! : input;
  return { copies, output, copyWeights: () => copies.forEach((copy, k) => copy.setWeights(originals[k].getWeights())) };
}

/** The layers of `model` after `from` up to and including `to`. */
export function layersBetween(model: tf.LayersModel, from: string, to: string): Layer[] {
  const names = model.layers.map((layer) => layer.name);
  return model.layers.slice(names.indexOf(from) + 1, names.indexOf(to) + 1);
}
