/**
 * The studio's side of the worker: the base model, the images (224² RGB, never sent back), their
 * cached embeddings, the trained head, and the jobs (train, predict) the page asks for.
 */
import type { ClassRef, FromWorker, TransferToWorker } from '../../../worker/protocol';
import type { HeadConfig } from '../meta';
import { decodeImage, ImageRejected } from './decode';
import { embedImages } from './embed';
import { buildHead, disposeModel, evaluate, fitHead, predictProbabilities } from './head';
import { loadBaseModel, ModelInvalid, type BaseModel } from './model';
import { splitByClass, type Example } from './split';
import type * as tf from '@tensorflow/tfjs';

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
  private head: tf.LayersModel | null = null;
  private job: { id: number; stop: boolean } | null = null;
  private nextImageId = 1;

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
        return;
      case 'transfer/train':
        return this.train(message.jobId, message.classes, message.head);
      case 'transfer/stop':
        if (this.job?.id === message.jobId) this.job.stop = true;
        return;
      case 'transfer/predict':
        return this.predict(message.requestId, message.file);
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
        const { rgb, thumbnail } = await decodeImage(file);
        const imageId = `img${this.nextImageId++}`;
        this.images.set(imageId, { rgb });
        this.post({ type: 'transfer/imageAdded', classId, imageId, name: file.name, thumbnail });
      } catch (error) {
        const code = error instanceof ImageRejected ? error.code : 'corrupt';
        this.post({ type: 'transfer/imageRejected', classId, name: file.name, code });
      }
      this.post({ type: 'transfer/addProgress', classId, done: ++done, total: files.length });
    }
  }

  /** Embeds every listed image that has no embedding yet, reporting progress and images/s. */
  private async embedMissing(base: BaseModel, imageIds: string[], jobId: number, started: number): Promise<void> {
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
      await this.embedMissing(base, classes.flatMap((c) => c.imageIds), jobId, started);
      const split = splitByClass(classes.map((c) => c.imageIds.filter((id) => this.images.has(id))), head.validationSplit, head.seed);
      const train = this.labelled(split.train);
      const validation = this.labelled(split.validation);
      disposeModel(this.head);
      const model = buildHead(head, classes.length);
      this.head = model;
      const stopped = await fitHead(model, head, train, validation, classes.length, {
        onEpochEnd: (epoch, logs) =>
          this.post({ type: 'transfer/trainProgress', jobId, phase: 'training', epoch: epoch + 1, epochs: head.epochs, logs, elapsedMs: performance.now() - started }),
        shouldStop: () => job.stop,
      });
      const evaluation = evaluate(model, validation, classes.length);
      this.post({ type: 'transfer/trainDone', jobId, phase: stopped ? 'stopped' : 'done', evaluation, elapsedMs: performance.now() - started });
    } catch (error) {
      this.post({ type: 'transfer/error', code: 'trainFailed', jobId, detail: String(error) });
    } finally {
      if (this.job === job) this.job = null;
    }
  }

  private async predict(requestId: number, file: Blob): Promise<void> {
    const base = this.base;
    if (!base || !this.head) return this.post({ type: 'transfer/error', code: 'noModel', requestId });
    try {
      const { rgb } = await decodeImage(file);
      const [embedding] = await embedImages(base.truncated, [rgb]);
      const [probabilities] = predictProbabilities(this.head, [embedding]);
      this.post({ type: 'transfer/prediction', requestId, probabilities });
    } catch (error) {
      this.post({ type: 'transfer/error', code: 'predictFailed', requestId, detail: error instanceof ImageRejected ? error.code : String(error) });
    }
  }
}
