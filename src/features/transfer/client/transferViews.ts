/**
 * The studio's page-side views (classes, photos, runs, the dataset export, notices) and the pure
 * helpers useTransfer.ts updates them with.
 */
import type { ClassRef, FromWorker, RestoredImage, StorageCode, TrainPhase, TransferErrorCode, EpochLogs, Evaluation, TrainTimings, ImageRejection } from '../../../worker/protocol';

export interface ImageView {
  id: string;
  name: string;
  /** object URL of the thumbnail JPEG */
  url: string;
  /** false when the browser refused to save it (storage full): it is lost on a reload */
  saved?: boolean;
}

export interface ClassView {
  id: string;
  name: string;
  images: ImageView[];
}

/** The classes as the worker knows them: ids, names and their photos' ids. */
export const classRefs = (classes: ClassView[]): ClassRef[] => classes.map((c) => ({ id: c.id, name: c.name, imageIds: c.images.map((image) => image.id) }));

export interface Rejection {
  classId: string;
  name: string;
  code: ImageRejection;
}

export interface TrainingView {
  jobId: number;
  phase: TrainPhase;
  epoch: number;
  epochs: number;
  history: EpochLogs[];
  embedded: number;
  toEmbed: number;
  imagesPerSec: number;
  elapsedMs: number;
  timings?: TrainTimings;
  /** where the current phase began, for its ETA */
  phaseStart: { epoch: number; elapsedMs: number };
  /** epochs of head training before fine-tuning started (null: no fine-tuning in this run) */
  fineTuneFrom: number | null;
  /** the run's validation results, once done */
  evaluation?: Evaluation;
  /** whether the run trained on augmented images (fine-tuning, or the Tiny VGG, with augmentation on) */
  augmented?: boolean;
}

/** The run before the current one of the same kind, drawn dashed beside it: with and without augmentation compared. */
export interface PreviousRun {
  history: EpochLogs[];
  augmented: boolean;
}

export type ProgressMessage = Extract<FromWorker, { type: 'transfer/trainProgress' }>;

/** A run's view after one progress message. */
export function advance(current: TrainingView | null, message: ProgressMessage): TrainingView {
  const history = message.logs ? [...(current?.history ?? []), message.logs] : current?.history ?? [];
  return {
    jobId: message.jobId,
    phase: message.phase,
    epoch: message.epoch,
    epochs: message.epochs,
    history,
    embedded: message.embedded ?? current?.embedded ?? 0,
    toEmbed: message.toEmbed ?? current?.toEmbed ?? 0,
    imagesPerSec: message.imagesPerSec ?? current?.imagesPerSec ?? 0,
    elapsedMs: message.elapsedMs,
    phaseStart: current && current.phase === message.phase ? current.phaseStart : { epoch: current?.epoch ?? 0, elapsedMs: current?.elapsedMs ?? 0 },
    fineTuneFrom: current?.fineTuneFrom ?? (message.phase === 'fineTuning' ? (current?.history.length ?? 0) : null),
    augmented: current?.augmented,
  };
}

export const startView = (jobId: number, epochs: number): TrainingView => ({ jobId, phase: 'embedding', epoch: 0, epochs, history: [], embedded: 0, toEmbed: 0, imagesPerSec: 0, elapsedMs: 0, phaseStart: { epoch: 0, elapsedMs: 0 }, fineTuneFrom: null });

/** The dataset zip export: in progress, downloaded (with its object URL), or refused. */
export type DatasetView =
  | { status: 'working' }
  | { status: 'done'; name: string; url: string; images: number; skipped: number }
  | { status: 'error'; code: TransferErrorCode; detail?: string };
export const DATASET_ERRORS = new Set<TransferErrorCode>(['datasetBadName', 'datasetDuplicateName', 'datasetEmpty', 'datasetFailed']);

/** Something went wrong underneath and the studio carried on: the backend changed, or the worker was restarted. */
export type ReliabilityNotice =
  | { kind: 'backendLost'; backend: string }
  | { kind: 'workerRestarted' }
  | { kind: 'backendRejected'; backend: string; now: string; reason: 'precision' | 'mismatch'; detail: string };
/** Whether a run in this phase is still going (Stop applies). */
export const isRunning = (phase: TrainPhase) => phase === 'embedding' || phase === 'training' || phase === 'fineTuning' || phase === 'refitting';

export const newClass = (name: string): ClassView => ({ id: crypto.randomUUID(), name, images: [] });
export const restoredView = (image: RestoredImage): ImageView => ({ id: image.id, name: image.name, url: URL.createObjectURL(image.thumbnail), saved: true });

/** The classes with these photos marked saved or not (classes without them unchanged, for the memoised cards). */
export function markSaved(classes: ClassView[], imageIds: string[], saved: boolean): ClassView[] {
  const marked = new Set(imageIds);
  return classes.map((c) => (c.images.some((image) => marked.has(image.id)) ? { ...c, images: c.images.map((image) => (marked.has(image.id) ? { ...image, saved } : image)) } : c));
}

/** The browser's last refusal to save (storage full or another failure), and whether it was the trained classifier. */
export interface StorageRefusal {
  code: StorageCode;
  trained: boolean;
}

/** Triggers the browser's download of each file. */
export function download(files: { name: string; blob: Blob }[]): { name: string; url: string }[] {
  return files.map(({ name, blob }) => {
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
    return { name, url };
  });
}

/** How often at most the page draws training progress, in ms. */
export const PROGRESS_MS = 100;

/**
 * Training progress handed on in groups: a message is applied at once when the last group went
 * `intervalMs` ago or more, otherwise with every message that comes until then (none is dropped:
 * each carries an epoch's logs). `flush` applies what is waiting at once (before the run's end).
 */
export class ProgressBuffer {
  private pending: ProgressMessage[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = -Infinity;

  constructor(
    private readonly apply: (messages: ProgressMessage[]) => void,
    private readonly intervalMs = PROGRESS_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(message: ProgressMessage): void {
    this.pending.push(message);
    if (this.timer !== null) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const messages = this.pending;
    this.pending = [];
    if (messages.length === 0) return;
    this.last = this.now();
    this.apply(messages);
  }

  /** Drops what is waiting (the page goes). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}
