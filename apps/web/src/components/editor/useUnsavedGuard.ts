import { useEffect } from 'react';
import type { EditorSession } from '../../editor/EditorSession';
import { addLeaveGuard } from '../../router';

export const LEAVE_QUESTION = 'The definition has unsaved changes. Leave this page and lose them?';

/** Asks before a page with unsaved edits is left: another page of the app, a reload or closing the tab. */
export function useUnsavedGuard(session: EditorSession | undefined): void {
  useEffect(() => {
    if (!session) return;
    const removeGuard = addLeaveGuard(() => !session.getSnapshot().dirty || window.confirm(LEAVE_QUESTION));
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!session.getSnapshot().dirty) return;
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      removeGuard();
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [session]);
}
