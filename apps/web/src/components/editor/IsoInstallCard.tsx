import { useEffect, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../api/client';
import { storageApi } from '../../api/storage';
import { LOCAL_HOST, type IsoInstallNetwork, type IsoOsFamily, type NetworkSummary, type PoolSummary, type VolumeSummary } from '../../api/types';
import { formatBytes } from '../../format';
import { guestKey, useGuestStore } from '../../store/guestStore';
import { selectLocalHost, useHostStore } from '../../store/hostStore';
import { UploadVolumeForm } from '../storage/UploadVolumeForm';

/** Each family's label and what its installer usually wants (virt-install's defaults, Windows 11's minimums). */
const FAMILIES = {
  linux: { label: 'Linux', memoryMiB: 2048, vcpus: 2, diskGiB: 20, devices: 'virtio disk and NIC on q35' },
  windows: { label: 'Windows (10 and older)', memoryMiB: 4096, vcpus: 2, diskGiB: 64, devices: 'SATA disk, e1000e NIC on q35' },
  windows11: { label: 'Windows 11', memoryMiB: 4096, vcpus: 2, diskGiB: 64, devices: 'SATA disk, e1000e NIC, UEFI with secure boot and a TPM 2.0 on q35' },
  other: { label: 'Other', memoryMiB: 1024, vcpus: 1, diskGiB: 10, devices: 'IDE disk, e1000 NIC on i440FX: what any OS knows' },
} as const satisfies Record<IsoOsFamily, { label: string; memoryMiB: number; vcpus: number; diskGiB: number; devices: string }>;

const USER_NETWORK = '(user)';
const NO_NETWORK = '(none)';

const networkChoice = (value: string): IsoInstallNetwork => (value === USER_NETWORK ? { type: 'user' } : value === NO_NETWORK ? { type: 'none' } : { type: 'network', name: value });

/** The pools as options (`default` until the list is in), with their free space for the disk's. */
function poolOptions(pools: PoolSummary[] | undefined, free: boolean) {
  if (!pools) return <option value="default">pool default</option>;
  return pools.map((p) => (
    <option key={p.name} value={p.name}>
      pool {p.name}
      {free ? ` (${formatBytes(p.available)} free)` : ''}
    </option>
  ));
}

/**
 * "Install from an ISO": an ISO volume picked from a pool or uploaded into one, an OS family
 * that sets the devices, memory, vCPUs, a new disk and a network. The server writes the
 * definition; the editor shows it, and Define starts it on its screen.
 */
export function IsoInstallCard({ onDefinition }: { onDefinition: (xml: string) => void }) {
  const [pools, setPools] = useState<PoolSummary[]>();
  const [networks, setNetworks] = useState<NetworkSummary[]>();
  const [loadError, setLoadError] = useState<string>();
  const [isoPool, setIsoPool] = useState('default');
  const [isos, setIsos] = useState<{ pool: string; volumes: VolumeSummary[] }>();
  const [iso, setIso] = useState('');
  const [name, setName] = useState('');
  const [os, setOs] = useState<IsoOsFamily>('linux');
  const [memoryMiB, setMemoryMiB] = useState<number>(FAMILIES.linux.memoryMiB);
  const [vcpus, setVcpus] = useState<number>(FAMILIES.linux.vcpus);
  const [diskGiB, setDiskGiB] = useState<number>(FAMILIES.linux.diskGiB);
  const [diskPool, setDiskPool] = useState('default');
  const [network, setNetwork] = useState<string>();
  const [accelerator, setAccelerator] = useState<'qemu' | 'kvm'>('qemu');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const kvm = useHostStore((s) => selectLocalHost(s)?.accelerators.find((a) => a.name === 'kvm'));
  const taken = useGuestStore((s) => (name.trim() ? s.guests[guestKey(LOCAL_HOST, name.trim())] !== undefined : false));

  useEffect(() => void useHostStore.getState().load(), []);

  useEffect(() => {
    const abort = new AbortController();
    Promise.all([storageApi.pools(abort.signal), api.networks(abort.signal)]).then(
      ([poolList, networkList]) => {
        setPools(poolList);
        setNetworks(networkList);
        // The first network virtdeck can run (libvirt's `default` NAT), else user-mode networking, which needs nothing.
        setNetwork((current) => current ?? networkList.find((n) => n.runsAs !== 'unsupported')?.name ?? USER_NETWORK);
      },
      (e: unknown) => !abort.signal.aborted && setLoadError(errorMessage(e)),
    );
    return () => abort.abort();
  }, []);

  // Bumped after an upload, to list the new ISO.
  const [isoListing, setIsoListing] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    storageApi.volumes(isoPool, abort.signal).then(
      // An ISO is what qemu-img calls raw; disk images of other formats are not installers.
      (volumes) => setIsos({ pool: isoPool, volumes: volumes.filter((v) => v.format === 'raw') }),
      (e: unknown) => !abort.signal.aborted && setLoadError(errorMessage(e)),
    );
    return () => abort.abort();
  }, [isoPool, isoListing]);

  const chooseFamily = (family: IsoOsFamily) => {
    setOs(family);
    setMemoryMiB(FAMILIES[family].memoryMiB);
    setVcpus(FAMILIES[family].vcpus);
    setDiskGiB(FAMILIES[family].diskGiB);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!iso || network === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      const { xml } = await api.isoInstall({
        name: name.trim(),
        iso: { pool: isoPool, volume: iso },
        os,
        memoryMiB,
        vcpus,
        disk: { pool: diskPool, sizeGiB: diskGiB },
        network: networkChoice(network),
        accelerator,
      });
      onDefinition(xml);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const volumes = isos?.pool === isoPool ? isos.volumes : undefined;
  return (
    <div className="card iso-install" data-testid="iso-install">
      <h2>Install from an ISO</h2>
      {loadError ? <p className="error">{loadError}</p> : null}
      <fieldset className="field iso-source">
        <legend>Installer ISO</legend>
        <span className="iso-picker">
          <select value={isoPool} onChange={(e) => { setIsoPool(e.target.value); setIso(''); }} aria-label="Pool of the ISO" data-testid="iso-pool">
            {poolOptions(pools, false)}
          </select>
          <select value={iso} onChange={(e) => setIso(e.target.value)} disabled={!volumes} aria-label="ISO volume" data-testid="iso-volume">
            <option value="">{volumes ? (volumes.length === 0 ? 'no ISO in this pool: upload one' : 'choose an ISO') : 'loading…'}</option>
            {(volumes ?? []).map((v) => (
              <option key={v.name} value={v.name}>
                {v.name} ({formatBytes(v.capacity)})
              </option>
            ))}
          </select>
        </span>
      </fieldset>
      <UploadVolumeForm
        pool={isoPool}
        onUploaded={(uploaded) => {
          setIsoListing((n) => n + 1);
          setIso(uploaded.name);
        }}
      />
      <form onSubmit={(e) => void submit(e)} className="iso-install-form">
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} spellCheck={false} data-testid="iso-name" />
        </label>
        {taken ? <p className="form-warning">A guest named {name.trim()} exists already.</p> : null}
        <label className="field">
          <span>Operating system</span>
          <select value={os} onChange={(e) => chooseFamily(e.target.value as IsoOsFamily)} data-testid="iso-os">
            {Object.entries(FAMILIES).map(([id, family]) => (
              <option key={id} value={id}>
                {family.label}
              </option>
            ))}
          </select>
          <span className="hint small" data-testid="iso-os-devices">
            {FAMILIES[os].devices}
          </span>
        </label>
        <div className="iso-numbers">
          <label className="field">
            <span>Memory (MiB)</span>
            <input type="number" min={16} step={1} value={memoryMiB} onChange={(e) => setMemoryMiB(e.target.valueAsNumber)} required data-testid="iso-memory" />
          </label>
          <label className="field">
            <span>vCPUs</span>
            <input type="number" min={1} max={4096} step={1} value={vcpus} onChange={(e) => setVcpus(e.target.valueAsNumber)} required data-testid="iso-vcpus" />
          </label>
          <label className="field">
            <span>Disk (GiB)</span>
            <input type="number" min={0.001} step="any" value={diskGiB} onChange={(e) => setDiskGiB(e.target.valueAsNumber)} required data-testid="iso-disk-size" />
          </label>
        </div>
        <label className="field">
          <span>New disk in</span>
          <select value={diskPool} onChange={(e) => setDiskPool(e.target.value)} data-testid="iso-disk-pool">
            {poolOptions(pools, true)}
          </select>
          <span className="hint small">a qcow2 volume named {name.trim() || 'NAME'}.qcow2, made when the guest is defined</span>
        </label>
        <label className="field">
          <span>Network</span>
          <select value={network ?? ''} onChange={(e) => setNetwork(e.target.value)} data-testid="iso-network">
            {(networks ?? []).map((n) => (
              <option key={n.name} value={n.name} disabled={n.runsAs === 'unsupported'}>
                {n.name} ({n.forward === 'isolated' ? 'isolated' : n.forward.toUpperCase()}{n.addresses.length > 0 ? `, ${n.addresses.join(', ')}` : ''})
              </option>
            ))}
            <option value={USER_NETWORK}>user-mode networking (no host set-up)</option>
            <option value={NO_NETWORK}>no network</option>
          </select>
        </label>
        <label className="field">
          <span>Accelerator</span>
          <select value={accelerator} onChange={(e) => setAccelerator(e.target.value as 'qemu' | 'kvm')} data-testid="iso-accelerator">
            <option value="qemu">TCG (emulation, works everywhere)</option>
            <option value="kvm" disabled={kvm?.usable !== true} title={kvm?.reason}>
              KVM{kvm?.usable === true ? '' : ' (not usable here)'}
            </option>
          </select>
        </label>
        {error ? (
          <p className="error" role="alert" data-testid="iso-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy || !iso || name.trim() === '' || taken || network === undefined} data-testid="iso-continue">
          {busy ? 'Preparing…' : 'Continue to the editor'}
        </button>
      </form>
    </div>
  );
}
