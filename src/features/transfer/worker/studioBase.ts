/**
 * The studio's state in the worker — the base model, the images (224² RGB, never sent back), their
 * cached embeddings, the classifiers — and the small helpers the jobs share. TransferStudio
 * (studio.ts) adds the jobs the page asks for.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassRef, FromWorker, TrainPhase, TrainRun, TransferToWorker } from '../../../worker/protocol';
import { decodeImage, ImageRejected } from './decode';
import { embedImages, preprocess } from './embed';
import type { EmbeddingMapper } from './embeddingMapJob';
import { lowerModel, predictImages } from './finetune';
import { buildHead, disposeModel, fitHead, predictProbabilities, type FitCallbacks } from './head';
import type { LayerExplorer } from './layerMaps';
import type { BaseModel } from './model';
import type { Example } from './split';
import type { HeadConfig } from '../meta';
import { InstantFeatures } from './instant';
import { isHeadOnly, type StudioView, type Trained } from './studioView';

export interface StoredImage {
  /** 224 × 224 × 3 RGB */
  rgb: Uint8Array;
  /** the base's output for it, once computed: 7 × 7 × 256 */
  embedding?: Float32Array;
}

/** Newly added images are embedded in batches of this many (the embedding batch size). */
export const EAGER_BATCH = 16;

export abstract class StudioBase {
  protected base: BaseModel | null = null;
  protected loading: Promise<BaseModel | null> | null = null;
  protected readonly images = new Map<string, StoredImage>();
  /** the classifier trained here (or restored): the base up to `cut`, then `tail` (the head, or fine-tuned blocks + head) */
  protected trained: Trained | null = null;
  /** the Tiny VGG trained from scratch for comparison */
  protected scratch: tf.LayersModel | null = null;
  /** the frozen base up to each cut layer in use */
  protected readonly lowers = new Map<string, tf.LayersModel>();
  /** a classifier imported from files (base + head in one), used for predictions instead */
  protected imported: { model: tf.LayersModel; labels: string[]; release: () => void } | null = null;
  /** where the base model came from, and the files of the imported classifier: to load them again on a new backend */
  protected baseSource: Extract<TransferToWorker, { type: 'transfer/loadModel' }>['source'] | null = null;
  protected importedFiles: File[] | null = null;
  protected job: { id: number; stop: boolean } | null = null;
  /** answers the embedding map's requests (made on first use) */
  protected mapper: EmbeddingMapper | null = null;
  /** answers the layer explorer's requests (made on first use) */
  protected layerExplorer: LayerExplorer | null = null;
  /** eager embedding in progress (Train waits for it rather than embedding the same images twice) */
  protected eager: Promise<void> = Promise.resolve();
  /** the cached embeddings' pooled features, for instant predictions (instant.ts) */
  private readonly instant = new InstantFeatures();

  /**
   * Read access for features that only look (Grad-CAM, layer maps, the embedding map): they get
   * this view and change nothing the studio owns.
   */
  /** The base in use, or the one loading once it has loaded (null: none, or its load failed). */
  protected async loadedBase(): Promise<BaseModel | null> {
    return this.base ?? (await this.loading?.catch(() => null)) ?? null;
  }

  view(): StudioView {
    return {
      base: () => this.loadedBase(),
      trained: () => this.trained,
      scratch: () => this.scratch,
      rgb: (imageId) => this.images.get(imageId)?.rgb,
      embedding: (imageId) => this.images.get(imageId)?.embedding,
      lower: (base, cut) => (cut === base.spec.cutLayer ? base.truncated : this.lower(base, cut)),
      post: this.post,
    };
  }

  constructor(
    protected readonly post: (message: FromWorker) => void,
    /** resolves once a tfjs backend is active */
    protected readonly backendReady: () => Promise<void>,
    /** moves to the next backend when the active one's numbers disagree with cpu's */
    protected readonly fallBack: (detail: string) => Promise<void> = async () => undefined,
  ) {}

  protected labelled(examples: Example[]) {
    const usable = examples.filter((example) => this.images.get(example.imageId)?.embedding);
    return { embeddings: usable.map((e) => this.images.get(e.imageId)!.embedding!), labels: usable.map((e) => e.label), imageIds: usable.map((e) => e.imageId) };
  }

  protected pictures(examples: Example[]) {
    const usable = examples.filter((example) => this.images.has(example.imageId));
    return { images: usable.map((e) => this.images.get(e.imageId)!.rgb), labels: usable.map((e) => e.label), imageIds: usable.map((e) => e.imageId) };
  }

  protected lower(base: BaseModel, cut: string): tf.LayersModel {
    if (!this.lowers.has(cut)) this.lowers.set(cut, lowerModel(base.full, cut));
    return this.lowers.get(cut)!;
  }

  /** The classes' images still present; an error code when training cannot start. */
  protected check(classes: ClassRef[], jobId: number): string[][] | null {
    const present = classes.map((c) => c.imageIds.filter((id) => this.images.has(id)));
    if (classes.length < 2) this.post({ type: 'transfer/error', code: 'tooFewClasses', jobId });
    else if (present.some((ids) => ids.length === 0)) this.post({ type: 'transfer/error', code: 'emptyClass', jobId });
    else return present;
    return null;
  }

  /** Posts each epoch's progress (with its logs for the curves unless `withLogs` is false) and passes Stop on. */
  protected callbacks(run: TrainRun, jobId: number, phase: TrainPhase, firstEpoch: number, epochs: number, started: number, job: { stop: boolean }, withLogs = true): FitCallbacks {
    return {
      onEpochEnd: (epoch, logs) =>
        this.post({ type: 'transfer/trainProgress', run, jobId, phase, epoch: firstEpoch + epoch + 1, epochs, ...(withLogs && { logs }), elapsedMs: performance.now() - started }),
      shouldStop: () => job.stop,
    };
  }

  /**
   * Trains a fresh head (the same seed, so the same first weights) on every example, reporting
   * progress as the 'refitting' phase, epochs 1 … head.epochs of its own, without curve points (there
   * is no validation set left); resolves to null when stopped.
   */
  protected async refit(jobId: number, head: HeadConfig, numClasses: number, examples: Example[], shape: readonly number[], run: { started: number; job: { stop: boolean } }): Promise<tf.LayersModel | null> {
    const model = buildHead(head, numClasses, shape);
    try {
      this.post({ type: 'transfer/trainProgress', run: 'transfer', jobId, phase: 'refitting', epoch: 0, epochs: head.epochs, elapsedMs: performance.now() - run.started });
      const callbacks = this.callbacks('transfer', jobId, 'refitting', 0, head.epochs, run.started, run.job, false);
      if (!(await fitHead(model, head, this.labelled(examples), { embeddings: [], labels: [] }, numClasses, callbacks))) return model;
    } catch (error) {
      disposeModel(model);
      throw error;
    }
    disposeModel(model);
    return null;
  }

  /** Frees the imported classifier (one rebuilt on the base frees only its own weights: the base's layers stay). */
  protected releaseImported(): void {
    this.imported?.release();
    this.imported = null;
  }

  protected disposeTrained(): void {
    if (this.trained) disposeModel(this.trained.tail);
    this.trained = null;
  }

  /**
   * Classifies a photo with the classifier imported or trained here (`source: 'trained'`; its labels,
   * even when the classes changed since), or else, before any training, by the nearest class mean
   * of `classes`' embedded photos (`source: 'instant'`; instant.ts), once two classes have one.
   */
  protected async predict(requestId: number, file: Blob, classes: ClassRef[] = []): Promise<void> {
    const base = await this.loadedBase();
    // (an imported classifier holds its own base; the others need the base loaded)
    if (!this.imported && !base) return this.post({ type: 'transfer/error', code: 'noModel', requestId });
    try {
      const { rgb } = await decodeImage(file);
      if (this.imported) {
        const model = this.imported.model;
        const probabilities = tf.tidy(() => (model.predict(preprocess([rgb])) as tf.Tensor).dataSync() as Float32Array).slice();
        return this.post({ type: 'transfer/prediction', requestId, probabilities, labels: this.imported.labels, source: 'trained' });
      }
      if (this.trained) return this.post({ type: 'transfer/prediction', requestId, probabilities: await this.classify(this.trained, base!, rgb), labels: this.trained.labels, source: 'trained' });
      const probabilities = await this.instantProbabilities(base!, rgb, classes);
      if (!probabilities) return this.post({ type: 'transfer/error', code: 'noModel', requestId });
      this.post({ type: 'transfer/prediction', requestId, probabilities, labels: classes.map((c) => c.name), source: 'instant' });
    } catch (error) {
      this.post({ type: 'transfer/error', code: 'predictFailed', requestId, detail: error instanceof ImageRejected ? error.code : String(error) });
    }
  }

  /**
   * The nearest-class-mean probabilities of a photo among `classes` (their photos embedded first,
   * unless a training run is embedding them); null while fewer than two classes have an embedded photo.
   */
  private async instantProbabilities(base: BaseModel, rgb: Uint8Array, classes: ClassRef[]): Promise<Float32Array | null> {
    await this.eager;
    if (!this.job) await this.cacheEmbeddings(base, classes.flatMap((c) => c.imageIds));
    const [query] = await embedImages(base.truncated, [rgb]);
    // (an embedding of another length is of a base replaced meanwhile)
    const embedded = classes.map((c) => c.imageIds.map((id) => this.images.get(id)?.embedding).filter((e): e is Float32Array => e?.length === query.length));
    return this.instant.probabilities(query, embedded, base.spec.embeddingShape[2]);
  }

  /** Class probabilities of one image with the trained classifier. */
  protected async classify(trained: Trained, base: BaseModel, rgb: Uint8Array): Promise<Float32Array> {
    if (!isHeadOnly(trained)) return (await predictImages(this.lower(base, trained.cut), trained.tail, [rgb]))[0];
    const [embedding] = await embedImages(base.truncated, [rgb]);
    return predictProbabilities(trained.tail, [embedding])[0];
  }

  /**
   * Embeds newly added images at once, while the page is still drawing their thumbnails (as
   * Teachable Machine embeds each example as it is added), so Train finds them ready. Only with a
   * base model loaded and no training running; whatever is skipped is embedded by Train.
   */
  protected embedEagerly(imageIds: string[]): Promise<void> {
    const base = this.base;
    if (!base || this.job || imageIds.length === 0) return Promise.resolve();
    this.eager = this.eager.then(() => this.cacheEmbeddings(base, imageIds)).then(() => undefined, () => undefined);
    return this.eager;
  }

  /** Embeds, in the background, the listed images with no embedding yet (as added, and for the embedding map); returns how many. */
  protected async cacheEmbeddings(base: BaseModel, imageIds: string[]): Promise<number> {
    const missing = imageIds.filter((id) => this.images.get(id) && !this.images.get(id)!.embedding);
    const embeddings = await embedImages(base.truncated, missing.map((id) => this.images.get(id)!.rgb));
    // Images removed meanwhile stay out; a base replaced meanwhile makes these embeddings stale.
    missing.forEach((id, n) => {
      const image = this.images.get(id);
      if (image && this.base === base) image.embedding = embeddings[n];
    });
    return missing.length;
  }
}
