import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../api/client';
import { storageApi } from '../../api/storage';
import type { VolumeSummary } from '../../api/types';
import { ErrorLine } from '../common/ErrorLine';
import { parseSize, SIZE_UNITS, type SizeUnit } from './sizeInput';

/** vol-create: a qcow2 or raw volume, optionally an overlay over another volume of the pool. */
export function CreateVolumeForm({ pool, volumes, onCreated }: { pool: string; volumes: VolumeSummary[]; onCreated: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [format, setFormat] = useState<'qcow2' | 'raw'>('qcow2');
  const [amount, setAmount] = useState('10');
  const [unit, setUnit] = useState<SizeUnit>('GiB');
  const [backing, setBacking] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const capacity = parseSize(amount, unit);
    if (typeof capacity === 'string') {
      setError(capacity);
      return;
    }
    setBusy(true);
    try {
      await storageApi.createVolume(pool, { name: name.trim(), format, capacity, backingPath: backing || undefined });
      setName('');
      setError(undefined);
      await onCreated();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="storage-form" onSubmit={(e) => void submit(e)} data-testid="create-volume">
      <h3>New volume</h3>
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="disk.qcow2" data-testid="volume-name" />
      </label>
      <label>
        Format
        <select value={format} onChange={(e) => setFormat(e.target.value as 'qcow2' | 'raw')} data-testid="volume-format-choice">
          <option value="qcow2">qcow2</option>
          <option value="raw">raw</option>
        </select>
      </label>
      <label>
        Size <input value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" data-testid="volume-size" />
      </label>
      <select value={unit} onChange={(e) => setUnit(e.target.value as SizeUnit)} aria-label="size unit" data-testid="volume-unit">
        {SIZE_UNITS.map((u) => (
          <option key={u}>{u}</option>
        ))}
      </select>
      {format === 'qcow2' ? (
        <label>
          Over
          <select value={backing} onChange={(e) => setBacking(e.target.value)} data-testid="volume-backing-choice">
            <option value="">no backing volume</option>
            {volumes.map((v) => (
              <option key={v.name} value={v.path}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button type="submit" disabled={busy} data-testid="create-volume-submit">
        {busy ? 'Creating…' : 'Create'}
      </button>
      {error ? <ErrorLine message={error} testId="create-volume-error" /> : null}
    </form>
  );
}
