import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { storageApi } from '../../api/storage';
import { LOCAL_HOST, type VolumeSummary } from '../../api/types';
import { formatBytes } from '../../format';
import { hrefFor } from '../../router';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { ErrorLine } from '../common/ErrorLine';
import { parseSize, SIZE_UNITS, type SizeUnit } from './sizeInput';

/** A pool's volumes with their sizes, backing chains and users; download, grow, delete. */
export function VolumeTable({ pool, volumes, onChanged }: { pool: string; volumes: VolumeSummary[]; onChanged: () => Promise<void> }) {
  const [deleting, setDeleting] = useState<string>();
  const [resizing, setResizing] = useState<VolumeSummary>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
      setError(undefined);
      await onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
      setDeleting(undefined);
      setResizing(undefined);
    }
  };

  if (volumes.length === 0) return <p data-testid="no-volumes">This pool has no volumes yet.</p>;
  return (
    <>
      <table className="storage-table" data-testid="volumes">
        <thead>
          <tr>
            <th>Volume</th>
            <th>Format</th>
            <th>Virtual size</th>
            <th>Allocated</th>
            <th>Backing chain</th>
            <th>Used by</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {volumes.map((volume) => {
            const inUse = volume.usedBy.length > 0;
            return (
              <tr key={volume.name} data-testid={`volume-${volume.name}`}>
                <td className="mono">{volume.name}</td>
                <td data-testid="volume-format">{volume.format}</td>
                <td data-testid="volume-capacity">{formatBytes(volume.capacity)}</td>
                <td>{formatBytes(volume.allocation)}</td>
                <td className="mono" data-testid="volume-backing">
                  {volume.backingChain.map((b) => `${b.path} (${b.format})`).join(' → ') || '—'}
                </td>
                <td data-testid="volume-users">
                  {inUse
                    ? volume.usedBy.map((guest, i) => (
                        <span key={guest}>
                          {i > 0 ? ', ' : ''}
                          <a href={hrefFor({ page: 'guest', host: LOCAL_HOST, name: guest, tab: 'xml' })}>{guest}</a>
                        </span>
                      ))
                    : '—'}
                </td>
                <td className="actions">
                  <a className="button" href={storageApi.downloadUrl(pool, volume.name)} download={volume.name} data-testid="download">
                    Download
                  </a>
                  <button type="button" onClick={() => setResizing(volume)} disabled={busy} data-testid="resize">
                    Grow…
                  </button>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => setDeleting(volume.name)}
                    disabled={busy || inUse}
                    title={inUse ? `${volume.usedBy.join(', ')} use${volume.usedBy.length === 1 ? 's' : ''} it: remove it from their definitions first` : undefined}
                    data-testid="delete-volume"
                  >
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {error ? <ErrorLine message={error} testId="volume-error" /> : null}
      {deleting ? (
        <ConfirmDialog title={`Delete the volume ${deleting}?`} confirmLabel="Delete" busy={busy} onConfirm={() => void run(() => storageApi.deleteVolume(pool, deleting))} onCancel={() => setDeleting(undefined)} testId="confirm-delete-volume">
          <p>Its file is removed from the pool; this cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
      {resizing ? <GrowDialog volume={resizing} busy={busy} onGrow={(bytes) => void run(() => storageApi.resizeVolume(pool, resizing.name, bytes))} onCancel={() => setResizing(undefined)} /> : null}
    </>
  );
}

function GrowDialog({ volume, busy, onGrow, onCancel }: { volume: VolumeSummary; busy: boolean; onGrow: (bytes: number) => void; onCancel: () => void }) {
  const [amount, setAmount] = useState(String(Math.ceil(volume.capacity / 1024 ** 3) + 1));
  const [unit, setUnit] = useState<SizeUnit>('GiB');
  const size = parseSize(amount, unit);
  const problem = typeof size === 'string' ? size : size <= volume.capacity ? `A volume only grows: give more than ${formatBytes(volume.capacity)}` : undefined;
  return (
    <ConfirmDialog title={`Grow ${volume.name}`} confirmLabel="Grow" busy={busy} onConfirm={() => typeof size === 'number' && !problem && onGrow(size)} onCancel={onCancel} testId="grow-dialog">
      <label>
        New size <input value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" data-testid="grow-size" />
      </label>
      <select value={unit} onChange={(e) => setUnit(e.target.value as SizeUnit)} aria-label="unit">
        {SIZE_UNITS.map((u) => (
          <option key={u}>{u}</option>
        ))}
      </select>
      <p>The guest sees the new size at its next start; its partitions stay as they are.</p>
      {problem ? <p className="notice warning">{problem}</p> : null}
    </ConfirmDialog>
  );
}
