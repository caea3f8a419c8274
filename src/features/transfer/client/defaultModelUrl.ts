/**
 * The configured default model URL, absolute. Dev, preview and test builds serve ../shared/models at
 * /models/ (see scripts/sharedModels.ts); production builds without it use the hosted copy.
 */
import { HOSTED_MOBILENET_URL } from '../meta';

export function resolveDefaultModelUrl(): string {
  const configured = (import.meta.env.VITE_DEFAULT_MODEL_URL as string | undefined) ?? HOSTED_MOBILENET_URL;
  return new URL(configured, new URL(import.meta.env.BASE_URL, window.location.href)).href;
}
