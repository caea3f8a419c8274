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
