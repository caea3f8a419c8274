/**
 * TensorFlow.js set-up in the worker: webgl, wasm and cpu backends. "auto" picks webgl where
 * WebGL is hardware-accelerated and wasm where it is software-rendered (SwiftShader, llvmpipe),
 * cpu last. tf.setBackend can fail quietly, so the backend is verified with tf.getBackend() and
 * a tiny computation before it is reported.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendChoice } from '../../features/playground/meta';
import type { BackendName } from '../protocol';
import { checkPrecision } from './numerics';
import { registerWasmFallbacks } from './wasmFallbacks';

export interface WebglProbe {
  available: boolean;
  softwareRendered: boolean;
  renderer: string;
}

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Asks a throw-away WebGL2 context which renderer it runs on. */
export function probeWebgl(): WebglProbe {
  if (typeof OffscreenCanvas === 'undefined') return { available: false, softwareRendered: false, renderer: '' };
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return { available: false, softwareRendered: false, renderer: '' };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { available: true, softwareRendered: SOFTWARE_RENDERERS.test(renderer), renderer };
}

/** Backends to try, best first. */
export function backendOrder(choice: BackendChoice, probe: WebglProbe): BackendName[] {
  const auto: BackendName[] = probe.available && !probe.softwareRendered ? ['webgl', 'wasm', 'cpu'] : ['wasm', 'webgl', 'cpu'];
  if (choice === 'auto') return auto;
  return [choice, ...auto.filter((name) => name !== choice)];
}

let wasmConfigured = false;
function configureWasm(): void {
  if (wasmConfigured) return;
  // The threaded build breaks in the minified bundle and 2 cores gain nothing from it.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  });
  registerWasmFallbacks();
  wasmConfigured = true;
}

/** A backend passed over because its numerics are not what training needs (see numerics.ts). */
export interface BackendRejection {
  backend: BackendName;
  reason: 'precision' | 'mismatch';
  detail: string;
}
const rejections: BackendRejection[] = [];
/** Every backend rejected so far in this worker. */
export const backendRejections = (): BackendRejection[] => [...rejections];

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'wasm') configureWasm();
    await tf.setBackend(name);
    await tf.ready();
    if (tf.getBackend() !== name) return false;
    const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
    if (sum !== 3) return false;
    const precision = checkPrecision();
    if (!precision.ok) {
      rejections.push({ backend: name, reason: 'precision', detail: `float${precision.floatPrecision}, ε = ${precision.epsilon}` });
      return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** Activates the first backend of the order that works and has not been rejected; returns it (cpu always works). */
export async function selectBackend(choice: BackendChoice): Promise<{ backend: BackendName; probe: WebglProbe }> {
  const probe = probeWebgl();
  const rejected = new Set(rejections.map((r) => r.backend));
  for (const name of backendOrder(choice, probe).filter((n) => !rejected.has(n))) {
    if (await tryBackend(name)) return { backend: name, probe };
  }
  throw new Error('no tfjs backend could start');
}

/** Rejects the active backend (its model outputs disagree with cpu) and moves on to the next one. */
export async function rejectActiveBackend(detail: string, choice: BackendChoice): Promise<{ backend: BackendName; probe: WebglProbe }> {
  const active = tf.getBackend() as BackendName;
  if (active !== 'cpu') rejections.push({ backend: active, reason: 'mismatch', detail });
  return selectBackend(choice);
}

/** The webgl backend's WebGL context, while webgl is the active backend. */
export function activeWebglContext(): WebGL2RenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } };
  return backend.gpgpu?.gl ?? null;
}

/**
 * Calls onLost once when the active webgl backend's context is lost (a driver reset, the GPU out
 * of memory, or WEBGL_lose_context). Every tensor on it is gone with it.
 */
export function watchWebglContext(onLost: () => void): void {
  const gl = activeWebglContext();
  if (!gl) return;
  let fired = false;
  const lost = () => {
    if (fired) return;
    fired = true;
    onLost();
  };
  (gl as unknown as { canvas: OffscreenCanvas }).canvas.addEventListener('webglcontextlost', lost);
  // Some platforms do not deliver the event to an OffscreenCanvas in a worker: look again soon.
  contextChecks.push(() => gl.isContextLost() && lost());
}

const contextChecks: (() => void)[] = [];
/** Runs the context checks (after a debug loss, or before work that would use the context). */
export function checkWebglContexts(): void {
  contextChecks.forEach((check) => check());
}
