/**
 * The editor pages with Monaco: one chunk of about 900 KiB (gzip), never part of the first
 * load. Asked for as early as a route or a pointer says it will be needed, so the download
 * overlaps with whatever else is happening.
 */
export const loadEditorPages = () => import('./editorPages');

export function prefetchEditor(): void {
  void loadEditorPages();
}
