import { lazy, Suspense, useEffect, useState } from 'react';
import { api } from '../api/client';

// Monaco is big: it loads only when a definition is shown, never on first paint.
const XmlEditor = lazy(() => import('./XmlEditor'));

export function GuestXml({ name }: { name: string }) {
  const [xml, setXml] = useState<{ name: string; text: string } | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let cancelled = false;
    api.guestXml(name).then(
      (text) => !cancelled && setXml({ name, text }),
      (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [name]);

  if (error) return <p className="error">{error}</p>;
  if (!xml || xml.name !== name) return <p className="hint">Loading {name}…</p>;
  return (
    <div className="xml-pane" data-testid="xml-view">
      <h2>{name}</h2>
      <Suspense fallback={<p className="hint">Loading editor…</p>}>
        <XmlEditor value={xml.text} readOnly />
      </Suspense>
    </div>
  );
}
