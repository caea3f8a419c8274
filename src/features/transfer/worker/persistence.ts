/**
 * The worker's side of the project store's contract (projectStore.ts): photos are saved as they
 * are added and shown only once saved, photos the browser refused are kept for this session and
 * tried again on request, and the saved photos are read back at start (or after a crash).
 */
import type { FromWorker, LegacyProjectView, RestoredImage } from '../../../worker/protocol';
import { decodeImage } from './decode';
import * as project from './projectStore';

/** What the worker keeps of each photo: its pixels (224 × 224 × 3 RGB). */
interface Pixels {
  rgb: Uint8Array;
}

export class Persistence {
  /** photos the browser refused to save, kept to try again (image id → record) */
  private readonly unsaved = new Map<string, project.StoredImageRecord>();

  constructor(
    private readonly post: (message: FromWorker) => void,
    /** reads a stored JPEG back (224² RGB and a thumbnail); tests pass their own */
    private readonly decode: (jpeg: Blob) => Promise<{ rgb: Uint8Array; thumbnail: Blob }> = decodeImage,
  ) {}

  /**
   * Saves a photo of a class. Resolves true once it is on disk; false when the browser refused it
   * (said to the page, and kept to try again).
   */
  async save(imageId: string, classId: string, name: string, jpeg: Blob): Promise<boolean> {
    const record: project.StoredImageRecord = { name, jpeg, classId, addedAt: project.nextAddedAt() };
    try {
      await project.saveImage(imageId, record);
      return true;
    } catch (error) {
      this.unsaved.set(imageId, record);
      this.refused([imageId], error);
      return false;
    }
  }

  /** Photos the user removed: their records go, and they are no longer tried again. */
  async remove(imageIds: string[]): Promise<void> {
    imageIds.forEach((id) => this.unsaved.delete(id));
    await project.deleteImages(imageIds).catch(() => undefined);
  }

  /** Tries the refused photos again, in the order they were added. */
  async retry(): Promise<void> {
    const saved: string[] = [];
    const refused: string[] = [];
    let last: unknown = null;
    for (const [imageId, record] of [...this.unsaved]) {
      try {
        await project.saveImage(imageId, record);
        this.unsaved.delete(imageId);
        saved.push(imageId);
      } catch (error) {
        last = error;
        refused.push(imageId);
      }
    }
    if (saved.length > 0) this.post({ type: 'transfer/imagesSaved', imageIds: saved });
    if (refused.length > 0) this.refused(refused, last);
  }

  /** Tells the page the browser refused to save these photos. */
  private refused(imageIds: string[], error: unknown): void {
    const { code, message } = project.refusal(error);
    this.post({ type: 'transfer/storageRefused', what: 'images', code, imageIds, detail: message });
  }

  /**
   * Reads the saved photos back into `images` (decoded again), after moving a legacy project over
   * and pruning the photos of deleted classes. `classIds`: the page's saved classes, or null when it
   * has none (then nothing is pruned, and a legacy project's classes are the ones kept).
   */
  async restore(classIds: string[] | null, images: Map<string, Pixels>): Promise<{ images: RestoredImage[]; legacy: LegacyProjectView | null }> {
    const legacy = await project.migrateLegacy().catch(() => null);
    const keep = classIds || legacy ? new Set([...(classIds ?? []), ...(legacy?.classes.map((c) => c.id) ?? [])]) : null;
    const stored = await project.loadImages().catch(() => []);
    // Photos of classes deleted (and not undone) go now; legacy records without a class stay in the store, unshown.
    const deleted = (classId: string | undefined) => keep !== null && classId !== undefined && !keep.has(classId);
    const doomed = stored.filter(({ record }) => deleted(record.classId)).map(({ id }) => id);
    if (doomed.length > 0) await project.deleteImages(doomed).catch(() => undefined);
    const restored: RestoredImage[] = [];
    for (const { id, record } of stored) {
      if (record.classId === undefined || deleted(record.classId)) continue;
      try {
        const { rgb, thumbnail } = await this.decode(record.jpeg);
        if (!images.has(id)) images.set(id, { rgb });
        restored.push({ classId: record.classId, id, name: record.name, thumbnail });
      } catch {
        // A stored JPEG that no longer decodes is left out (and left in the store).
      }
    }
    const legacyView = legacy ? { classes: legacy.classes.map(({ id, name }) => ({ id, name })), head: legacy.head } : null;
    return { images: restored, legacy: legacyView };
  }
}
