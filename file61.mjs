
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const [modulePath, modelDir] = process.argv.slice(2);
const gen = await import(modulePath);
await tf.setBackend('cpu');
const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
const bytes = Buffer.concat(json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(modelDir, p)))));
const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const base = await gen.loadBase(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
const WATCHED = [['conv_pw_13', 0], ['conv_dw_12', 0], ['conv_pw_11', 0], ['conv_pw_1', 0], ['conv_pw_13_bn', 0], ['conv_pw_13_bn', 2]];
const snapshot = () => WATCHED.map(([name, k]) => base.getLayer(name).getWeights()[k].dataSync().slice());
const before = snapshot();
const images = gen.CLASS_NAMES.map((_, label) => [[40, 60], [72, 48], [50, 50]].map(([h, w], n) => tf.tidy(() =>
  tf.add(tf.fill([h, w, 3], 40 + 60 * label), tf.randomUniform([h, w, 3], 0, 50, 'float32', 7 * label + n)))));
const tensorsBefore = tf.memory().numTensors;
const epochs = [];
const { classifier, head, history } = await gen.train(images, { base, onEpochEnd: (epoch, logs) => { epochs.push({ epoch, ...logs }); } });
const extraTensors = tf.memory().numTensors - tensorsBefore;
const after = snapshot();
const changed = Object.fromEntries(WATCHED.map(([name, k], i) => [name + '[' + k + ']', before[i].some((v, j) => v !== after[i][j])]));
const tensorsBeforePredict = tf.memory().numTensors;
const prediction = gen.predict(classifier, images[1][0]);
const predictLeak = tf.memory().numTensors - tensorsBeforePredict;
console.log('RESULT ' + JSON.stringify({ extraTensors, headWeights: head.weights.length, changed, prediction, predictLeak, epochs,
  headEpochs: history.history.loss.length, trainableAfter: base.trainableWeights.length }));
