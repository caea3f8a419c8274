/**
 * The studio's side of the worker: the base model, the images (224² RGB, never sent back), their
 * cached embeddings, the trained head, and the jobs (train, predict) the page asks for.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassRef, FromWorker, RestoredClass, TransferToWorker } from '../../../worker/protocol';
import type { HeadConfig } from '../meta';
import { combine, exportClassifier, importClassifier, metadataFor } from './classifierFile';
import { decodeImage, ImageRejected } from './decode';
import { embedImages, preprocess } from './embed';
import { buildHead, disposeModel, evaluate, fitHead, predictProbabilities } from './head';
import { loadBaseModel, ModelInvalid, type BaseModel } from './model';
import * as project from './projectStore';
import { splitByClass, type Example } from './split';

interface StoredImage {
  /** 224 × 224 × 3 RGB */
  rgb: Uint8Array;
  /** the base's output for it, once computed: 7 × 7 × 256 */
  embedding?: Float32Array;
}

export class TransferStudio {
  private base: BaseModel | null = null;
  private loading: Promise<BaseModel | null> | null = null;
  private readonly images = new Map<string, StoredImage>();
  /** the head trained here, and the class names it was trained on */
  private head: { model: tf.LayersModel; labels: string[]; config: HeadConfig } | null = null;
  /** a classifier imported from files (base + head in one), used for predictions instead */
  private imported: { model: tf.LayersModel; labels: string[] } | null = null;
  private job: { id: number; stop: boolean } | null = null;

  constructor(
    private readonly post: (message: FromWorker) => void,
    /** resolves once a tfjs backend is active */
    private readonly backendReady: () => Promise<void>,
  ) {}

  async handle(message: TransferToWorker): Promise<void> {
    switch (message.type) {
      case 'transfer/loadModel':
        await this.loadModel(message.source);
        return;
      case 'transfer/addImages':
        return this.addImages(message.classId, message.files);
      case 'transfer/removeImages':
        message.imageIds.forEach((id) => this.images.delete(id));
        await project.deleteImages(message.imageIds).catch(() => undefined);
        return;
      case 'transfer/train':
        return this.train(message.jobId, message.classes, message.head);
      case 'transfer/stop':
        if (this.job?.id === message.jobId) this.job.stop = true;
        return;
      case 'transfer/predict':
        return this.predict(message.requestId, message.file);
      case 'transfer/saveProject':
        return this.saveProject(message.classes, message.head);
      case 'transfer/restoreProject':
        return this.restoreProject();
      case 'transfer/exportModel':
        return this.exportModel();
      case 'transfer/importModel':
        return this.importModel(message.files);
      case 'transfer/measureRawPredict':
        return this.measureRawPredict(message.batches);
    }
  }

  private loadModel(source: Extract<TransferToWorker, { type: 'transfer/loadModel' }>['source']): Promise<BaseModel | null> {
    const previous = this.loading;
    this.loading = (async () => {
      await previous?.catch(() => null);
      await this.backendReady();
      this.post({ type: 'transfer/modelStatus', status: 'loading', progress: 0 });
      try {
        const loaded = await loadBaseModel(source, (progress) => this.post({ type: 'transfer/modelStatus', status: 'loading', progress }));
        if (this.base) {
          this.base.full.dispose();
          this.images.forEach((image) => delete image.embedding);
        }
        this.base = loaded;
        // Warm-up (shader compilation, wasm set-up), so the first images embed at full speed.
        tf.tidy(() => (loaded.truncated.predict(tf.zeros([1, 224, 224, 3])) as tf.Tensor).dataSync());
        this.post({ type: 'transfer/modelStatus', status: 'ready', progress: 1, from: loaded.from });
        return loaded;
      } catch (error) {
        const code = error instanceof ModelInvalid ? 'modelInvalid' : 'modelLoadFailed';
        this.post({ type: 'transfer/modelStatus', status: this.base ? 'ready' : 'error', progress: 0, code, detail: String(error) });
        return this.base;
      }
    })();
    return this.loading;
  }

  private async addImages(classId: string, files: File[]): Promise<void> {
    let done = 0;
    for (const file of files) {
      try {
        const { rgb, thumbnail, jpeg } = await decodeImage(file);
        const imageId = crypto.randomUUID();
        this.images.set(imageId, { rgb });
        await project.saveImage(imageId, { name: file.name, jpeg }).catch(() => undefined);
        this.post({ type: 'transfer/imageAdded', classId, imageId, name: file.name, thumbnail });
      } catch (error) {
        const code = error instanceof ImageRejected ? error.code : 'corrupt';
        this.post({ type: 'transfer/imageRejected', classId, name: file.name, code });
      }
      this.post({ type: 'transfer/addProgress', classId, done: ++done, total: files.length });
    }
  }

  /** Embeds every listed image that has no embedding yet, reporting progress and images/s; returns how many. */
  private async embedMissing(base: BaseModel, imageIds: string[], jobId: number, started: number): Promise<number> {
    const missing = imageIds.filter((id) => this.images.get(id) && !this.images.get(id)!.embedding);
    const embedStart = performance.now();
    const progress = (embedded: number) =>
      this.post({
        type: 'transfer/trainProgress',
        jobId,
        phase: 'embedding',
        epoch: 0,
        epochs: 0,
        embedded,
        toEmbed: missing.length,
        imagesPerSec: embedded / Math.max(1e-3, (performance.now() - embedStart) / 1000),
        elapsedMs: performance.now() - started,
      });
    progress(0);
    const embeddings = await embedImages(base.truncated, missing.map((id) => this.images.get(id)!.rgb), progress);
    missing.forEach((id, n) => (this.images.get(id)!.embedding = embeddings[n]));
    return missing.length;
  }

  private labelled(examples: Example[]) {
    const usable = examples.filter((example) => this.images.get(example.imageId)?.embedding);
    return { embeddings: usable.map((e) => this.images.get(e.imageId)!.embedding!), labels: usable.map((e) => e.label), imageIds: usable.map((e) => e.imageId) };
  }

  private async train(jobId: number, classes: ClassRef[], head: HeadConfig): Promise<void> {
    const started = performance.now();
    if (classes.length < 2) return this.post({ type: 'transfer/error', code: 'tooFewClasses', jobId });
    if (classes.some((c) => c.imageIds.filter((id) => this.images.has(id)).length === 0)) return this.post({ type: 'transfer/error', code: 'emptyClass', jobId });
    const base = this.base ?? (await this.loading);
    if (!base) return this.post({ type: 'transfer/error', code: 'noModel', jobId });
    this.job = { id: jobId, stop: false };
    const job = this.job;
    try {
      const embeddedImages = await this.embedMissing(base, classes.flatMap((c) => c.imageIds), jobId, started);
      const embedDone = performance.now();
      const split = splitByClass(classes.map((c) => c.imageIds.filter((id) => this.images.has(id))), head.validationSplit, head.seed);
      const train = this.labelled(split.train);
      const validation = this.labelled(split.validation);
      disposeModel(this.head?.model ?? null);
      this.head = null;
      const model = buildHead(head, classes.length);
      const stopped = await fitHead(model, head, train, validation, classes.length, {
        onEpochEnd: (epoch, logs) =>
          this.post({ type: 'transfer/trainProgress', jobId, phase: 'training', epoch: epoch + 1, epochs: head.epochs, logs, elapsedMs: performance.now() - started }),
        shouldStop: () => job.stop,
      });
      const trainMs = performance.now() - embedDone;
      const evaluation = evaluate(model, validation, classes.length);
      this.head = { model, labels: classes.map((c) => c.name), config: head };
      this.imported = null;
      await this.saveHead(classes, head);
      const timings = { embeddedImages, embedMs: embedDone - started, trainMs };
      this.post({ type: 'transfer/trainDone', jobId, phase: stopped ? 'stopped' : 'done', evaluation, elapsedMs: performance.now() - started, timings });
    } catch (error) {
      this.post({ type: 'transfer/error', code: 'trainFailed', jobId, detail: String(error) });
    } finally {
      if (this.job === job) this.job = null;
    }
  }

  private async predict(requestId: number, file: Blob): Promise<void> {
    const base = this.base;
    const classifier = this.imported ?? this.head;
    if (!classifier || (!this.imported && !base)) return this.post({ type: 'transfer/error', code: 'noModel', requestId });
    try {
      const { rgb } = await decodeImage(file);
      let probabilities: Float32Array;
      if (this.imported) {
        const model = this.imported.model;
        probabilities = tf.tidy(() => (model.predict(preprocess([rgb])) as tf.Tensor).dataSync() as Float32Array).slice();
      } else {
        const [embedding] = await embedImages(base!.truncated, [rgb]);
        [probabilities] = predictProbabilities(this.head!.model, [embedding]);
      }
      this.post({ type: 'transfer/prediction', requestId, probabilities, labels: classifier.labels });
    } catch (error) {
      this.post({ type: 'transfer/error', code: 'predictFailed', requestId, detail: error instanceof ImageRejected ? error.code : String(error) });
    }
  }

  private async saveProject(classes: ClassRef[], head: HeadConfig): Promise<void> {
    const trainedLabels = this.head?.labels ?? null;
    await project.saveProject({ classes, head, trainedLabels }).catch(() => undefined);
  }

  private async saveHead(classes: ClassRef[], head: HeadConfig): Promise<void> {
    try {
      await this.head!.model.save(project.HEAD_URL);
      await project.saveProject({ classes, head, trainedLabels: this.head!.labels });
    } catch {
      // Saving is a convenience: the trained head still works in this session.
    }
  }

  /** Reads the saved project back: images (decoded again), classes, settings, the trained head. */
  private async restoreProject(): Promise<void> {
    const saved = await project.loadProject().catch(() => undefined);
    if (!saved) return this.post({ type: 'transfer/projectRestored', classes: [], head: null, trainedLabels: null });
    // Images of classes deleted (and not undone) in an earlier session go now.
    await project.pruneImages(new Set(saved.classes.flatMap((c) => c.imageIds))).catch(() => undefined);
    const classes: RestoredClass[] = [];
    for (const stored of saved.classes) {
      const images: RestoredClass['images'] = [];
      for (const id of stored.imageIds) {
        const record = await project.loadImage(id).catch(() => undefined);
        if (!record) continue;
        const { rgb, thumbnail } = await decodeImage(record.jpeg);
        this.images.set(id, { rgb });
        images.push({ id, name: record.name, thumbnail });
      }
      classes.push({ id: stored.id, name: stored.name, images });
    }
    let trainedLabels: string[] | null = null;
    if (saved.trainedLabels) {
      try {
        const model = await tf.loadLayersModel(project.HEAD_URL);
        this.head = { model, labels: saved.trainedLabels, config: saved.head };
        trainedLabels = saved.trainedLabels;
      } catch {
        trainedLabels = null;
      }
    }
    this.post({ type: 'transfer/projectRestored', classes, head: saved.head, trainedLabels });
  }

  private async exportModel(): Promise<void> {
    const base = this.base;
    if (!base || !this.head) return this.post({ type: 'transfer/error', code: 'noModel' });
    try {
      const files = await exportClassifier(combine(base.truncated, this.head.model), metadataFor(this.head.labels, this.head.config));
      this.post({ type: 'transfer/modelExported', files });
    } catch (error) {
      this.post({ type: 'transfer/error', code: 'exportFailed', detail: String(error) });
    }
  }

  private async importModel(files: File[]): Promise<void> {
    await this.backendReady();
    try {
      const { model, metadata } = await importClassifier(files);
      this.imported?.model.dispose();
      this.imported = { model, labels: metadata.labels };
      this.post({ type: 'transfer/modelImported', labels: metadata.labels });
    } catch (error) {
      this.post({ type: 'transfer/error', code: 'importFailed', detail: String(error) });
    }
  }

  /** Benchmark: images/s of plain predict on the truncated base (batch 16, inputs already tensors). */
  private async measureRawPredict(batches: number): Promise<void> {
    const base = this.base ?? (await this.loading);
    if (!base) return this.post({ type: 'transfer/error', code: 'noModel' });
    const input = tf.randomUniform([16, 224, 224, 3], -1, 1);
    const once = async () => {
      const output = base.truncated.predict(input) as tf.Tensor;
      await output.data();
      output.dispose();
    };
    await once(); // warm-up: shader compilation, wasm set-up
    const start = performance.now();
    for (let n = 0; n < batches; n++) await once();
    const seconds = (performance.now() - start) / 1000;
    input.dispose();
    this.post({ type: 'transfer/rawPredictMeasured', imagesPerSec: (batches * 16) / seconds, backend: tf.getBackend() });
  }
}
