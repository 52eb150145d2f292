import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads what a page shows, again whenever `key` changes (the page's filters) or on reload(); an answer that
 * arrives after a newer request was made is dropped. `everyMs` polls while the tab is visible.
 */
export function useLoad<T>(load: () => Promise<T>, key: string, everyMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  const run = useCallback(() => {
    const request = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    loader.current().then(
      (data) => request === latest.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => request === latest.current && setState((previous) => ({ data: previous.data, error, loading: false })),
    );
  }, []);
  useEffect(() => {
    setState({ data: undefined, error: undefined, loading: true });
    run();
  }, [key, run]);
  useEffect(() => {
    if (!everyMs) return undefined;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') run();
    }, everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs, run]);
  return { ...state, reload: run };
}
