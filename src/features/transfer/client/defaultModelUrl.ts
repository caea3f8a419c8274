/**
 * Where each base loads from. Dev, preview and test builds serve ../shared/models at /models/ (see
 * scripts/sharedModels.ts, which lists the bases served as VITE_LOCAL_MODELS); a base not served
 * loads from its hosted copy (and is then kept in IndexedDB).
 */
import type { BaseSpec } from '../bases';
import { HOSTED_MOBILENET_URL } from '../meta';

const appBase = () => new URL(import.meta.env.BASE_URL, window.location.href);

/** MobileNet v1 0.25's URL, absolute (the model "Load model…" replaces, and the benchmark's). */
export function resolveDefaultModelUrl(): string {
  const configured = (import.meta.env.VITE_DEFAULT_MODEL_URL as string | undefined) ?? HOSTED_MOBILENET_URL;
  return new URL(configured, appBase()).href;
}

/** The folders of the bases this build serves itself. */
export function localBaseFolders(): string[] {
  const listed = (import.meta.env.VITE_LOCAL_MODELS as string | undefined) ?? '';
  return listed.split(',').filter((folder) => folder !== '');
}

/** A base's URL, absolute: served by this build when it has it, else hosted. */
export function resolveBaseUrl(spec: BaseSpec): string {
  if (localBaseFolders().includes(spec.folder)) return new URL(`models/${spec.folder}/model.json`, appBase()).href;
  return spec.hostedUrl;
}

/** Whether choosing this base downloads it from its hosted copy (not served by this build). */
export const isHosted = (spec: BaseSpec) => !localBaseFolders().includes(spec.folder);
