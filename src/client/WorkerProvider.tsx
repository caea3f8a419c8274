import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { TrainerClient } from './trainerClient';

const WorkerContext = createContext<TrainerClient | null>(null);

/** Owns the one training worker for the whole page. */
export function WorkerProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState<TrainerClient | null>(null);
  useEffect(() => {
    const instance = new TrainerClient();
    setClient(instance);
    // `?debug=1` exposes the worker's client to benchmark and test scripts (never used by the app itself).
    if (new URLSearchParams(window.location.search).get('debug') === '1') (window as unknown as { __neuralPlayground: unknown }).__neuralPlayground = { client: instance };
    return () => instance.dispose();
  }, []);
  return client ? <WorkerContext.Provider value={client}>{children}</WorkerContext.Provider> : null;
}

export function useWorker(): TrainerClient {
  const client = useContext(WorkerContext);
  if (!client) throw new Error('useWorker outside WorkerProvider');
  return client;
}
