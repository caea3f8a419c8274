/**
 * The one owner of the training worker on the page. Features subscribe to its messages; each
 * playground run gets an id and messages from stale runs are dropped. If the worker crashes, a new
 * one is started and subscribers are told, so they can re-send what the worker needs.
 */
import type { BackendChoice, PlaygroundConfig } from '../features/playground/meta';
import type { RunPosition } from '../features/playground/url';
import type { DebugToWorker, FromWorker, ToWorker, TransferToWorker } from '../worker/protocol';

type WithoutRunId<T> = T extends { runId: number } ? Omit<T, 'runId'> : never;
export type RunCommand = WithoutRunId<Exclude<ToWorker, { type: 'init' }>>;

export interface WorkerListener {
  onMessage(message: FromWorker): void;
  onCrash?(detail: string): void;
}

export class TrainerClient {
  private worker: Worker;
  private runId = 0;
  private disposed = false;
  private readonly listeners = new Set<WorkerListener>();

  constructor() {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    worker.onerror = (event) => this.crashed(event.message || 'worker error');
    worker.onmessageerror = () => this.crashed('message error');
    return worker;
  }

  subscribe(listener: WorkerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private receive(message: FromWorker): void {
    if ('runId' in message && message.runId !== undefined && message.runId !== this.runId) return;
    this.listeners.forEach((listener) => listener.onMessage(message));
  }

  private crashed(detail: string): void {
    if (this.disposed) return;
    this.worker.terminate();
    this.worker = this.spawn();
    this.listeners.forEach((listener) => listener.onCrash?.(detail));
  }

  /** Starts a new playground run (a new id: anything still in flight for the old one is ignored). */
  init(config: PlaygroundConfig, position: RunPosition): number {
    this.runId++;
    this.post({ type: 'init', runId: this.runId, config, position });
    return this.runId;
  }

  send(command: RunCommand): void {
    this.post({ ...command, runId: this.runId } as ToWorker);
  }

  sendTransfer(message: TransferToWorker): void {
    this.post(message);
  }

  setBackend(choice: BackendChoice): void {
    this.post({ type: 'setBackend', choice });
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Debug-only commands for the reliability checks (lose the WebGL context, crash the worker); the app never sends them. */
  debug(message: DebugToWorker): void {
    this.post(message);
  }

  /** Kills the worker as a crash would (for the reliability checks). */
  simulateCrash(): void {
    this.crashed('simulated crash');
  }

  dispose(): void {
    this.disposed = true;
    this.worker.terminate();
  }
}
