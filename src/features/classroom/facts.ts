/**
 * The small, read-only picture of the app that lesson checks look at: a few numbers from the
 * playground (settings, losses, the selected sample's forward and backward values for the two
 * parameters the lessons use) and from the studio (classes, the two runs). Pure: no DOM, no React.
 */
import type { ActivationName } from '../../engine/activations';
import type { DatasetName } from '../../engine/datasets';
import type { RegularizationName } from '../../engine/regularization';
import type { ErrorCode, Snapshot, TrainPhase } from '../../worker/protocol';
import { activationOf } from '../playground/client/maths/shared';
import { flatLayout, parameterIndex } from '../playground/layout';
import { layerSizesOf, type PlaygroundConfig } from '../playground/meta';

/** The selected sample's numbers for lesson 1 (neuron 1 of layer 1) and lesson 2 (w₁₁ of the output layer). */
export interface SampleFacts {
  /** index in the dataset (train points first) */
  index: number;
  /** the inputs a⁰ᵢ (the feature values) */
  inputs: number[];
  /** w₁ᵢ of layer 1 (into its first neuron), one per input */
  weights: number[];
  /** b₁ of layer 1 */
  bias: number;
  /** z and a = f(z) of layer 1's first neuron */
  z: number;
  a: number;
  /** f of layer 1 */
  activation: ActivationName;
  /** y and ŷ */
  yTrue: number;
  yHat: number;
  /** the output layer's index L, its activation and its δ = (ŷ − y)·f′(z) */
  outputLayer: number;
  outputActivation: ActivationName;
  outputDelta: number;
  /** a of the first neuron of layer L − 1 (the input of w₁₁ at the output) */
  aPrev: number;
  /** ∂L/∂w₁₁ of the output layer for this sample: δ·a */
  gradient: number;
}

export interface PlaygroundFacts {
  status: Snapshot['status'] | 'loading';
  epoch: number;
  samplesSeen: number;
  trainLoss: number;
  testLoss: number;
  dataset: DatasetName;
  learningRate: number;
  trainRatio: number;
  noise: number;
  regularization: RegularizationName;
  regularizationRate: number;
  /** the run stopped because the loss blew up (its message is shown) */
  diverged: boolean;
  sample: SampleFacts | null;
}

export interface PlaygroundInput {
  config: PlaygroundConfig;
  snapshot: Snapshot | null;
  error: { code: ErrorCode } | null;
}

function sampleFacts(config: PlaygroundConfig, snapshot: Snapshot): SampleFacts | null {
  const layout = flatLayout(layerSizesOf(config));
  const { trace, parameters } = snapshot;
  if (parameters.length !== layout.parameterCount || trace.a.length !== layout.neuronCount) return null;
  const inputs = layout.layerSizes[0];
  const last = layout.layerSizes.length - 1;
  const first = layout.neuronOffset[1];
  return {
    index: trace.index,
    inputs: Array.from(trace.a.subarray(0, inputs)),
    weights: Array.from({ length: inputs }, (_, i) => parameters[parameterIndex(layout, 1, 0, i)]),
    bias: parameters[parameterIndex(layout, 1, 0, -1)],
    z: trace.z[first],
    a: trace.a[first],
    activation: activationOf(config, layout, 1),
    yTrue: trace.yTrue,
    yHat: trace.yHat,
    outputLayer: last,
    outputActivation: activationOf(config, layout, last),
    outputDelta: trace.delta[layout.neuronOffset[last]],
    aPrev: trace.a[layout.neuronOffset[last - 1]],
    gradient: trace.gradient[parameterIndex(layout, last, 0, 0)],
  };
}

export function playgroundFacts({ config, snapshot, error }: PlaygroundInput): PlaygroundFacts {
  return {
    status: snapshot?.status ?? 'loading',
    epoch: snapshot?.epoch ?? 0,
    samplesSeen: snapshot?.samplesSeen ?? 0,
    trainLoss: snapshot?.trainLoss ?? NaN,
    testLoss: snapshot?.testLoss ?? NaN,
    dataset: config.dataset,
    learningRate: config.learningRate,
    trainRatio: config.trainRatio,
    noise: config.noise,
    regularization: config.regularization,
    regularizationRate: config.regularizationRate,
    diverged: error?.code === 'diverged' || snapshot?.status === 'diverged',
    sample: snapshot ? sampleFacts(config, snapshot) : null,
  };
}

export interface RunFacts {
  phase: TrainPhase;
  /** validation accuracy (NaN before the run is done, or without a validation set) */
  valAccuracy: number;
}

export interface StudioFacts {
  /** images per class, in order */
  imagesPerClass: number[];
  /** the pretrained-MobileNet run (head, maybe fine-tuning) and the Tiny VGG from scratch */
  transfer: RunFacts | null;
  scratch: RunFacts | null;
}

/** The part of the studio's state the facts come from (structurally: useTransfer's state). */
export interface StudioInput {
  classes: readonly { images: readonly unknown[] }[];
  training: { phase: TrainPhase; evaluation?: { valAccuracy: number } } | null;
  scratch: { phase: TrainPhase; evaluation?: { valAccuracy: number } } | null;
}

const runFacts = (run: StudioInput['training']): RunFacts | null => run && { phase: run.phase, valAccuracy: run.evaluation?.valAccuracy ?? NaN };

export function studioFacts({ classes, training, scratch }: StudioInput): StudioFacts {
  return { imagesPerClass: classes.map((c) => c.images.length), transfer: runFacts(training), scratch: runFacts(scratch) };
}
