/** Types shared by the studio and the features that read its state. */
import type * as tf from '@tensorflow/tfjs';
import type { FromWorker } from '../../../worker/protocol';
import { baseSpec, type BaseId } from '../bases';
import type { HeadConfig } from '../meta';
import type { BaseModel } from './model';

export interface Trained {
  tail: tf.LayersModel;
  /** the base layer whose output feeds `tail`: the base's cut layer for a head on the embeddings */
  cut: string;
  labels: string[];
  config: HeadConfig;
  /** the base it sits on */
  base: BaseId;
}

/** A head on the base's embeddings (nothing of the base fine-tuned). */
export const isHeadOnly = (trained: Trained) => trained.cut === baseSpec(trained.base).cutLayer;

/** Read access to the studio (TransferStudio.view()). */
export interface StudioView {
  /** the base model, once loaded (waits for a load in progress) */
  base(): Promise<BaseModel | null>;
  /** the classifier trained (or restored) here: base up to `cut`, then `tail` */
  trained(): Trained | null;
  /** the Tiny VGG trained from scratch, if any */
  scratch(): tf.LayersModel | null;
  /** an image's 224 × 224 × 3 RGB bytes */
  rgb(imageId: string): Uint8Array | undefined;
  /** an image's cached embedding (7 × 7 × the base's channels), once computed */
  embedding(imageId: string): Float32Array | undefined;
  /** the frozen base up to a cut layer (shared, do not dispose) */
  lower(base: BaseModel, cut: string): tf.LayersModel;
  post(message: FromWorker): void;
}

