/**
 * The studio's side of the worker: the jobs the page asks for (load, add images, train, predict,
 * save and restore, export and import, explain). Its state lives in StudioBase (studioBase.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassRef, TransferToWorker } from '../../../worker/protocol';
import { baseSpec, LEGACY_BASE, type BaseId } from '../bases';
import { refits, type HeadConfig } from '../meta';
import { decodeImage, ImageRejected } from './decode';
import { embedImages } from './embed';
import { explain } from './explain';
import { augmentPreview } from './augmentPreview';
import { buildTail, cutLayerFor, fineTune, predictImages } from './finetune';
import { buildHead, Diverged, disposeModel, evaluateProbabilities, fitHead, predictProbabilities } from './head';
import { loadBaseModel, ModelInvalid, type BaseModel } from './model';
import { ModelFilesRefused } from './modelFiles';
import * as project from './projectStore';
import { splitByClass } from './split';
import { measureEmbed, measureRawPredict } from './measure';
import { verifyBackend } from './numericsCheck';
import { predictTinyVgg, trainTinyVgg } from './vgg';
import { isHeadOnly, type Trained } from './studioView';
import { EmbeddingMapper } from './embeddingMapJob';
import { LayerExplorer } from './layerMaps';
import { EAGER_BATCH } from './studioBase';
import { ProjectStudio } from './projectStudio';


export class TransferStudio extends ProjectStudio {
  /** saves photos as they are added, and reads them back (projectStore.ts's contract) */
  /** the browser refused to save the trained classifier (tried again with the photos) */
  private trainedUnsaved = false;
  async handle(message: TransferToWorker): Promise<void> {
    switch (message.type) {
      case 'transfer/loadModel':
        await this.loadModel(message.source, message.base);
        return;
      case 'transfer/addImages':
        return this.addImages(message.classId, message.files);
      case 'transfer/removeImages':
        message.imageIds.forEach((id) => this.images.delete(id));
        return this.persistence.remove(message.imageIds);
      case 'transfer/train':
        return this.train(message.jobId, message.classes, message.head);
      case 'transfer/trainScratch':
        return this.trainScratch(message.jobId, message.classes, message.head);
      case 'transfer/stop':
        if (this.job?.id === message.jobId) this.job.stop = true;
        return;
      case 'transfer/predict':
        return this.predict(message.requestId, message.file, message.classes);
      case 'transfer/restoreProject':
        return this.restoreProject(message.classIds, message.base);
      case 'transfer/retrySaves':
        await this.persistence.retry();
        if (this.trainedUnsaved && this.trained) await this.saveTrained();
        return;
      case 'transfer/exportModel':
        return this.exportModel();
      case 'transfer/importModel':
        return this.importModel(message.files, message.classes);
      case 'transfer/exportDataset':
        return this.exportDataset(message.classes, message.head);
      case 'transfer/saveProject': case 'transfer/readProject': case 'transfer/openProject':
        return this.handleProject(message);
      case 'transfer/embeddingMap':
        this.mapper ??= new EmbeddingMapper(this.view(), (base, imageIds) => this.cacheEmbeddings(base, imageIds));
        return this.mapper.request(message.requestId, message.classes);
      case 'transfer/augmentPreview':
        return augmentPreview(this.view(), message, this.backendReady);
      case 'transfer/explain':
        return explain(this.view(), message);
      case 'transfer/layerMaps':
      case 'transfer/layerCell':
        return (this.layerExplorer ??= new LayerExplorer(this.view())).handle(message);
      case 'transfer/measureRawPredict': {
        const base = await this.loadedBase();
        if (!base) return this.post({ type: 'transfer/error', code: 'noModel' });
        const loaded = [...this.images.values()].slice(0, message.batches * 16).map((image) => image.rgb);
        const embedImagesPerSec = await measureEmbed(base.truncated, loaded);
        return this.post({ type: 'transfer/rawPredictMeasured', ...(await measureRawPredict(base.truncated, message.batches)), embedImagesPerSec });
      }
    }
  }

  /**
   * Loads a base (after any load in progress). A new base replaces the old one: the images stay, their
   * embeddings go (made again at once, in the background) and so does a head trained on another base.
   * A base that fails to load leaves the current one in use.
   */
  private loadModel(source: Extract<TransferToWorker, { type: 'transfer/loadModel' }>['source'], baseId: BaseId): Promise<BaseModel | null> {
    const previous = this.loading;
    const spec = baseSpec(baseId);
    this.loading = (async () => {
      await previous?.catch(() => null);
      await this.backendReady();
      this.post({ type: 'transfer/modelStatus', status: 'loading', progress: 0, base: spec.id });
      try {
        const loaded = await loadBaseModel(source, (progress) => this.post({ type: 'transfer/modelStatus', status: 'loading', progress, base: spec.id }), spec);
        if (this.base) {
          this.base.full.dispose();
          this.lowers.clear(); // they share the old base's layers, disposed with it
          this.images.forEach((image) => delete image.embedding);
        }
        if (this.trained && this.trained.base !== spec.id) this.disposeTrained();
        this.base = loaded;
        this.baseSource = source;
        // Warm-up (shader compilation, wasm set-up), so the first images embed at full speed.
        tf.tidy(() => (loaded.truncated.predict(tf.zeros([1, 224, 224, 3])) as tf.Tensor).dataSync());
        const numerics = await verifyBackend(loaded.truncated, this.fallBack, this.post);
        this.post({ type: 'transfer/modelStatus', status: 'ready', progress: 1, from: loaded.from, numerics, base: spec.id });
        void this.embedEagerly([...this.images.keys()]);
        return loaded;
      } catch (error) {
        const refused = error instanceof ModelFilesRefused && error.code !== 'importFailed' ? error.code : null;
        const code = refused ?? (error instanceof ModelInvalid || error instanceof ModelFilesRefused ? 'modelInvalid' : 'modelLoadFailed');
        this.post({ type: 'transfer/modelStatus', status: this.base ? 'ready' : 'error', progress: 0, code, detail: error instanceof ModelFilesRefused ? error.detail : String(error), base: this.base?.spec.id ?? spec.id });
        return this.base;
      }
    })();
    return this.loading;
  }

  /**
   * Decodes each file and saves it (the next one decodes while the last is written); each photo is
   * posted to the page once its save has committed, in the order given, so a photo shown is a
   * photo saved (or one shown as not saved). Embedding starts at once, in batches.
   */
  private async addImages(classId: string, files: File[]): Promise<void> {
    let done = 0;
    const added: string[] = [];
    let shown: Promise<void> = Promise.resolve();
    const progress = () => this.post({ type: 'transfer/addProgress', classId, done: ++done, total: files.length });
    for (const file of files) {
      try {
        const { rgb, thumbnail, jpeg } = await decodeImage(file);
        const imageId = crypto.randomUUID();
        this.images.set(imageId, { rgb });
        const saving = this.persistence.save(imageId, classId, file.name, jpeg);
        shown = shown.then(async () => {
          const saved = await saving;
          this.post({ type: 'transfer/imageAdded', classId, imageId, name: file.name, thumbnail, saved });
          progress();
        });
        added.push(imageId);
        if (added.length >= EAGER_BATCH) await this.embedEagerly(added.splice(0));
      } catch (error) {
        const code = error instanceof ImageRejected ? error.code : 'corrupt';
        shown = shown.then(() => {
          this.post({ type: 'transfer/imageRejected', classId, name: file.name, code });
          progress();
        });
      }
    }
    // The last images are queued for embedding at once: a Train sent as soon as the page lists
    // them then waits for this batch instead of embedding it again.
    const tail = this.embedEagerly(added);
    await shown;
    await tail;
  }

  /** Embeds every listed image that has no embedding yet, reporting progress and images/s; returns how many. */
  private async embedMissing(base: BaseModel, imageIds: string[], jobId: number, started: number): Promise<number> {
    const missing = imageIds.filter((id) => this.images.get(id) && !this.images.get(id)!.embedding);
    const embedStart = performance.now();
    const progress = (embedded: number) =>
      this.post({
        type: 'transfer/trainProgress',
        run: 'transfer',
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

  private async train(jobId: number, classes: ClassRef[], head: HeadConfig): Promise<void> {
    const started = performance.now();
    const present = this.check(classes, jobId);
    if (!present) return;
    const base = await this.loadedBase();
    if (!base) return this.post({ type: 'transfer/error', code: 'noModel', jobId });
    const job = (this.job = { id: jobId, stop: false });
    /** the classifier being trained; the one trained before stays until this one is done */
    let fresh: tf.LayersModel | null = null;
    try {
      await this.eager;
      const embeddedImages = await this.embedMissing(base, present.flat(), jobId, started);
      const embedDone = performance.now();
      const split = splitByClass(present, head.validationSplit, head.seed);
      const validation = this.labelled(split.validation);
      // The top blocks of the base (at most as many as it has: 13 for MobileNet v1, 17 for v2) train
      // after the head; on a base not fine-tuned here (BaseSpec.fineTunes: none so far) the head trains alone.
      const blocks = Math.min(head.fineTuneBlocks, base.spec.blocks);
      const fineTuning = blocks > 0 && head.fineTuneEpochs > 0 && base.spec.fineTunes;
      // The refit (refits in meta.ts, as the generated code): the head again, from the same first weights, on every photo.
      const refitting = refits(head) && split.validation.length > 0;
      // The curves' epochs (the refit reports its own epochs, 1 … head.epochs, as the 'refitting' phase).
      const epochs = head.epochs + (fineTuning ? head.fineTuneEpochs : 0);
      const model = (fresh = buildHead(head, classes.length, base.spec.embeddingShape));
      let stopped = await fitHead(model, head, this.labelled(split.train), validation, classes.length, this.callbacks('transfer', jobId, 'training', 0, epochs, started, job));
      let trained: Trained = { tail: model, cut: base.spec.cutLayer, labels: classes.map((c) => c.name), config: head, base: base.spec.id };
      let probabilities: Float32Array[];
      if (fineTuning && !stopped) {
        const cut = cutLayerFor(blocks, base.spec);
        trained = { ...trained, tail: (fresh = buildTail(base.full, blocks, model, base.spec)), cut };
        disposeModel(model);
        this.post({ type: 'transfer/trainProgress', run: 'transfer', jobId, phase: 'fineTuning', epoch: head.epochs, epochs, elapsedMs: performance.now() - started });
        const baseNames = new Set(base.full.layers.map((layer) => layer.name));
        const callbacks = this.callbacks('transfer', jobId, 'fineTuning', head.epochs, epochs, started, job);
        stopped = await fineTune(this.lower(base, cut), trained.tail, head, baseNames, this.pictures(split.train), this.pictures(split.validation), classes.length, callbacks);
        probabilities = await predictImages(this.lower(base, cut), trained.tail, this.pictures(split.validation).images);
      } else {
        probabilities = predictProbabilities(model, validation.embeddings);
        if (refitting && !stopped) {
          const refit = await this.refit(jobId, head, classes.length, [...split.train, ...split.validation], base.spec.embeddingShape, { started, job });
          if (refit) {
            trained = { ...trained, tail: (fresh = refit) };
            disposeModel(model);
          } else stopped = true; // stopped during the refit: the head of the first run stays
        }
      }
      const trainMs = performance.now() - embedDone;
      const evaluation = evaluateProbabilities(probabilities, validation.labels, validation.imageIds, classes.length);
      this.disposeTrained();
      this.trained = trained;
      fresh = null;
      this.imported = null;
      await this.saveTrained();
      const timings = { embeddedImages, embedMs: embedDone - started, trainMs };
      this.post({ type: 'transfer/trainDone', run: 'transfer', jobId, phase: stopped ? 'stopped' : 'done', evaluation, elapsedMs: performance.now() - started, timings, fineTunedBlocks: isHeadOnly(trained) ? 0 : blocks });
    } catch (error) {
      disposeModel(fresh);
      this.post({ type: 'transfer/error', code: error instanceof Diverged ? 'diverged' : 'trainFailed', jobId, detail: String(error) });
    } finally {
      if (this.job === job) this.job = null;
    }
  }

  /** The contrast: a Tiny VGG from random weights on the same images, split and settings (no base model needed). */
  private async trainScratch(jobId: number, classes: ClassRef[], head: HeadConfig): Promise<void> {
    const started = performance.now();
    const present = this.check(classes, jobId);
    if (!present) return;
    const job = (this.job = { id: jobId, stop: false });
    try {
      await this.backendReady();
      const split = splitByClass(present, head.validationSplit, head.seed);
      const validation = this.pictures(split.validation);
      disposeModel(this.scratch);
      this.scratch = null;
      const callbacks = this.callbacks('scratch', jobId, 'training', 0, head.epochs, started, job);
      const { model, stopped } = await trainTinyVgg(head, this.pictures(split.train), validation, classes.length, callbacks);
      this.scratch = model;
      const evaluation = evaluateProbabilities(predictTinyVgg(model, validation.images), validation.labels, validation.imageIds, classes.length);
      const elapsedMs = performance.now() - started;
      this.post({ type: 'transfer/trainDone', run: 'scratch', jobId, phase: stopped ? 'stopped' : 'done', evaluation, elapsedMs, timings: { embeddedImages: 0, embedMs: 0, trainMs: elapsedMs }, fineTunedBlocks: 0 });
    } catch (error) {
      this.post({ type: 'transfer/error', code: error instanceof Diverged ? 'diverged' : 'trainFailed', jobId, detail: String(error) });
    } finally {
      if (this.job === job) this.job = null;
    }
  }

  /** Saves the trained classifier; a refusal (storage full) is said, and it still works in this session. */
  private async saveTrained(): Promise<void> {
    const { tail, labels, cut, config, base } = this.trained!;
    try {
      await project.saveTrained(tail, { labels, cut, config, base });
      this.trainedUnsaved = false;
    } catch (error) {
      this.trainedUnsaved = true;
      const refused = project.refusal(error);
      this.post({ type: 'transfer/storageRefused', what: 'trained', code: refused.code, imageIds: [], detail: refused.message });
    }
  }

  /** Reads the saved project back: the photos (decoded again) and the trained head, if it sits on `base`. */
  private async restoreProject(classIds: string[] | null, base: BaseId): Promise<void> {
    const { images, legacy } = await this.persistence.restore(classIds, this.images);
    void this.embedEagerly(images.map((image) => image.id)); // for instant predictions (with a base loaded; else loadModel does it)
    const saved = await project.loadTrained().catch(() => undefined);
    const savedBase = saved?.base ?? LEGACY_BASE;
    let trainedLabels: string[] | null = null;
    if (saved && savedBase !== base) {
      trainedLabels = null;
    } else if (saved && !this.trained) {
      try {
        const tail = await tf.loadLayersModel(project.HEAD_URL);
        // Weights saved without their record (a reload between the two writes) do not match it: left unused.
        if (tail.outputs[0].shape.at(-1) !== saved.labels.length) {
          disposeModel(tail);
          throw new Error('trained head and its record disagree');
        }
        this.trained = { tail, cut: saved.cut, labels: saved.labels, config: saved.config, base: savedBase };
        trainedLabels = saved.labels;
      } catch {
        trainedLabels = null;
      }
    } else if (this.trained) {
      trainedLabels = this.trained.labels;
    }
    this.post({ type: 'transfer/projectRestored', images, legacy, trainedLabels, otherBase: saved && savedBase !== base ? savedBase : null });
  }

  /**
   * The backend changed under the studio (its WebGL context was lost): every tensor on the old one
   * is gone. The base model, the trained classifier (saved in IndexedDB) and an imported one load
   * again on the new backend; images and cached embeddings are plain arrays and stay.
   */
  async backendChanged(): Promise<void> {
    await this.backendReady();
    const source = this.baseSource;
    const baseId = this.base?.spec.id ?? LEGACY_BASE;
    const trained = this.trained;
    const importedFiles = this.imported ? this.importedFiles : null;
    this.base = null;
    this.loading = null;
    this.lowers.clear();
    this.trained = null;
    this.scratch = null;
    this.imported = null;
    if (source) await this.loadModel(source, baseId);
    if (trained) {
      try {
        this.trained = { ...trained, tail: await tf.loadLayersModel(project.HEAD_URL) };
      } catch {
        // Not saved (private window, full disk): training again makes a new one.
      }
    }
    if (importedFiles) await this.importModel(importedFiles);
  }
}
