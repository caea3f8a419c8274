/**
 * The worker's project-file jobs (the format: projectFile.ts). Save: the stored photos, the settings,
 * the base and the trained classifier as one zip. Read: a file checked and kept, its summary sent
 * for the page to confirm. Open: the file read replaces the project, and only once everything in
 * it has been checked (every photo decoded, the classifier loaded, its base loaded): until then
 * nothing the studio holds changes, so a bad file or an unavailable base loses nothing. The project
 * replaced is sent back as a project file, for the page's Undo.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassRef, ModelSource, RestoredImage, TransferToWorker } from '../../../worker/protocol';
import { BASES, baseSpec, type BaseId, type BaseSpec } from '../bases';
import type { HeadConfig } from '../meta';
import { PROJECT_FILE_NAME, type ProjectSummary } from '../projectMeta';
import { loadDataset } from './datasetZip';
import { decodeImage } from './decode';
import { cutLayerFor } from './finetune';
import { disposeModel } from './head';
import { Persistence } from './persistence';
import { savedArtifacts, weightBytes } from './artifacts';
import { MAX_PROJECT_BYTES, ProjectRefused, readProject, writeProject, type ModelArtifactsData, type Project } from './projectFile';
import type { WeightSpec } from './modelFiles';
import * as store from './projectStore';
import { ClassifierStudio } from './classifierStudio';
import type { Trained } from './studioView';

type ProjectMessage = Extract<TransferToWorker, { type: 'transfer/saveProject' | 'transfer/readProject' | 'transfer/openProject' }>;
type Current = { classes: ClassRef[]; head: HeadConfig; base: BaseId };

/** The model's topology, weight specs and weight bytes (nothing written anywhere). */
async function modelArtifacts(model: tf.LayersModel): Promise<ModelArtifactsData> {
  const saved = await savedArtifacts(model);
  const weightData = weightBytes(saved.weightData);
  return { modelTopology: saved.modelTopology as object, weightSpecs: saved.weightSpecs as WeightSpec[], weightData };
}

/** A layers model from its artifacts (a copy of the weight bytes: tfjs keeps them). */
function modelFrom(data: ModelArtifactsData): Promise<tf.LayersModel> {
  const weightData = data.weightData.slice().buffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: data.modelTopology, weightSpecs: data.weightSpecs as tf.io.WeightsManifestEntry[], weightData }));
}

/**
 * Refuses (projectCorrupt) a classifier that does not fit its labels or its base: checked before the
 * base is loaded, since loading another base drops the classifier in use. The tail starts at the
 * base's cut (a head on its embeddings) or at the cut below some top blocks (fine-tuned).
 */
function checkFits(tail: tf.LayersModel, labels: number, cut: string, spec: BaseSpec): void {
  if (tail.outputs[0].shape.at(-1) !== labels) throw new ProjectRefused('projectCorrupt', 'classifier and labels disagree');
  const cuts = Array.from({ length: spec.blocks + 1 }, (_, blocks) => cutLayerFor(blocks, spec));
  if (!cuts.includes(cut)) throw new ProjectRefused('projectCorrupt', `classifier: no cut ${cut} on ${spec.label}`);
  if (cut === spec.cutLayer && tail.inputs[0].shape.slice(1).join() !== spec.embeddingShape.join()) throw new ProjectRefused('projectCorrupt', 'the classifier does not fit its base');
}

const summaryOf = (project: Project): ProjectSummary => ({
  base: project.base,
  classes: project.classes.map((c) => ({ name: c.name, photos: c.photos.length })),
  trained: project.classifier !== null,
  head: project.head,
});

export abstract class ProjectStudio extends ClassifierStudio {
  /** saves the photos (added, or an opened project's, as projectStore.ts's contract asks) and retries those the browser refused */
  protected readonly persistence = new Persistence(this.post);
  /** the file read last, waiting for the page's go-ahead */
  private pendingProject: { requestId: number; project: Project } | null = null;

  /** The studio's own jobs (TransferStudio): loading a base goes through them. */
  abstract handle(message: TransferToWorker): Promise<void>;

  protected async handleProject(message: ProjectMessage): Promise<void> {
    const requestId = message.type === 'transfer/saveProject' ? null : message.requestId;
    try {
      if (message.type === 'transfer/saveProject') {
        const { project, photos, skipped } = await this.collect(message);
        if (photos === 0 && !project.classifier) throw new ProjectRefused('projectEmpty');
        const blob = new Blob([writeProject(project)], { type: 'application/zip' });
        this.post({ type: 'transfer/projectSaved', name: PROJECT_FILE_NAME, blob, photos, skipped });
      } else if (message.type === 'transfer/readProject') {
        if (message.file.size > MAX_PROJECT_BYTES) throw new ProjectRefused('projectTooLarge', `${Math.round(message.file.size / 1e6)} MB`);
        const { project } = readProject(new Uint8Array(await message.file.arrayBuffer()));
        this.pendingProject = { requestId: message.requestId, project };
        this.post({ type: 'transfer/projectRead', requestId: message.requestId, summary: summaryOf(project) });
      } else {
        await this.openProject(message.requestId, message.current, message.source);
      }
    } catch (error) {
      const refused = error instanceof ProjectRefused ? error : new ProjectRefused('projectFailed', String(error));
      this.post({ type: 'transfer/projectFailed', requestId, code: refused.code, detail: refused.detail });
    }
  }

  /** The project as it stands: the stored photos (those missing from the store counted in `skipped`) and the classifier on this base. */
  private async collect(current: Current): Promise<{ project: Project; photos: number; skipped: number }> {
    const { dataset, images, skipped } = await loadDataset(current.classes, (id) => store.loadImage(id).catch(() => undefined));
    const trained = this.trained;
    const classifier = trained && trained.base === current.base ? { labels: trained.labels, cut: trained.cut, config: trained.config, artifacts: await modelArtifacts(trained.tail) } : null;
    const classes = dataset.map((c) => ({ name: c.name, photos: c.images.map((image) => ({ name: image.name, bytes: image.bytes })) }));
    return { project: { base: current.base, head: current.head, classes, classifier }, photos: images, skipped };
  }

  private async openProject(requestId: number, current: Current, source: ModelSource): Promise<void> {
    const pending = this.pendingProject;
    if (!pending || pending.requestId !== requestId) throw new ProjectRefused('projectFailed', 'read the file first');
    if (this.job) throw new ProjectRefused('projectFailed', 'a run is in progress');
    this.pendingProject = null;
    const { project } = pending;
    await this.backendReady();
    // 1. Everything in the file, checked: each photo decoded, the classifier loaded.
    const decoded: { rgb: Uint8Array; thumbnail: Blob; jpeg: Blob }[][] = [];
    for (const c of project.classes) {
      const photos = [];
      for (const photo of c.photos) {
        const jpeg = new Blob([photo.bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' });
        const image = await decodeImage(jpeg).catch(() => {
          throw new ProjectRefused('projectCorrupt', `${c.name}: ${photo.name}`);
        });
        photos.push({ rgb: image.rgb, thumbnail: image.thumbnail, jpeg });
      }
      decoded.push(photos);
    }
    const tail = project.classifier ? await modelFrom(project.classifier.artifacts).catch((error) => Promise.reject(new ProjectRefused('projectCorrupt', `classifier: ${String(error)}`))) : null;
    try {
      if (tail) checkFits(tail, project.classifier!.labels.length, project.classifier!.cut, baseSpec(project.base));
      // 2. The project replaced, as a file (for Undo), before anything changes.
      const replaced = await this.collect(current);
      const undo = replaced.photos > 0 || replaced.project.classifier ? new Blob([writeProject(replaced.project)], { type: 'application/zip' }) : null;
      // 3. Its base: loaded unless in use; a base that does not load leaves everything as it was.
      let base = await this.loadedBase();
      if (base?.spec.id !== project.base) {
        await this.handle({ type: 'transfer/loadModel', source, base: project.base });
        base = this.base;
        if (base?.spec.id !== project.base) throw new ProjectRefused('projectBaseUnavailable', BASES[project.base].label);
      }
      const trained: Trained | null = tail && { tail, cut: project.classifier!.cut, labels: project.classifier!.labels, config: project.classifier!.config, base: project.base };
      // 4. The new project: photos saved under new ids (shown once saved), the classifier kept and saved.
      const classes = project.classes.map((c) => ({ id: crypto.randomUUID(), name: c.name }));
      const images: RestoredImage[] = [];
      for (const [k, photos] of decoded.entries()) {
        for (const [n, photo] of photos.entries()) {
          const id = crypto.randomUUID();
          this.images.set(id, { rgb: photo.rgb });
          await this.persistence.save(id, classes[k].id, project.classes[k].photos[n].name, photo.jpeg);
          images.push({ classId: classes[k].id, id, name: project.classes[k].photos[n].name, thumbnail: photo.thumbnail });
        }
      }
      this.replaceClassifier(trained);
      await this.storeClassifier(trained);
      void this.embedEagerly(images.map((image) => image.id));
      this.post({ type: 'transfer/projectOpened', requestId, classes, images, head: project.head, base: project.base, trainedLabels: trained?.labels ?? null, undo });
    } catch (error) {
      if (this.trained?.tail !== tail) disposeModel(tail);
      throw error;
    }
  }

  /** The opened classifier replaces the one trained, an imported one and the Tiny VGG (they belong to the project replaced). */
  private replaceClassifier(trained: Trained | null): void {
    this.disposeTrained();
    this.trained = trained;
    disposeModel(this.scratch);
    this.scratch = null;
    this.releaseImported();
    this.importedFiles = null;
  }

  /** Saves the classifier for the next session, or forgets the saved one (the project opened has none). */
  private async storeClassifier(trained: Trained | null): Promise<void> {
    try {
      if (trained) await store.saveTrained(trained.tail, { labels: trained.labels, cut: trained.cut, config: trained.config, base: trained.base });
      else await store.clearTrained();
    } catch (error) {
      const refused = store.refusal(error);
      this.post({ type: 'transfer/storageRefused', what: 'trained', code: refused.code, imageIds: [], detail: refused.message });
    }
  }
}
