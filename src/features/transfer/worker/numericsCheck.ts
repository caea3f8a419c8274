/**
 * After the base model loads: its output on a fixed input is compared with the cpu backend's
 * (numerics.ts). On a disagreement the worker moves to the next backend and the check runs again;
 * every backend passed over (here, or at start-up for its float precision) is reported once.
 */
import * as tf from '@tensorflow/tfjs';
import type { FromWorker, NumericsSummary } from '../../../worker/protocol';
import { backendRejections } from '../../../worker/tf/backend';
import { checkAgainstCpu, checkPrecision, TOLERANCE } from '../../../worker/tf/numerics';

let reported = 0;

export async function verifyBackend(model: tf.LayersModel, fallBack: (detail: string) => Promise<void>, post: (message: FromWorker) => void): Promise<NumericsSummary> {
  let agreement = await checkAgainstCpu(model);
  while (!agreement.ok && tf.getBackend() !== 'cpu') {
    await fallBack(`max relative error ${agreement.relativeError.toExponential(2)} > ${TOLERANCE}`);
    agreement = await checkAgainstCpu(model);
  }
  const rejections = backendRejections();
  for (const rejection of rejections.slice(reported)) post({ type: 'transfer/backendRejected', ...rejection, now: tf.getBackend() });
  reported = rejections.length;
  const { floatPrecision, epsilon } = checkPrecision();
  return { backend: tf.getBackend(), relativeError: agreement.relativeError, tolerance: TOLERANCE, floatPrecision, epsilon };
}
