import { useEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import { monaco } from '../monaco/setup';
import type { HostInfo } from '../api/types';
import { EditorSession, type EditorSnapshot } from './EditorSession';
import type { WorkerRole } from './protocol';
import type { WorkerEndpoint } from './SchemaWorkerClient';
import SchemaWorker from './schema.worker?worker';

const createWorker = (role: WorkerRole): WorkerEndpoint => new SchemaWorker({ name: role }) as unknown as WorkerEndpoint;

/**
 * A session for a text, created after mount and disposed on unmount (its worker and model
 * with it). A new `text` (a reload, a template) starts a new session.
 */
/** `hostId`: the host the definition is for (EditorSessionOptions.hostId); the local one when absent. */
export function useEditorSession(uri: string, text: string | undefined, host: HostInfo | undefined, hostId?: string): EditorSession | undefined {
  const [session, setSession] = useState<EditorSession | undefined>();
  // A layout effect: the editor is then rendered and created in the same task as the text
  // arrived, not a frame (or, under load, several) later after a paint without it.
  useLayoutEffect(() => {
    if (text === undefined) return;
    performance.mark('virtdeck:definition');
    const created = new EditorSession(monaco, { uri, text, host: null, createWorker, ...(hostId !== undefined ? { hostId } : {}) });
    // The session owns a worker and a Monaco model: it exists between mount and unmount,
    // which only an effect can express; the state only hands it to the render.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSession(created);
    return () => {
      created.dispose();
      setSession(undefined);
    };
  }, [uri, text, hostId]);
  useEffect(() => {
    if (session && host) session.setHost(host);
  }, [session, host]);
  return session;
}

const noSubscription = () => () => undefined;
const noSnapshot = () => undefined;

export function useEditorSnapshot(session: EditorSession | undefined): EditorSnapshot | undefined {
  return useSyncExternalStore(session?.subscribe ?? noSubscription, session?.getSnapshot ?? noSnapshot);
}
