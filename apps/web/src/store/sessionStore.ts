import { create } from 'zustand';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';
export type AuthStatus = 'unknown' | 'ok' | 'unauthorized';

export interface Notice {
  id: number;
  kind: 'info' | 'warning';
  text: string;
}

interface SessionStore {
  stream: StreamStatus;
  auth: AuthStatus;
  /** A message that outlives the page that raised it (e.g. "the guest was deleted"). */
  notice?: Notice;
  setStream: (stream: StreamStatus) => void;
  setAuth: (auth: AuthStatus) => void;
  notify: (kind: Notice['kind'], text: string) => void;
  dismissNotice: () => void;
}

let nextNotice = 1;

export const useSessionStore = create<SessionStore>()((set) => ({
  stream: 'connecting',
  auth: 'unknown',
  setStream: (stream) => set({ stream }),
  setAuth: (auth) => set({ auth }),
  notify: (kind, text) => set({ notice: { id: nextNotice++, kind, text } }),
  dismissNotice: () => set({ notice: undefined }),
}));
