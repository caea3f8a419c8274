/**
 * The studio's classifier files: export the trained classifier, import one (exported by the studio,
 * or train.py's: trainedFiles.ts), and export the photos as a zip with train.py and the base.
 */
import type { ClassRef } from '../../../worker/protocol';
import type { HeadConfig } from '../meta';
import { baseFiles } from './baseFiles';
import { combine, exportClassifier, importClassifier, ImportInvalid, metadataFor, otherLabels } from './classifierFile';
import { buildDatasetZip, DATASET_ZIP_NAME, DatasetRefused, loadDataset } from './datasetZip';
import * as project from './projectStore';
import { StudioBase } from './studioBase';
import { isHeadOnly } from './studioView';
import { importTrained, isTrainedFiles } from './trainedFiles';

export abstract class ClassifierStudio extends StudioBase {
  protected async exportModel(): Promise<void> {
    const base = this.base;
    const trained = this.trained;
    if (!base || !trained) return this.post({ type: 'transfer/error', code: 'noModel' });
    try {
      const lower = isHeadOnly(trained) ? base.truncated : this.lower(base, trained.cut);
      const fineTunedBlocks = isHeadOnly(trained) ? 0 : Math.min(trained.config.fineTuneBlocks, base.spec.blocks);
      const files = await exportClassifier(combine(lower, trained.tail), metadataFor(trained.labels, trained.config, fineTunedBlocks, base.spec));
      this.post({ type: 'transfer/modelExported', files });
    } catch (error) {
      this.post({ type: 'transfer/error', code: 'exportFailed', detail: String(error) });
    }
  }

  /**
   * Imports a classifier for predictions. `classes` (the names of the project's classes holding
   * photos; none when a new backend loads the same files again): a classifier with other labels is
   * refused once its files are known to be sound ('importOtherLabels'), and the one in use stays.
   */
  protected async importModel(files: File[], classes?: string[]): Promise<void> {
    await this.backendReady();
    try {
      // train.py's classifier (weights by layer name) is rebuilt on the loaded base; an exported one holds its own
      const trainedFiles = isTrainedFiles(files);
      const { model, metadata, release } = trainedFiles ? await importTrained(files, await this.loadedBase()) : await importClassifier(files).then((read) => ({ ...read, release: () => read.model.dispose() }));
      if (classes && otherLabels(metadata.labels, classes)) {
        release();
        throw new ImportInvalid(`labels ${metadata.labels.join(', ')}, classes ${classes.join(', ')}`, 'importOtherLabels', metadata.labels.join(', '));
      }
      this.releaseImported();
      this.imported = { model, labels: metadata.labels, release };
      this.importedFiles = files;
      this.post({ type: 'transfer/modelImported', labels: metadata.labels });
    } catch (error) {
      if (error instanceof ImportInvalid) this.post({ type: 'transfer/error', code: error.code, detail: error.detail ?? error.message });
      else this.post({ type: 'transfer/error', code: 'importFailed', detail: String(error) });
    }
  }

  /** The image set as a zip of the stored JPEGs with train.py; images missing from the store are skipped and counted. */
  protected async exportDataset(classes: ClassRef[], head: HeadConfig): Promise<void> {
    try {
      const { dataset, images, skipped } = await loadDataset(classes, (id) => project.loadImage(id).catch(() => undefined));
      const base = await this.loadedBase();
      // the base as the browser uses it, for train.py to train on the same numbers offline
      const files = base ? await baseFiles(base.full, base.spec, this.baseSource) : undefined;
      const blob = new Blob([buildDatasetZip(dataset, head, base?.spec, new Date(), files)], { type: 'application/zip' });
      this.post({ type: 'transfer/datasetExported', name: DATASET_ZIP_NAME, blob, images, skipped });
    } catch (error) {
      if (error instanceof DatasetRefused) this.post({ type: 'transfer/error', code: error.code, detail: error.className });
      else this.post({ type: 'transfer/error', code: 'datasetFailed', detail: String(error) });
    }
  }
}
