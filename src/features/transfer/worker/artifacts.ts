/** A layers model's topology, weight specs and weight bytes as tfjs saves them, held in memory (nothing written anywhere). */
import * as tf from '@tensorflow/tfjs';

/** The artifacts with the parts a layers model always saves. */
export type SavedArtifacts = tf.io.ModelArtifacts & Required<Pick<tf.io.ModelArtifacts, 'modelTopology' | 'weightSpecs' | 'weightData'>>;

export async function savedArtifacts(model: tf.LayersModel): Promise<SavedArtifacts> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const saved = artifacts as tf.io.ModelArtifacts | null;
  if (!saved?.weightSpecs || !saved.weightData || !saved.modelTopology) throw new Error('nothing was saved');
  return saved as SavedArtifacts;
}

/** The weight data as one byte array (tfjs may hand it over in parts). */
export function weightBytes(data: tf.io.WeightData): Uint8Array {
  const parts = (Array.isArray(data) ? data : [data]).map((part) => new Uint8Array(part));
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (bytes.set(part, offset), offset + part.length), 0);
  return bytes;
}
