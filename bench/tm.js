/**
 * Drives Teachable Machine's library (global `tmImage`, on global `tf` 1.3.1) the way its web app
 * does: each photo is drawn centre-cropped into a 224 × 224 canvas and added with `addExample`,
 * then `train` (Dense units → softmax, Adam, their 15 % validation split). scripts/benchTm.mjs calls
 * `window.tmBench.run(…)` once per page and reads the timings, frame rate, long tasks and held-out
 * accuracy it returns.
 */
/* global tf, tmImage */
(() => {
  const IMAGE_SIZE = 224;
  /** start times (ms, page clock) of main-thread tasks > 50 ms */
  const longTasks = [];
  new PerformanceObserver((list) => list.getEntries().forEach((entry) => longTasks.push(entry.startTime))).observe({ type: 'longtask', buffered: true });

  const loadImage = async (url) => {
    const image = new Image();
    image.src = url;
    await image.decode();
    return image;
  };

  /** Teachable Machine's `cropTo`: scale the short side to `size`, crop the centre square. */
  const cropTo = (image, size) => {
    const scale = size / Math.min(image.width, image.height);
    const width = Math.ceil(image.width * scale);
    const height = Math.ceil(image.height * scale);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    canvas.getContext('2d').drawImage(image, -~~((width - size) / 2), -~~((height - size) / 2), width, height);
    return canvas;
  };

  /** Counts animation frames between start() and stop(). */
  const frameCounter = () => {
    let frames = 0;
    let running = true;
    const frame = () => {
      if (!running) return;
      frames++;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    return () => ((running = false), frames);
  };

  const countLongTasks = (from, to) => longTasks.filter((time) => time >= from && time < to).length;
  const status = (text) => (document.getElementById('status').textContent = text);

  /**
   * One run: load the base (not timed), add the training photos, train, classify the held-out photos.
   * @param {{ backend: string, base: { version: 1 | 2, alpha: number }, train: string[][], test: string[][], params: { denseUnits: number, epochs: number, batchSize: number, learningRate: number } }} options
   *   base: the MobileNet the library loads (its web app's: version 2, alpha 0.35)
   *   train[c] / test[c]: image URLs of class c
   */
  async function run({ backend, base, train, test, params }) {
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} is not available`);
    await tf.ready();
    status('loading the base model');
    const model = await tmImage.createTeachable({ tfjsVersion: tf.version.tfjs }, { version: base.version, alpha: base.alpha });
    model.setLabels(train.map((_, c) => String(c)));
    const testImages = await Promise.all(test.map((urls) => Promise.all(urls.map(loadImage))));

    status('adding examples');
    const embedStart = performance.now();
    const stopEmbedFrames = frameCounter();
    for (let c = 0; c < train.length; c++) {
      for (const url of train[c]) await model.addExample(c, cropTo(await loadImage(url), IMAGE_SIZE));
    }
    const embedFrames = stopEmbedFrames();
    const trainStart = performance.now();

    status('training');
    const stopTrainFrames = frameCounter();
    let epochs = 0;
    await model.train(params, { onEpochEnd: () => void epochs++ });
    const trainFrames = stopTrainFrames();
    const trainEnd = performance.now();

    status('testing');
    let correct = 0;
    let total = 0;
    for (let c = 0; c < testImages.length; c++) {
      for (const image of testImages[c]) {
        const probabilities = (await model.predict(image)).map((p) => p.probability);
        if (probabilities.indexOf(Math.max(...probabilities)) === c) correct++;
        total++;
      }
    }
    status('done');
    const embedMs = trainStart - embedStart;
    const trainMs = trainEnd - trainStart;
    return {
      backend: tf.getBackend(),
      tfjsVersion: tf.version.tfjs,
      libraryVersion: tmImage.version,
      floatPrecision: tf.backend().floatPrecision(),
      epsilon: tf.backend().epsilon(),
      examples: model.examples.reduce((sum, examples) => sum + examples.length, 0),
      epochs,
      embedMs,
      trainMs,
      embedFps: embedFrames / (embedMs / 1000),
      embedLongTasks: countLongTasks(embedStart, trainStart),
      trainFps: trainFrames / (trainMs / 1000),
      trainLongTasks: countLongTasks(trainStart, trainEnd),
      heldOut: { correct, total },
    };
  }

  window.tmBench = { run };
})();
