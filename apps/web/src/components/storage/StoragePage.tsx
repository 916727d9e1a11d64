import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { storageApi } from '../../api/storage';
import type { PoolSummary, VolumeSummary } from '../../api/types';
import { ErrorLine } from '../common/ErrorLine';
import { CreateVolumeForm } from './CreateVolumeForm';
import { PoolTable } from './PoolTable';
import { UploadVolumeForm } from './UploadVolumeForm';
import { VolumeTable } from './VolumeTable';

/** `#/storage`: the storage pools, and the volumes of the one picked. */
export function StoragePage() {
  const [pools, setPools] = useState<PoolSummary[]>();
  const [selected, setSelected] = useState('default');
  const [volumes, setVolumes] = useState<VolumeSummary[]>();
  const [error, setError] = useState<string>();

  // Bumped after each change: the effect below reads the pools and volumes again.
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => {
    setVersion((v) => v + 1);
    return Promise.resolve();
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    storageApi
      .pools(controller.signal)
      .then(async (list) => {
        const pool = list.some((p) => p.name === selected) ? selected : list[0]?.name;
        const poolVolumes = pool === undefined ? [] : await storageApi.volumes(pool, controller.signal);
        setPools(list);
        if (pool !== undefined && pool !== selected) setSelected(pool);
        setVolumes(poolVolumes);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(e));
      });
    return () => controller.abort();
  }, [selected, version]);

  const pool = pools?.find((p) => p.name === selected);
  return (
    <section className="storage" data-testid="storage-page">
      <h1>Storage</h1>
      {error ? <ErrorLine message={error} testId="storage-error" /> : null}
      {pools ? <PoolTable pools={pools} selected={selected} onSelect={setSelected} onChanged={reload} /> : <p>Loading…</p>}
      {pool && volumes ? (
        <>
          <h2>
            Volumes of <span data-testid="selected-pool">{pool.name}</span>
          </h2>
          <VolumeTable pool={pool.name} volumes={volumes} onChanged={reload} />
          <div className="storage-forms">
            <CreateVolumeForm pool={pool.name} volumes={volumes} onCreated={reload} />
            <UploadVolumeForm pool={pool.name} onUploaded={reload} />
          </div>
        </>
      ) : null}
    </section>
  );
}
