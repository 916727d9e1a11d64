import { create } from 'zustand';
import { LOCAL_HOST } from '../api/types';

export interface Draft {
  text: string;
  /** Where it came from, for the person ("unsaved edits of web1"). */
  origin: string;
}

interface DraftStore {
  draft?: Draft;
  /** Keeps a text that would otherwise be lost (its guest was deleted elsewhere while being edited). */
  keep: (draft: Draft) => void;
  discard: () => void;
}

/** A draft's origin when it holds the unsaved edits of a guest's definition. */
export const unsavedEditsOf = (host: string, name: string): string => `unsaved edits of ${name}${host === LOCAL_HOST ? '' : ` on ${host}`}`;

export const useDraftStore = create<DraftStore>()((set) => ({
  keep: (draft) => set({ draft }),
  discard: () => set({ draft: undefined }),
}));
