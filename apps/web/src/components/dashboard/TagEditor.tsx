import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../api/client';
import { LOCAL_HOST, type GuestSummary } from '../../api/types';
import { ErrorLine } from '../common/ErrorLine';

/**
 * A guest's tags with a button to remove each and a field to add one. The server keeps them
 * in the definition; the guest's new summary comes back on the event stream.
 */
export function TagEditor({ guest }: { guest: Pick<GuestSummary, 'name' | 'host' | 'tags'> }) {
  const { name, host, tags } = guest;
  const id = host === LOCAL_HOST ? name : `${host}/${name}`;
  const [adding, setAdding] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  // The field or chip that had the focus goes away: a keyboard user is put back on "+ tag", not at the top of the page.
  const addButton = useRef<HTMLButtonElement>(null);
  const [refocus, setRefocus] = useState(false);
  useEffect(() => {
    if (!refocus || adding || !addButton.current) return;
    addButton.current.focus();
    setRefocus(false);
  }, [refocus, adding, tags]);
  const close = () => {
    setAdding(false);
    setRefocus(true);
  };

  const save = async (next: string[]) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.setTags(host, name, next);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const tag = text.trim();
    if (tag === '' || tags.includes(tag)) return close();
    if (await save([...tags, tag])) {
      setText('');
      close();
    }
  };

  return (
    <div className="tag-editor" data-testid={`vm-${id}-tags`}>
      {tags.map((tag) => (
        <span className="chip" key={tag} data-testid={`vm-${id}-tag-${tag}`}>
          {tag}
          <button type="button" className="chip-remove" aria-label={`Remove tag ${tag} from ${name}`} disabled={busy} onClick={() => void save(tags.filter((t) => t !== tag)).then((saved) => saved && setRefocus(true))}>
            ×
          </button>
        </span>
      ))}
      {adding ? (
        <form className="tag-add" onSubmit={(e) => void add(e)}>
          <input
            autoFocus
            size={10}
            value={text}
            aria-label={`New tag for ${name}`}
            data-testid={`vm-${id}-tag-input`}
            disabled={busy}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') close();
            }}
          />
        </form>
      ) : (
        <button ref={addButton} type="button" className="link chip-add" aria-label={`Add a tag to ${name}`} data-testid={`vm-${id}-add-tag`} onClick={() => setAdding(true)}>
          + tag
        </button>
      )}
      {error ? <ErrorLine message={error} testId={`vm-${id}-tags-error`} /> : null}
    </div>
  );
}
