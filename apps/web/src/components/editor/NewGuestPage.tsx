import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { LOCAL_HOST, type TemplateInfo } from '../../api/types';
import { hrefFor } from '../../router';
import { useDraftStore } from '../../store/draftStore';
import { guestKey, useGuestStore } from '../../store/guestStore';
import { IsoInstallCard } from './IsoInstallCard';
import { prefetchEditor, useEditorPages } from './loadEditorPages';


/** Largest definition accepted from a file: the server refuses bigger bodies anyway. */
const MAX_IMPORT_BYTES = 1024 * 1024;

/**
 * A new guest: from one of the server's templates, an installer ISO, or an existing libvirt
 * XML pasted or read from a file (`virsh dumpxml` output works as is). Then the editor, where
 * Define saves it (and, for an installer, starts it and opens its screen).
 */
export function NewGuestPage() {
  const [text, setText] = useState<{ value: string; origin: string; install: boolean }>();
  if (text) return <NewGuestEditorOf text={text} onStartOver={() => setText(undefined)} />;
  return <NewGuestChooser onText={(value, origin, install = false) => setText({ value, origin, install })} />;
}

/** The editor on a chosen text, once the editor pages' chunk (Monaco) has loaded. */
function NewGuestEditorOf({ text, onStartOver }: { text: { value: string; origin: string; install: boolean }; onStartOver: () => void }) {
  const pages = useEditorPages();
  if (!pages) return <p className="hint">Loading the editor…</p>;
  if (pages instanceof Error) return <p className="error">The editor could not be loaded: {pages.message}</p>;
  return <pages.NewGuestEditor initialText={text.value} origin={text.origin} startOnDefine={text.install} onStartOver={onStartOver} />;
}

function NewGuestChooser({ onText }: { onText: (text: string, origin: string, install?: boolean) => void }) {
  const [templates, setTemplates] = useState<TemplateInfo[]>();
  const [loadError, setLoadError] = useState<string>();
  const [templateId, setTemplateId] = useState<string>();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [pasted, setPasted] = useState('');
  const draft = useDraftStore((s) => s.draft);
  const taken = useGuestStore((s) => (name.trim() ? s.guests[guestKey(LOCAL_HOST, name.trim())] !== undefined : false));

  // The editor comes next: let Monaco download while the person chooses.
  useEffect(prefetchEditor, []);

  useEffect(() => {
    api.templates().then(
      (list) => {
        setTemplates(list);
        setTemplateId((current) => current ?? list.find((t) => t.available)?.id);
      },
      (e: unknown) => setLoadError(errorMessage(e)),
    );
  }, []);

  const fromTemplate = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!templateId) return;
    setBusy(true);
    setError(undefined);
    try {
      const { xml } = await api.instantiateTemplate(templateId, name.trim());
      onText(xml, `template ${templateId}`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const fromFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      setError(`${file.name} is ${Math.round(file.size / 1024)} KiB; a domain definition is at most ${MAX_IMPORT_BYTES / 1024} KiB`);
      return;
    }
    onText(await file.text(), file.name);
  };

  return (
    <section className="new-guest" data-testid="new-guest-page">
      <header className="page-header">
        <h1>New guest</h1>
        <a href={hrefFor({ page: 'dashboard' })}>Cancel</a>
      </header>
      {draft ? (
        <div className="notice warning" data-testid="draft">
          <span>You have {draft.origin}, kept when its guest was deleted elsewhere.</span>
          <button
            type="button"
            onClick={() => {
              useDraftStore.getState().discard();
              onText(draft.text, draft.origin);
            }}
          >
            Open them
          </button>
          <button type="button" onClick={() => useDraftStore.getState().discard()}>
            Discard
          </button>
        </div>
      ) : null}
      <div className="new-guest-columns">
        <form className="card" onSubmit={(e) => void fromTemplate(e)} data-testid="template-form">
          <h2>From a template</h2>
          {loadError ? <p className="error">The templates could not be loaded: {loadError}</p> : null}
          {!templates && !loadError ? <p className="hint">Loading templates…</p> : null}
          {templates?.map((t) => (
            <label key={t.id} className={t.available ? 'template' : 'template unavailable'} title={t.available ? undefined : t.reason} data-testid={`template-${t.id}`}>
              <input type="radio" name="template" value={t.id} checked={templateId === t.id} disabled={!t.available} onChange={() => setTemplateId(t.id)} />
              <span>
                <strong>{t.title}</strong>
                <span className="hint small">{t.description}</span>
                {!t.available && t.reason ? <span className="accel-reason">{t.reason}</span> : null}
              </span>
            </label>
          ))}
          <label className="field">
            <span>Name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} spellCheck={false} data-testid="template-name" />
          </label>
          {taken ? <p className="form-warning">A guest named {name.trim()} exists already.</p> : null}
          {error ? (
            <p className="error" role="alert" data-testid="new-guest-error">
              {error}
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={busy || !templateId || name.trim() === '' || taken} data-testid="use-template">
            {busy ? 'Preparing…' : 'Continue to the editor'}
          </button>
        </form>
        <IsoInstallCard onDefinition={(xml) => onText(xml, 'the install-from-an-ISO form', true)} />
        <div className="card" data-testid="import-form">
          <h2>Import a libvirt domain XML</h2>
          <p className="hint small">
            Paste the output of <code>virsh dumpxml NAME</code> (or any domain XML), or open a file.
          </p>
          <textarea value={pasted} onChange={(e) => setPasted(e.target.value)} rows={10} spellCheck={false} placeholder="<domain type='kvm'>…" data-testid="import-text" />
          <div className="actions">
            <button type="button" className="primary" disabled={pasted.trim() === ''} onClick={() => onText(pasted, 'pasted XML')} data-testid="import-paste">
              Import pasted XML
            </button>
            <label className="button">
              Open a file…
              <input type="file" accept=".xml,application/xml,text/xml" className="visually-hidden" onChange={(e) => void fromFile(e.target.files?.[0])} data-testid="import-file" />
            </label>
          </div>
        </div>
      </div>
    </section>
  );
}
