import { useEffect, useState } from 'react';
import type * as EditorPagesModule from './editorPages';

type EditorPages = typeof EditorPagesModule;

/** The module once it has loaded, for pages rendered after that to show at once. */
let loaded: EditorPages | undefined;

/**
 * The editor pages with Monaco: one chunk of about 900 KiB (gzip), never part of the first
 * load. Asked for as early as a route or a pointer says it will be needed, so the download
 * overlaps with whatever else is happening.
 */
export const loadEditorPages = (): Promise<EditorPages> =>
  import('./editorPages').then((pages) => {
    loaded = pages;
    return pages;
  });

export function prefetchEditor(): void {
  void loadEditorPages();
}

/**
 * The editor pages for a render: undefined while they load, the error if they cannot. Not
 * React.lazy: React holds back what resolves a Suspense boundary for up to 300 ms after its
 * fallback was shown, and the editor would wait for that after Monaco had loaded.
 */
export function useEditorPages(): EditorPages | Error | undefined {
  const [pages, setPages] = useState<EditorPages | Error | undefined>(loaded);
  useEffect(() => {
    if (pages) return;
    let current = true;
    loadEditorPages().then(
      (loadedPages) => current && setPages(loadedPages),
      (error: unknown) => current && setPages(error instanceof Error ? error : new Error(String(error))),
    );
    return () => {
      current = false;
    };
  }, [pages]);
  return pages;
}
