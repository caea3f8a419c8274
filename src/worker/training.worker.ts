/// <reference lib="webworker" />
/**
 * The training worker: it owns every run and all training; the page only sends commands and
 * draws snapshots. Snapshots are throttled to about one per animation frame, heatmaps to fewer.
 */
import { gradientCheck } from '../engine/gradcheck';
import { SAMPLES_PER_SECOND, type BackendChoice, type PlaygroundConfig } from '../features/playground/meta';
import type { RunPosition } from '../features/playground/url';
import { Inspector } from '../features/playground/worker/inspect';
import { PlaygroundTrainer } from '../features/playground/worker/trainer';
import { transferablesOf, type DebugToWorker, type FromWorker, type RunStatus, type StepUnit, type ToWorker, type TransferToWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

/** Heatmap grid points per side. */
const HEATMAP_SIZE = 40;
/** Longest stretch of training between two looks at the message queue, ms. */
const CHUNK_MS = 10;
const SNAPSHOT_INTERVAL_MS = 16;
const HEATMAP_INTERVAL_MS = 100;

interface Run {
  id: number;
  trainer: PlaygroundTrainer;
  inspector: Inspector;
  selected: number;
  status: RunStatus;
  /** samples that may still be trained at the current speed */
  budget: number;
  lastTick: number;
  lastSnapshot: number;
  lastHeatmap: number;
}

let run: Run | null = null;

function post(message: FromWorker): void {
  self.postMessage(message, transferablesOf(message));
}

function postSnapshot(current: Run, withHeatmap: boolean): void {
  const { trainer } = current;
  const now = performance.now();
  current.lastSnapshot = now;
  if (withHeatmap) current.lastHeatmap = now;
  post({
    type: 'snapshot',
    runId: current.id,
    snapshot: {
      status: current.status,
      epoch: trainer.epoch,
      samplesSeen: trainer.samplesSeen,
      updates: trainer.updates,
      batchFill: trainer.net.numAccumulated,
      cursor: trainer.cursor,
      trainLoss: trainer.trainLoss(),
      testLoss: trainer.testLoss(),
      batchLoss: trainer.batchLoss,
      parameters: trainer.parameters(),
      trace: current.inspector.trace(current.selected),
      heatmap: withHeatmap ? current.inspector.heatmap(HEATMAP_SIZE) : undefined,
    },
  });
}

function diverge(current: Run): void {
  current.status = 'diverged';
  post({ type: 'error', runId: current.id, code: 'diverged' });
  postSnapshot(current, true);
}

function init(runId: number, config: PlaygroundConfig, position: RunPosition): void {
  const trainer = new PlaygroundTrainer(config);
  const selected = position.sample < trainer.points.length ? position.sample : 0;
  run = { id: runId, trainer, inspector: new Inspector(trainer), selected, status: 'paused', budget: 0, lastTick: 0, lastSnapshot: 0, lastHeatmap: 0 };
  post({ type: 'dataset', runId, kind: trainer.kind, trainCount: trainer.trainCount, points: trainer.pointArray() });
  trainer.saveBackup();
  if (trainer.replayTo(position.step) === 'diverged') diverge(run);
  else postSnapshot(run, true);
}

const yieldChannel = new MessageChannel();
yieldChannel.port1.onmessage = () => tick();

function scheduleTick(current: Run): void {
  if (SAMPLES_PER_SECOND[current.trainer.config.speed] === Number.POSITIVE_INFINITY) yieldChannel.port2.postMessage(null);
  else setTimeout(tick, SNAPSHOT_INTERVAL_MS);
}

function tick(): void {
  const current = run;
  if (!current || current.status !== 'playing') return;
  const now = performance.now();
  const rate = SAMPLES_PER_SECOND[current.trainer.config.speed];
  // Allow at most a tenth of a second of catch-up, so a stalled tab does not burst.
  const earned = rate === Number.POSITIVE_INFINITY ? rate : (rate * (now - current.lastTick)) / 1000;
  current.budget = Math.min(current.budget + earned, Math.max(1, rate / 10));
  current.lastTick = now;
  current.trainer.saveBackup();
  const { done, outcome } = current.trainer.trainFor(Math.floor(current.budget), now + CHUNK_MS, () => performance.now());
  current.budget -= done;
  if (outcome === 'diverged') return diverge(current);
  const after = performance.now();
  if (after - current.lastSnapshot >= SNAPSHOT_INTERVAL_MS && done > 0) {
    postSnapshot(current, after - current.lastHeatmap >= HEATMAP_INTERVAL_MS || rate <= SAMPLES_PER_SECOND.slow);
  }
  scheduleTick(current);
}

function step(current: Run, unit: StepUnit): void {
  current.status = 'paused';
  current.trainer.saveBackup();
  const outcome = current.trainer.step(unit);
  if (outcome === 'diverged') diverge(current);
  else postSnapshot(current, true);
}

let backendTask: Promise<void> = Promise.resolve();
let backendChoice: BackendChoice = 'auto';
function startBackend(choice: BackendChoice): void {
  backendChoice = choice;
  backendTask = backendTask.then(async () => {
    try {
      const { selectBackend, watchWebglContext } = await import('./tf/backend');
      const { backend, probe } = await selectBackend(choice);
      post({ type: 'backend', backend, requested: choice, softwareRendered: probe.softwareRendered, renderer: probe.renderer });
      if (backend === 'webgl') watchWebglContext(() => webglLost(choice));
    } catch (error) {
      post({ type: 'error', code: 'backendFailed', detail: String(error) });
    }
  });
}

/**
 * The webgl backend's context was lost, and every tensor with it: carry on with the next backend
 * (wasm, else cpu), tell the page, and let the studio load its models again on it.
 */
function webglLost(choice: BackendChoice): void {
  backendTask = backendTask.then(async () => {
    try {
      const { selectBackend } = await import('./tf/backend');
      const { backend, probe } = await selectBackend('wasm');
      post({ type: 'backend', backend, requested: choice, softwareRendered: probe.softwareRendered, renderer: probe.renderer });
      post({ type: 'backendLost', lost: 'webgl', backend });
    } catch (error) {
      post({ type: 'error', code: 'backendFailed', detail: String(error) });
    }
  });
  // After the new backend is active (backendTask), the studio reloads what lived on the old one.
  void studio?.then((instance) => instance.backendChanged());
}

/**
 * The base model's outputs on the active backend disagree with cpu's (numerics.ts): carry on with
 * the next backend; tfjs moves the tensors over.
 */
function numericsMismatch(detail: string): Promise<void> {
  backendTask = backendTask.then(async () => {
    const { rejectActiveBackend } = await import('./tf/backend');
    const { backend, probe } = await rejectActiveBackend(detail, backendChoice);
    post({ type: 'backend', backend, requested: backendChoice, softwareRendered: probe.softwareRendered, renderer: probe.renderer });
  });
  return backendTask;
}

/** Debug-only commands (see DebugToWorker). */
async function debugCommand(message: DebugToWorker): Promise<void> {
  if (message.type === 'debug/crash') {
    // Uncaught, as a real bug would be: the page sees the worker's error event.
    setTimeout(() => {
      throw new Error('debug/crash');
    });
    return;
  }
  if (message.type === 'debug/failWrites') {
    const { failNextWrites } = await import('../features/transfer/worker/projectStore');
    return failNextWrites(message.count);
  }
  await backendTask;
  const { activeWebglContext, checkWebglContexts } = await import('./tf/backend');
  const gl = activeWebglContext();
  if (!gl) return post({ type: 'error', code: 'badMessage', detail: 'debug/loseWebglContext: webgl is not the active backend' });
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  setTimeout(checkWebglContexts, 50);
}

/** The transfer studio loads (with tfjs) only when first used. */
let studio: Promise<import('../features/transfer/worker/studio').TransferStudio> | null = null;
function transferStudio() {
  studio ??= import('../features/transfer/worker/studio').then(({ TransferStudio }) => new TransferStudio(post, () => backendTask, numericsMismatch));
  return studio;
}

function handle(message: ToWorker): void {
  if (message.type.startsWith('debug/')) {
    void debugCommand(message as DebugToWorker);
    return;
  }
  if (message.type.startsWith('transfer/')) {
    transferStudio()
      .then((instance) => instance.handle(message as TransferToWorker))
      .catch((error) => post({ type: 'error', code: 'badMessage', detail: String(error) }));
    return;
  }
  if (message.type === 'init') return init(message.runId, message.config, message.position);
  if (message.type === 'setBackend') return startBackend(message.choice);
  const current = run;
  if (!current || !('runId' in message) || message.runId !== current.id) return;
  switch (message.type) {
    case 'updateSettings':
      current.trainer.updateSettings(message.config);
      if (current.status !== 'playing') postSnapshot(current, false);
      return;
    case 'play':
      if (current.status === 'playing') return;
      current.status = 'playing';
      current.lastTick = performance.now();
      current.budget = 1;
      return tick();
    case 'pause':
      if (current.status === 'playing') current.status = 'paused';
      return postSnapshot(current, true);
    case 'step':
      return step(current, message.unit);
    case 'selectSample':
      current.selected = Math.min(Math.max(0, message.index), current.trainer.points.length - 1);
      return postSnapshot(current, false);
    case 'editWeight':
      current.trainer.setParameter(message.layer, message.j, message.i, message.value);
      return postSnapshot(current, true);
    case 'gradCheck': {
      const { trainer } = current;
      const { layer, j, i } = message;
      const n = trainer.layout.layerSizes[0];
      const input = trainer.inputs[current.selected];
      const labels = new Float64Array([trainer.points[current.selected].label]);
      const result = gradientCheck(trainer.net, Float64Array.from(input.subarray(0, n)), labels, layer, j, i, trainer.config.regularization, trainer.config.regularizationRate);
      return post({ type: 'gradCheck', runId: current.id, layer, j, i, result });
    }
    case 'restoreBeforeDivergence':
      current.trainer.restoreBackup();
      current.status = 'paused';
      return postSnapshot(current, true);
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  try {
    handle(event.data);
  } catch (error) {
    post({ type: 'error', code: 'badMessage', detail: String(error) });
  }
};
