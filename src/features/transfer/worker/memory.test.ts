/**
 * Tensor discipline over a long session: tf.memory().numTensors stays flat over 1,000 training
 * steps (mini-batches) and 100 predictions, and a whole run leaves nothing behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/random';
import { DEFAULT_HEAD, type HeadConfig } from '../meta';
import { EMBEDDING_LENGTH } from './embed';
import { buildHead, disposeModel, fitHead, predictProbabilities } from './head';

const rng = mulberry32(5);
const embedding = (label: number) => Float32Array.from({ length: EMBEDDING_LENGTH }, (_, k) => Math.max(0, rng() + (k % 3 === label ? 0.5 : 0)));

describe('tensors over 1,000 training steps and 100 predictions', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('stay flat', async () => {
    // 16 examples, batch 4: 4 steps an epoch, 250 epochs = 1,000 steps (+ 10 % held out for validation each epoch).
    const config: HeadConfig = { ...DEFAULT_HEAD, units: 8, batchSize: 4, epochs: 250, learningRate: 0.01 };
    const train = { embeddings: Array.from({ length: 16 }, (_, n) => embedding(n % 3)), labels: Array.from({ length: 16 }, (_, n) => n % 3) };
    const validation = { embeddings: [embedding(0), embedding(1)], labels: [0, 1] };
    const session = async () => {
      const model = buildHead(config, 3);
      const counts: number[] = [];
      await fitHead(model, config, train, validation, 3, { onEpochEnd: () => void counts.push(tf.memory().numTensors), shouldStop: () => false });
      const beforePredictions = tf.memory().numTensors;
      for (let n = 0; n < 100; n++) predictProbabilities(model, [train.embeddings[n % 16]]);
      const afterPredictions = tf.memory().numTensors;
      disposeModel(model);
      return { counts, beforePredictions, afterPredictions };
    };
    const first = await session(); // burn-in
    const tensors = tf.memory().numTensors;
    const second = await session();
    expect(tf.memory().numTensors).toBe(tensors);
    for (const run of [first, second]) {
      expect(run.counts).toHaveLength(250);
      // after the first epoch (optimizer slots made), the same count at every epoch end
      expect(new Set(run.counts.slice(1)).size).toBe(1);
      expect(run.afterPredictions).toBe(run.beforePredictions);
    }
  }, 120_000);
});
