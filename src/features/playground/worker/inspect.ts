/**
 * Read-only views of a run for the panels and the diagram: one sample's full forward/backward
 * trace, and every neuron's output over the input plane. Both work on a scratch copy of the
 * network, so they never disturb training (its activations or accumulated gradients). Pure.
 */
import { backward, cloneNetwork, copyParameters, forward, type Network } from '../../../engine/nn';
import { featureVector } from '../../../engine/features';
import { REGULARIZATIONS } from '../../../engine/regularization';
import type { Heatmap, SampleTrace } from '../../../worker/protocol';
import { packNeurons, parameterIndex } from '../layout';
import { PLANE_EXTENT } from './planeExtent';
import type { PlaygroundTrainer } from './trainer';


export class Inspector {
  private scratch: Network;

  constructor(private readonly trainer: PlaygroundTrainer) {
    this.scratch = cloneNetwork(trainer.net);
  }

  private syncScratch(): Network {
    copyParameters(this.trainer.net, this.scratch);
    return this.scratch;
  }

  /** Everything the forward, loss and backprop panels show for one sample at the current parameters. */
  trace(index: number): SampleTrace {
    const { trainer } = this;
    const { layout, config } = trainer;
    const net = this.syncScratch();
    const point = trainer.points[index];
    const yHat = forward(net, trainer.inputs[index]);
    backward(net, point.label);
    const gradient = new Float64Array(layout.parameterCount);
    const parametersAfter = trainer.parameters();
    const regDerivative = REGULARIZATIONS[config.regularization].derivative;
    for (let l = 1; l < layout.layerSizes.length; l++) {
      for (let j = 0; j < layout.layerSizes[l]; j++) {
        const delta = net.delta[l][j];
        for (let i = -1; i < layout.layerSizes[l - 1]; i++) {
          const k = parameterIndex(layout, l, j, i);
          const grad = i < 0 ? delta : delta * net.a[l - 1][i];
          gradient[k] = grad;
          const penalty = i < 0 ? 0 : config.regularizationRate * regDerivative(parametersAfter[k]);
          parametersAfter[k] -= config.learningRate * (grad + penalty);
        }
      }
    }
    for (const sums of [...net.weightGradSum, ...net.biasGradSum]) sums.fill(0);
    net.numAccumulated = 0;
    return {
      index,
      isTrain: index < trainer.trainCount,
      x1: point.x1,
      x2: point.x2,
      yTrue: point.label,
      yHat,
      loss: 0.5 * (point.label - yHat) ** 2,
      z: packNeurons(layout, net.z, 1),
      a: packNeurons(layout, net.a, 0),
      delta: packNeurons(layout, net.delta, 1),
      gradient,
      parametersAfter,
    };
  }

  /** Every neuron's output over a size × size grid of the plane (row 0 at x₂ = +6). */
  heatmap(size: number): Heatmap {
    const { layout, config } = this.trainer;
    const net = this.syncScratch();
    const cells = size * size;
    const values = new Float32Array(layout.neuronCount * cells);
    const input = new Float64Array(layout.layerSizes[0]);
    const lastLayer = layout.layerSizes.length - 1;
    for (let row = 0; row < size; row++) {
      const x2 = PLANE_EXTENT - ((row + 0.5) / size) * 2 * PLANE_EXTENT;
      for (let col = 0; col < size; col++) {
        const x1 = -PLANE_EXTENT + ((col + 0.5) / size) * 2 * PLANE_EXTENT;
        featureVector(config.features, x1, x2, input);
        forward(net, input);
        const cell = row * size + col;
        for (let l = 0; l <= lastLayer; l++) {
          const activations = net.a[l];
          const base = layout.neuronOffset[l];
          for (let j = 0; j < activations.length; j++) values[(base + j) * cells + cell] = activations[j];
        }
      }
    }
    return { size, values };
  }
}
