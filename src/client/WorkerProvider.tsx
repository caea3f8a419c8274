import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { TrainerClient } from './trainerClient';

const WorkerContext = createContext<TrainerClient | null>(null);

/** Owns the one training worker for the whole page. */
export function WorkerProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState<TrainerClient | null>(null);
  useEffect(() => {
    const instance = new TrainerClient();
    setClient(instance);
    return () => instance.dispose();
  }, []);
  return client ? <WorkerContext.Provider value={client}>{children}</WorkerContext.Provider> : null;
}

export function useWorker(): TrainerClient {
  const client = useContext(WorkerContext);
  if (!client) throw new Error('useWorker outside WorkerProvider');
  return client;
}
