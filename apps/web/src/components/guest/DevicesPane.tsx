import { escapeXml, HOTPLUG_NIC_MODELS, NIC_MODELS, validateDomain, type Disk, type Interface } from '@virtdeck/schema';
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, type DeviceTargets } from '../../api/client';
import type { GuestSummary, NetworkSummary } from '../../api/types';
import { isActive } from '../../store/guestStore';
import { VolumePicker, type PickedImage } from '../storage/VolumePicker';

const APPLY_TO = { live: 'the running guest', both: 'the running guest and its saved definition', config: 'the saved definition (next start)' } as const;
type ApplyTo = keyof typeof APPLY_TO;
const targetsOf = (apply: ApplyTo): DeviceTargets => (apply === 'both' ? { live: true, config: true } : apply === 'live' ? { live: true } : { config: true });

const BUSES = ['virtio', 'sata', 'scsi', 'usb'] as const;
const PREFIX: Record<(typeof BUSES)[number], string> = { virtio: 'vd', sata: 'sd', scsi: 'sd', usb: 'sd' };

/** The first target name of a bus the guest does not use yet (vdb after vda). */
function nextTarget(disks: readonly Disk[], bus: (typeof BUSES)[number]): string {
  const used = new Set(disks.map((d) => d.target?.dev));
  for (let i = 0; i < 26; i++) {
    const dev = `${PREFIX[bus]}${String.fromCharCode(97 + i)}`;
    if (!used.has(dev)) return dev;
  }
  return `${PREFIX[bus]}aa`;
}

export function diskXml(image: PickedImage, target: string, bus: string, device: 'disk' | 'cdrom'): string {
  const format = image.format === 'qcow2' || image.format === 'raw' ? image.format : image.path.endsWith('.qcow2') ? 'qcow2' : 'raw';
  return (
    `<disk type='file' device='${device}'>\n  <driver name='qemu' type='${format}'/>\n  <source file='${escapeXml(image.path)}'/>\n` +
    `  <target dev='${escapeXml(target)}' bus='${escapeXml(bus)}'/>\n${device === 'cdrom' ? '  <readonly/>\n' : ''}</disk>`
  );
}

export function interfaceXml(network: string, model: string): string {
  const source = network === '' ? `<interface type='user'>\n` : `<interface type='network'>\n  <source network='${escapeXml(network)}'/>\n`;
  return `${source}  <model type='${escapeXml(model)}'/>\n</interface>`;
}

/**
 * The guest's disks and network cards, and changes to them as `virsh attach-device`,
 * `detach-device` and `change-media` make them: on the running guest, its saved definition,
 * or both. A shut-off guest's changes go to its definition.
 */
export default function DevicesPane({ guest }: { guest: GuestSummary }) {
  const running = isActive(guest) && guest.state !== 'shutoff';
  const [apply, setApply] = useState<ApplyTo>(running ? 'live' : 'config');
  const effective: ApplyTo = running ? apply : 'config';
  const [text, setText] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);
  const live = effective !== 'config';

  useEffect(() => {
    const abort = new AbortController();
    api.guestXml(guest.host, guest.name, { running: live, signal: abort.signal }).then(setText, (e: unknown) => !abort.signal.aborted && setError(errorMessage(e)));
    return () => abort.abort();
  }, [guest.host, guest.name, live, reload, guest.since]);

  const change = useCallback(
    async (request: (targets: DeviceTargets) => Promise<unknown>) => {
      setBusy(true);
      setError(undefined);
      try {
        await request(targetsOf(effective));
        setReload((n) => n + 1);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setBusy(false);
      }
    },
    [effective],
  );

  const domain = text === undefined ? undefined : validateDomain(text).domain;
  const disks = domain?.devices.disks ?? [];
  const interfaces = domain?.devices.interfaces ?? [];
  return (
    <div className="devices-pane" data-testid="devices-pane">
      <div className="pane-toolbar">
        <span>Changes apply to</span>
        {running ? (
          (Object.keys(APPLY_TO) as ApplyTo[]).map((a) => (
            <label key={a}>
              <input type="radio" name="apply-to" checked={apply === a} onChange={() => setApply(a)} data-testid={`devices-apply-${a}`} /> {APPLY_TO[a]}
            </label>
          ))
        ) : (
          <span className="hint small">{APPLY_TO.config}: the guest is not running.</span>
        )}
      </div>
      {error ? (
        <p className="error" role="alert" data-testid="devices-error">
          {error}
        </p>
      ) : null}
      <section className="device-list">
        <h2>Disks {live ? 'of the running guest' : 'of the saved definition'}</h2>
        {disks.length === 0 ? <p className="hint small">No disks.</p> : null}
        {disks.map((disk) => (
          <DiskRow key={disk.target?.dev ?? disk.node.start} disk={disk} busy={busy} change={change} name={guest.name} />
        ))}
        <AttachDisk disks={disks} busy={busy} onAttach={(xml) => change((targets) => api.attachDevice(guest.name, xml, targets))} />
      </section>
      <section className="device-list">
        <h2>Network cards</h2>
        {interfaces.length === 0 ? <p className="hint small">No network cards.</p> : null}
        {interfaces.map((iface, i) => (
          <NicRow key={iface.mac ?? i} iface={iface} busy={busy} onDetach={(mac) => change((targets) => api.detachDevice(guest.name, { mac }, targets))} />
        ))}
        <AttachNic busy={busy} onAttach={(xml) => change((targets) => api.attachDevice(guest.name, xml, targets))} />
      </section>
    </div>
  );
}

type Change = (request: (targets: DeviceTargets) => Promise<unknown>) => Promise<void>;

function DiskRow({ disk, busy, change, name }: { disk: Disk; busy: boolean; change: Change; name: string }) {
  const dev = disk.target?.dev ?? '';
  const removable = disk.device === 'cdrom' || disk.device === 'floppy';
  const [medium, setMedium] = useState<PickedImage>();
  const [changing, setChanging] = useState(false);
  const source = disk.source?.file ?? disk.source?.dev ?? disk.source?.name;
  return (
    <div className="device-row" data-testid={`device-disk-${dev}`}>
      <strong>{dev}</strong> {disk.device} on {disk.target?.bus ?? 'default bus'} ·{' '}
      <span data-testid={`device-disk-${dev}-source`}>{source ?? (removable ? 'no medium' : 'no source')}</span>{' '}
      <button type="button" disabled={busy} onClick={() => void change((targets) => api.detachDevice(name, { target: dev }, targets))} data-testid={`device-disk-${dev}-detach`}>
        Detach
      </button>
      {removable ? (
        <>
          <button type="button" disabled={busy || source === undefined} onClick={() => void change((targets) => api.changeMedia(name, dev, null, targets))} data-testid={`device-disk-${dev}-eject`}>
            Eject
          </button>
          <button type="button" disabled={busy} onClick={() => setChanging((c) => !c)} aria-expanded={changing} data-testid={`device-disk-${dev}-change`}>
            Change medium…
          </button>
          {changing ? (
            <span className="inline-form">
              <VolumePicker value={medium} onChange={setMedium} testId={`device-disk-${dev}-medium`} label="Medium" />
              <button
                type="button"
                disabled={busy || !medium}
                data-testid={`device-disk-${dev}-insert`}
                onClick={() => medium && void change((targets) => api.changeMedia(name, dev, medium.path, targets)).then(() => setChanging(false))}
              >
                Insert
              </button>
            </span>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function AttachDisk({ disks, busy, onAttach }: { disks: readonly Disk[]; busy: boolean; onAttach: (xml: string) => Promise<void> }) {
  const [image, setImage] = useState<PickedImage>();
  const [bus, setBus] = useState<(typeof BUSES)[number]>('virtio');
  const [device, setDevice] = useState<'disk' | 'cdrom'>('disk');
  const [target, setTarget] = useState('');
  const dev = target || nextTarget(disks, device === 'cdrom' && bus === 'virtio' ? 'sata' : bus);
  return (
    <fieldset className="device-row attach" data-testid="attach-disk">
      <legend>Attach a disk</legend>
      <VolumePicker value={image} onChange={setImage} testId="attach-disk-image" />{' '}
      <label>
        as{' '}
        <select value={device} onChange={(e) => setDevice(e.target.value as 'disk' | 'cdrom')} data-testid="attach-disk-device">
          <option value="disk">disk</option>
          <option value="cdrom">CD-ROM</option>
        </select>
      </label>{' '}
      <label>
        on{' '}
        <select value={bus} onChange={(e) => setBus(e.target.value as (typeof BUSES)[number])} data-testid="attach-disk-bus">
          {BUSES.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        target <input type="text" size={5} value={target} placeholder={dev} onChange={(e) => setTarget(e.target.value.trim())} data-testid="attach-disk-target" />
      </label>{' '}
      <button type="button" disabled={busy || !image} onClick={() => image && void onAttach(diskXml(image, dev, bus, device)).then(() => setTarget(''))} data-testid="attach-disk-submit">
        Attach {dev}
      </button>
    </fieldset>
  );
}

function NicRow({ iface, busy, onDetach }: { iface: Interface; busy: boolean; onDetach: (mac: string) => Promise<void> }) {
  const mac = iface.mac;
  return (
    <div className="device-row" data-testid={`device-nic-${mac ?? 'no-mac'}`}>
      <strong>{mac ?? 'no MAC yet'}</strong> {iface.type}
      {iface.source?.network ? ` (network ${iface.source.network})` : ''} · {iface.model ?? 'default model'}{' '}
      <button type="button" disabled={busy || mac === undefined} onClick={() => mac && void onDetach(mac)} data-testid={`device-nic-${mac ?? 'no-mac'}-detach`}>
        Detach
      </button>
    </div>
  );
}

function AttachNic({ busy, onAttach }: { busy: boolean; onAttach: (xml: string) => Promise<void> }) {
  const [networks, setNetworks] = useState<NetworkSummary[]>([]);
  const [network, setNetwork] = useState('');
  const [model, setModel] = useState<string>('virtio');
  useEffect(() => {
    const abort = new AbortController();
    api.networks(abort.signal).then(setNetworks, () => undefined);
    return () => abort.abort();
  }, []);
  return (
    <fieldset className="device-row attach" data-testid="attach-nic">
      <legend>Attach a network card</legend>
      <label>
        on{' '}
        <select value={network} onChange={(e) => setNetwork(e.target.value)} data-testid="attach-nic-network">
          <option value="">user-mode networking (NAT)</option>
          {networks.map((n) => (
            <option key={n.name} value={n.name}>
              network {n.name}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        model{' '}
        <select value={model} onChange={(e) => setModel(e.target.value)} data-testid="attach-nic-model">
          {HOTPLUG_NIC_MODELS.map((m) => (
            <option key={m} value={m} title={NIC_MODELS[m]}>
              {m}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="button" disabled={busy} onClick={() => void onAttach(interfaceXml(network, model))} data-testid="attach-nic-submit">
        Attach
      </button>
    </fieldset>
  );
}
