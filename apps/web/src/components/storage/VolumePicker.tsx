import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { storageApi } from '../../api/storage';
import type { PoolSummary, VolumeSummary } from '../../api/types';
import { formatBytes } from '../../format';

/** What a picker chose: a volume's path and format, or a path typed in. */
export interface PickedImage {
  path: string;
  /** The volume's format (qcow2, raw…); unknown for a typed path. */
  format?: string;
}

const FREE_PATH = '';

/**
 * Picks a disk image the way the storage page shows them: a pool, then one of its volumes;
 * "another path" keeps the free path field for images outside any pool.
 */
export function VolumePicker({ value, onChange, testId, label = 'Image' }: { value: PickedImage | undefined; onChange: (picked: PickedImage | undefined) => void; testId: string; label?: string }) {
  const [pools, setPools] = useState<PoolSummary[]>();
  const [pool, setPool] = useState<string>();
  const [loaded, setLoaded] = useState<{ pool: string; volumes: VolumeSummary[] }>();
  const volumes = pool && loaded?.pool === pool ? loaded.volumes : undefined;
  const [error, setError] = useState<string>();

  useEffect(() => {
    const abort = new AbortController();
    storageApi.pools(abort.signal).then(
      (list) => {
        setPools(list);
        setPool((p) => p ?? list[0]?.name ?? FREE_PATH);
      },
      (e: unknown) => {
        if (abort.signal.aborted) return;
        setError(errorMessage(e));
        setPool(FREE_PATH);
      },
    );
    return () => abort.abort();
  }, []);

  useEffect(() => {
    if (!pool) return;
    const abort = new AbortController();
    storageApi.volumes(pool, abort.signal).then(
      (list) => setLoaded({ pool, volumes: list }),
      (e: unknown) => !abort.signal.aborted && setError(errorMessage(e)),
    );
    return () => abort.abort();
  }, [pool]);

  return (
    <span className="volume-picker" data-testid={testId}>
      <label>
        {label} from{' '}
        <select value={pool ?? FREE_PATH} onChange={(e) => { setPool(e.target.value); onChange(undefined); }} aria-label={`${label}: pool`} data-testid={`${testId}-pool`}>
          {(pools ?? []).map((p) => (
            <option key={p.name} value={p.name}>
              pool {p.name}
            </option>
          ))}
          <option value={FREE_PATH}>another path</option>
        </select>
      </label>{' '}
      {pool ? (
        <select
          value={value?.path ?? ''}
          onChange={(e) => {
            const volume = volumes?.find((v) => v.path === e.target.value);
            onChange(volume ? { path: volume.path, format: volume.format } : undefined);
          }}
          aria-label={`${label}: volume`}
          data-testid={`${testId}-volume`}
          disabled={!volumes}
        >
          <option value="">{volumes ? (volumes.length === 0 ? 'no volumes in this pool' : 'choose a volume') : 'loading…'}</option>
          {(volumes ?? []).map((v) => (
            <option key={v.path} value={v.path}>
              {v.name} ({v.format}, {formatBytes(v.capacity)}){v.usedBy.length > 0 ? ` · used by ${v.usedBy.join(', ')}` : ''}
            </option>
          ))}
        </select>
      ) : (
        <input
          type="text"
          value={value?.path ?? ''}
          placeholder="/path/to/image"
          spellCheck={false}
          aria-label={`${label}: path`}
          data-testid={`${testId}-path`}
          onChange={(e) => onChange(e.target.value === '' ? undefined : { path: e.target.value })}
        />
      )}
      {error ? <span className="error small">{error}</span> : null}
    </span>
  );
}
