import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LiveEvent } from '../api/types';

/** Live domain events over a WebSocket at /api/events/ws (same origin, cookie auth), reconnecting with back-off. */
export type LiveState = 'connecting' | 'open' | 'reconnecting';
type Listener = (event: LiveEvent) => void;

interface LiveValue {
  state: LiveState;
  /** Seconds until the next attempt while 'reconnecting'. */
  retryInSec: number | null;
  subscribe(listener: Listener): () => void;
}

const LiveContext = createContext<LiveValue | null>(null);

const MIN_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

export function socketUrl(loc: Location = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/events/ws`;
}

function parseEvent(raw: unknown): LiveEvent | null {
  if (typeof raw !== 'string') return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    console.warn('Ignoring a live message that is not JSON', err);
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string') return null;
  const data = typeof o.data === 'object' && o.data !== null ? (o.data as Record<string, unknown>) : {};
  return { name: o.name, data, at: typeof o.at === 'number' ? o.at : Date.now() };
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<LiveState>('connecting');
  const [retryInSec, setRetryInSec] = useState<number | null>(null);
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    let ws: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    let stopped = false;

    const connect = () => {
      setState('connecting');
      setRetryInSec(null);
      ws = new WebSocket(socketUrl());
      ws.onopen = () => {
        attempt = 0;
        setState('open');
      };
      ws.onmessage = (msg) => {
        const event = parseEvent(msg.data);
        if (event) for (const l of listeners.current) l(event);
      };
      ws.onclose = () => {
        ws = null;
        if (stopped) return;
        const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt);
        const delay = Math.round(base * (0.75 + Math.random() * 0.5));
        attempt += 1;
        setState('reconnecting');
        setRetryInSec(Math.ceil(delay / 1000));
        timer = setTimeout(connect, delay);
      };
      // onerror is always followed by onclose, where the reconnect is scheduled.
      ws.onerror = () => console.warn('Live events socket error; will reconnect');
    };
    connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      ws?.close();
    };
  }, []);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<LiveValue>(() => ({ state, retryInSec, subscribe }), [state, retryInSec, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveValue {
  const v = useContext(LiveContext);
  if (!v) throw new Error('useLive outside <LiveProvider>');
  return v;
}

/** Calls `onChange` (debounced) whenever a camera.* event arrives. */
export function useCameraEvents(onChange: () => void, debounceMs = 400): void {
  const { subscribe } = useLive();
  const cb = useRef(onChange);
  useEffect(() => {
    cb.current = onChange;
  }, [onChange]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = subscribe((e) => {
      if (!e.name.startsWith('camera.')) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => cb.current(), debounceMs);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [subscribe, debounceMs]);
}
