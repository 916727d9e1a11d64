import { create } from 'zustand';

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

export const useDraftStore = create<DraftStore>()((set) => ({
  keep: (draft) => set({ draft }),
  discard: () => set({ draft: undefined }),
}));
