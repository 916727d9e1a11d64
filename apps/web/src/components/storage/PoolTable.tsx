import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../api/client';
import { storageApi } from '../../api/storage';
import type { PoolSummary } from '../../api/types';
import { formatBytes } from '../../format';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { ErrorLine } from '../common/ErrorLine';

/** The pools with their sizes; one is picked to show its volumes. Defines and removes dir pools. */
export function PoolTable({ pools, selected, onSelect, onChanged }: { pools: PoolSummary[]; selected: string; onSelect: (name: string) => void; onChanged: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [error, setError] = useState<string>();
  const [removing, setRemoving] = useState<string>();
  const [busy, setBusy] = useState(false);

  const define = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await storageApi.definePool(name.trim(), path.trim());
      setName('');
      setPath('');
      setError(undefined);
      await onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (pool: string) => {
    setBusy(true);
    try {
      await storageApi.undefinePool(pool);
      setError(undefined);
      await onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      setRemoving(undefined);
    }
  };

  return (
    <div className="pools">
      <table className="storage-table" data-testid="pools">
        <thead>
          <tr>
            <th>Pool</th>
            <th>Path</th>
            <th>Capacity</th>
            <th>Allocation</th>
            <th>Available</th>
            <th>Volumes</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {pools.map((pool) => (
            <tr key={pool.name} data-testid={`pool-${pool.name}`} className={pool.name === selected ? 'selected' : undefined}>
              <td>
                <button type="button" className="link" onClick={() => onSelect(pool.name)} aria-pressed={pool.name === selected}>
                  {pool.name}
                </button>
              </td>
              <td className="mono">{pool.path}</td>
              <td>{formatBytes(pool.capacity)}</td>
              <td>{formatBytes(pool.capacity - pool.available)}</td>
              <td>{formatBytes(pool.available)}</td>
              <td>{pool.volumes}</td>
              <td>
                <button type="button" className="danger" onClick={() => setRemoving(pool.name)} disabled={busy} data-testid={`remove-pool-${pool.name}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={(e) => void define(e)} data-testid="define-pool">
        <label>
          New pool <input value={name} onChange={(e) => setName(e.target.value)} placeholder="name" required data-testid="pool-name" />
        </label>
        <label>
          directory <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/srv/images" required data-testid="pool-path" />
        </label>
        <button type="submit" disabled={busy}>
          Define pool
        </button>
      </form>
      {error ? <ErrorLine message={error} testId="pool-error" /> : null}
      {removing ? (
        <ConfirmDialog title={`Remove the pool ${removing}?`} confirmLabel="Remove" busy={busy} onConfirm={() => void remove(removing)} onCancel={() => setRemoving(undefined)}>
          <p>The pool&apos;s definition goes; its directory and the files in it stay on the host.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
