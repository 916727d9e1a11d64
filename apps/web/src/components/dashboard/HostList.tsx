import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api, errorMessage } from '../../api/client';
import { LOCAL_HOST } from '../../api/types';
import { selectHostList, useHostsStore } from '../../store/hostsStore';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { ErrorLine } from '../common/ErrorLine';

/**
 * The hosts and where each stands: its URI, its state (with why, when it is not reachable),
 * what it runs and its guests; a libvirt connection is added here and removed (its guests
 * stay as they are on their host). The list itself follows the event stream.
 */
export function HostList() {
  const hosts = useHostsStore(useShallow(selectHostList));
  const [removing, setRemoving] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (hosts.length === 0) return null;

  const remove = async (id: string) => {
    setBusy(true);
    try {
      await api.removeHost(id);
      setError(undefined);
    } catch (e) {
      setError(`${id} was not removed: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
      setRemoving(undefined);
    }
  };

  return (
    <>
      <table className="guest-table host-table" data-testid="host-list">
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">URI</th>
            <th scope="col">State</th>
            <th scope="col">Hypervisor</th>
            <th scope="col">Guests</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((host) => (
            <tr key={host.id} data-testid={`host-${host.id}`}>
              <td>{host.id}</td>
              <td>
                <code>{host.uri}</code>
              </td>
              <td>
                <span className={`badge badge-host-${host.state}`} data-testid={`host-${host.id}-state`}>
                  {host.state}
                </span>
                {host.error ? (
                  <div className="hint" data-testid={`host-${host.id}-error`}>
                    {host.error}
                  </div>
                ) : null}
              </td>
              <td>{host.capabilities ? `${host.capabilities.hypervisor} (${host.capabilities.arch}; ${host.capabilities.accelerators.join(', ')})` : '–'}</td>
              <td className="num" data-testid={`host-${host.id}-guests`}>
                {host.guests}
              </td>
              <td>
                {host.id === LOCAL_HOST ? null : (
                  <button type="button" className="small" onClick={() => setRemoving(host.id)} aria-label={`Remove host ${host.id}`} data-testid={`host-${host.id}-remove`}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error ? <ErrorLine message={error} testId="host-remove-error" /> : null}
      <AddHostForm />
      {removing ? (
        <ConfirmDialog title={`Remove the host ${removing}?`} confirmLabel="Remove" busy={busy} onConfirm={() => void remove(removing)} onCancel={() => setRemoving(undefined)} testId="confirm-remove-host">
          <p>virtdeck stops following it. Its guests are untouched: they stay defined (and running) on that host.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

/** A libvirt connection by its URI; the server checks both fields and says what is wrong. */
function AddHostForm() {
  const [id, setId] = useState('');
  const [uri, setUri] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.addHost(id.trim(), uri.trim());
      setId('');
      setUri('');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="add-host" onSubmit={(e) => void submit(e)} data-testid="add-host">
      <label>
        Host id{' '}
        <input value={id} onChange={(e) => setId(e.target.value)} placeholder="rack1" required pattern="[a-z0-9][a-z0-9\-]{0,62}" title="1 to 63 lower-case letters, digits and dashes" data-testid="add-host-id" />
      </label>
      <label>
        libvirt URI{' '}
        <input value={uri} onChange={(e) => setUri(e.target.value)} placeholder="qemu+ssh://root@rack1/system" required size={36} data-testid="add-host-uri" />
      </label>
      <button type="submit" disabled={busy} data-testid="add-host-submit">
        {busy ? 'Adding…' : 'Add host'}
      </button>
      {error ? <ErrorLine message={error} testId="add-host-error" /> : null}
    </form>
  );
}
