import { useEffect, useRef, useState } from 'react';

/** The value, but updated at most once per `intervalMs` (the latest value always lands). */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const [throttled, setThrottled] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + intervalMs - performance.now();
    if (wait <= 0) {
      last.current = performance.now();
      setThrottled(value);
      return;
    }
    const timer = setTimeout(() => {
      last.current = performance.now();
      setThrottled(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, intervalMs]);
  return throttled;
}

/** The value, `delayMs` behind: a second view of it updated in a later task than the first. */
export function useLagged<T>(value: T, delayMs: number): T {
  const [lagged, setLagged] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setLagged(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return lagged;
}
