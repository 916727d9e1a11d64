import { DISK_BUSES, DISK_DEVICES, DISK_FORMATS, FORM_BOOT_DEVICES, FORM_DISK_BUSES, FORM_DISK_DEVICES, FORM_DISK_FORMATS, type BootDevice } from '@virtdeck/schema';
import { useState } from 'react';
import type { HostInfo } from '../../api/types';
import type { EmulatorChoices } from '../../editor/protocol';
import { VolumePicker } from '../storage/VolumePicker';
import { CPU_FORM_MODES, type CpuFormMode, type DiskForm, type DomainForm, type FormChange } from '../../editor/domainForm';
import { AcceleratorPicker } from './AcceleratorPicker';
import { Choice } from './Choice';
import { CommitInput } from './CommitInput';
import { FirmwareAndTpm } from './FirmwareAndTpm';
import { Interfaces } from './Interfaces';
import { usePendingValue } from '../common/usePendingValue';

/** The boot devices' names in the form, one for each of the schema's. */
const BOOT_CHOICES = { hd: 'hard disk', cdrom: 'CD-ROM', network: 'network (PXE)', fd: 'floppy' } as const satisfies Record<BootDevice, string>;

/**
 * The definition's main settings as a form, two-way with the XML: it shows what the
 * worker read from the text, and each change goes back as a minimal edit of the text.
 */
export function DomainFormPanel({
  form,
  host,
  emulator,
  onChange,
}: {
  form: DomainForm | null;
  host: HostInfo | undefined;
  /** The emulator the definition runs on, as the worker found it in the host capabilities. */
  emulator: EmulatorChoices | undefined;
  onChange: (change: FormChange) => Promise<void>;
}) {
  if (!form) return <p className="hint">The form appears once the XML can be read.</p>;
  return (
    <div className="domain-form" data-testid="domain-form">
      <AcceleratorPicker form={form} host={host} onChange={onChange} />
      <fieldset>
        <legend>Guest</legend>
        <label className="field">
          <span>Name</span>
          <CommitInput value={form.name} onCommit={(value) => onChange({ kind: 'name', value })} data-testid="form-name" spellCheck={false} />
        </label>
        <label className="field">
          <span>Memory (MiB)</span>
          <CommitInput
            type="number"
            min={1}
            value={form.memoryMiB === undefined ? '' : String(form.memoryMiB)}
            onCommit={(value) => Number(value) > 0 && onChange({ kind: 'memory', mib: Math.round(Number(value)) })}
            data-testid="form-memory"
          />
        </label>
        <label className="field">
          <span>vCPUs</span>
          <CommitInput
            type="number"
            min={1}
            max={machineCpuMax(emulator, form.machine)}
            value={form.vcpus === undefined ? '' : String(form.vcpus)}
            onCommit={(value) => Number(value) >= 1 && onChange({ kind: 'vcpus', count: Math.round(Number(value)) })}
            data-testid="form-vcpus"
          />
        </label>
      </fieldset>
      <fieldset>
        <legend>Machine</legend>
        <MachinePicker form={form} emulator={emulator} onChange={onChange} />
        <CpuPicker form={form} emulator={emulator} onChange={onChange} />
        <BootOrder form={form} onChange={onChange} />
      </fieldset>
      <FirmwareAndTpm form={form} host={host} emulator={emulator} onChange={onChange} />
      <Disks disks={form.disks} onChange={onChange} />
      <Interfaces interfaces={form.interfaces} host={host} onChange={onChange} />
    </div>
  );
}

function machineCpuMax(emulator: EmulatorChoices | undefined, machine: string | undefined): number | undefined {
  if (!emulator || !machine) return undefined;
  return emulator.machines.find((m) => m.name === machine || m.alias === machine)?.cpuMax;
}

function MachinePicker({ form, emulator, onChange }: { form: DomainForm; emulator: EmulatorChoices | undefined; onChange: (change: FormChange) => Promise<void> }) {
  const machines = emulator?.machines ?? [];
  // Aliases (`pc`, `q35`) first: they follow QEMU upgrades, which is what most people want.
  const names = [...new Set([...machines.flatMap((m) => (m.alias ? [m.alias] : [])), ...machines.filter((m) => !m.deprecated).map((m) => m.name)])];
  const [current, choose] = usePendingValue(form.machine ?? '');
  if (current && !names.includes(current)) names.unshift(current);
  return (
    <label className="field">
      <span>Machine type</span>
      <select value={current} onChange={(e) => choose(e.target.value, onChange({ kind: 'machine', value: e.target.value }))} data-testid="form-machine">
        {current === '' ? <option value="">QEMU&apos;s default</option> : null}
        {names.map((name) => {
          const info = machines.find((m) => m.name === name || m.alias === name);
          const unknown = emulator !== undefined && !info;
          return (
            <option key={name} value={name}>
              {name}
              {info?.alias === name ? ` (${info.name})` : ''}
              {unknown ? ' (not in this QEMU)' : ''}
            </option>
          );
        })}
      </select>
    </label>
  );
}

function CpuPicker({ form, emulator, onChange }: { form: DomainForm; emulator: EmulatorChoices | undefined; onChange: (change: FormChange) => Promise<void> }) {
  const [mode, chooseMode] = usePendingValue((form.cpu.mode ?? 'default') as CpuFormMode | 'default');
  const models = emulator?.cpuModels.filter((m) => !m.deprecated) ?? [];
  const [current, chooseModel] = usePendingValue(form.cpu.model ?? '');
  return (
    <>
      <label className="field">
        <span>CPU</span>
        <select
          value={mode}
          onChange={(e) => {
            const next = e.target.value as CpuFormMode | 'default';
            chooseMode(next, onChange({ kind: 'cpu', mode: next, model: next === 'custom' ? current || models[0]?.name : undefined }));
          }}
          data-testid="form-cpu-mode"
        >
          <option value="default">QEMU&apos;s default model</option>
          {(Object.keys(CPU_FORM_MODES) as CpuFormMode[]).map((m) => (
            <option key={m} value={m} title={CPU_FORM_MODES[m]}>
              {m}
            </option>
          ))}
          {mode !== 'default' && !Object.hasOwn(CPU_FORM_MODES, mode) ? <option value={mode}>{mode}</option> : null}
        </select>
      </label>
      {mode === 'custom' ? (
        <label className="field">
          <span>CPU model</span>
          <select value={current} onChange={(e) => chooseModel(e.target.value, onChange({ kind: 'cpu', mode: 'custom', model: e.target.value }))} data-testid="form-cpu-model">
            {current && !models.some((m) => m.name === current) ? <option value={current}>{current} (not in this QEMU)</option> : null}
            {models.map((m) => (
              <option key={m.name} value={m.name} title={m.unavailableFeatures.length > 0 ? `Missing here: ${m.unavailableFeatures.join(', ')}` : undefined}>
                {m.name}
                {m.unavailableFeatures.length > 0 ? ' (not all features here)' : ''}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </>
  );
}

function BootOrder({ form, onChange }: { form: DomainForm; onChange: (change: FormChange) => Promise<void> }) {
  const [adding, setAdding] = useState('');
  if (form.perDeviceBoot) return <p className="hint small">Boot order is set per device (&lt;boot order&gt;); edit it in the XML.</p>;
  const set = (devices: string[]) => void onChange({ kind: 'boot', devices });
  const remaining = FORM_BOOT_DEVICES.filter((d) => !form.boot.includes(d));
  return (
    <div className="field boot-order" data-testid="form-boot">
      <span>Boot order</span>
      <ol>
        {form.boot.map((dev, i) => (
          <li key={dev}>
            {BOOT_CHOICES[dev as keyof typeof BOOT_CHOICES] ?? dev}
            <button type="button" className="icon" aria-label={`Boot ${dev} earlier`} disabled={i === 0} onClick={() => set(moved(form.boot, i, i - 1))}>
              ↑
            </button>
            <button type="button" className="icon" aria-label={`Do not boot from ${dev}`} onClick={() => set(form.boot.filter((d) => d !== dev))}>
              ✕
            </button>
          </li>
        ))}
      </ol>
      {form.boot.length === 0 ? <span className="hint small">Not set: the first disk (or the kernel given in &lt;os&gt;).</span> : null}
      {remaining.length > 0 ? (
        <select
          value={adding}
          aria-label="Add a boot device"
          onChange={(e) => {
            setAdding('');
            if (e.target.value) set([...form.boot, e.target.value]);
          }}
        >
          <option value="">Add…</option>
          {remaining.map((d) => (
            <option key={d} value={d}>
              {BOOT_CHOICES[d]}
            </option>
          ))}
        </select>
      ) : null}
    </div>
  );
}

function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  if (item !== undefined) copy.splice(to, 0, item);
  return copy;
}

function Disks({ disks, onChange }: { disks: DiskForm[]; onChange: (change: FormChange) => Promise<void> }) {
  return (
    <fieldset data-testid="form-disks">
      <legend>Disks</legend>
      {disks.length === 0 ? <p className="hint small">No disks.</p> : null}
      {disks.map((disk, index) => (
        <div className="device-row" key={index} data-testid={`form-disk-${index}`}>
          <div className="device-title">
            <Choice value={disk.device} choices={FORM_DISK_DEVICES} descriptions={DISK_DEVICES} onChange={(value) => onChange({ kind: 'disk', index, field: 'device', value })} label="Device kind" />
            <span className="hint small">{disk.type}</span>
            <span className="spacer" />
            <button type="button" className="icon" aria-label={`Remove disk ${disk.targetDev ?? index + 1}`} onClick={() => onChange({ kind: 'remove-disk', index })}>
              ✕
            </button>
          </div>
          <label className="field">
            <span>Source</span>
            <CommitInput value={disk.source ?? ''} placeholder="/path/to/image" spellCheck={false} onCommit={(value) => onChange({ kind: 'disk', index, field: 'source', value })} />
          </label>
          <VolumePicker
            value={undefined}
            label="or a volume"
            testId={`form-disk-${index}-volume`}
            onChange={(picked) => {
              if (!picked) return;
              // The volume's format goes with it (a qcow2 read as raw would show the guest its header).
              void onChange({ kind: 'disk', index, field: 'source', value: picked.path }).then(() =>
                picked.format === 'qcow2' || picked.format === 'raw' ? onChange({ kind: 'disk', index, field: 'format', value: picked.format }) : undefined,
              );
            }}
          />
          <div className="field-row">
            <label className="field">
              <span>Target</span>
              <CommitInput value={disk.targetDev ?? ''} spellCheck={false} onCommit={(value) => onChange({ kind: 'disk', index, field: 'targetDev', value })} />
            </label>
            <label className="field">
              <span>Bus</span>
              <Choice value={disk.targetBus} choices={FORM_DISK_BUSES} descriptions={DISK_BUSES} onChange={(value) => onChange({ kind: 'disk', index, field: 'targetBus', value })} />
            </label>
            <label className="field">
              <span>Format</span>
              <Choice value={disk.format} choices={FORM_DISK_FORMATS} descriptions={DISK_FORMATS} onChange={(value) => onChange({ kind: 'disk', index, field: 'format', value })} />
            </label>
          </div>
        </div>
      ))}
      <div className="actions">
        <button type="button" onClick={() => onChange({ kind: 'add-disk', device: 'disk' })} data-testid="form-add-disk">
          Add disk
        </button>
        <button type="button" onClick={() => onChange({ kind: 'add-disk', device: 'cdrom' })}>
          Add CD-ROM
        </button>
      </div>
    </fieldset>
  );
}
