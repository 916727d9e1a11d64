import { uefiOffers } from '@virtdeck/qemu';
import type { HostInfo } from '../../api/types';
import type { DomainForm, FormChange } from '../../editor/domainForm';
import { FIRMWARE_FORM_CHOICES, tpmModelFor, type FirmwareFormChoice } from '../../editor/hardwareForm';
import type { EmulatorChoices } from '../../editor/protocol';
import { usePendingValue } from '../common/usePendingValue';

/**
 * Firmware (BIOS, UEFI, UEFI with secure boot: those of QEMU's firmware descriptors that fit
 * this guest) and an emulated TPM, each offered only where the host can give it, with why not.
 */
export function FirmwareAndTpm({
  form,
  host,
  emulator,
  onChange,
}: {
  form: DomainForm;
  host: HostInfo | undefined;
  emulator: EmulatorChoices | undefined;
  onChange: (change: FormChange) => Promise<void>;
}) {
  const unusable = firmwareReasons(form, host, emulator);
  const [firmware, chooseFirmware] = usePendingValue<string>(form.firmware.choice);
  const [tpmOn, chooseTpm] = usePendingValue(form.tpm !== undefined);
  const tpmMissing = host && !host.tpmEmulator ? 'this host has no swtpm (install the Debian packages swtpm and swtpm-tools)' : undefined;
  const why = unusable[firmware as FirmwareFormChoice];
  return (
    <fieldset data-testid="form-firmware-tpm">
      <legend>Firmware and TPM</legend>
      <label className="field">
        <span>Firmware</span>
        <select
          value={firmware}
          onChange={(e) => {
            const value = e.target.value as FirmwareFormChoice;
            chooseFirmware(value, onChange({ kind: 'firmware', value }));
          }}
          data-testid="form-firmware"
        >
          {form.firmware.choice === 'uefi-any' ? <option value="uefi-any">UEFI (secure boot as the host&apos;s first firmware has it)</option> : null}
          {form.firmware.choice === 'loader' ? <option value="loader">loader {form.firmware.loader}</option> : null}
          {(Object.keys(FIRMWARE_FORM_CHOICES) as FirmwareFormChoice[]).map((choice) => (
            <option key={choice} value={choice} disabled={unusable[choice] !== undefined && choice !== firmware} title={unusable[choice]}>
              {FIRMWARE_FORM_CHOICES[choice]}
              {unusable[choice] !== undefined ? ` — ${unusable[choice]}` : ''}
            </option>
          ))}
        </select>
      </label>
      {why !== undefined ? (
        <p className="form-warning small" data-testid="form-firmware-reason">
          Cannot start here: {why}.
        </p>
      ) : null}
      <label className="field checkbox" title={tpmMissing}>
        <input
          type="checkbox"
          checked={tpmOn}
          disabled={!tpmOn && tpmMissing !== undefined}
          onChange={(e) => chooseTpm(e.target.checked, onChange({ kind: 'tpm', enabled: e.target.checked }))}
          data-testid="form-tpm"
        />
        <span>{form.tpm ? tpmText(form.tpm) : `Emulated TPM 2.0 (${tpmModelFor(form.machine)}, swtpm)`}</span>
      </label>
      {tpmMissing !== undefined ? (
        <p className="hint small" data-testid="form-tpm-reason">
          {form.tpm?.backend === 'emulator' ? 'Cannot start here: ' : 'Not offered: '}
          {tpmMissing}.
        </p>
      ) : null}
    </fieldset>
  );
}

function tpmText(tpm: NonNullable<DomainForm['tpm']>): string {
  const backend = tpm.backend === 'passthrough' ? "the host's TPM (passthrough)" : tpm.backend === 'external' ? 'an external swtpm' : 'emulated by swtpm';
  return `TPM ${tpm.model ?? 'tpm-tis'}, ${backend}`;
}

/** Why each firmware cannot run this guest here; none while the host is unknown. */
function firmwareReasons(form: DomainForm, host: HostInfo | undefined, emulator: EmulatorChoices | undefined): Partial<Record<FirmwareFormChoice, string>> {
  if (!host) return {};
  const arch = form.arch ?? host.host.arch;
  const named = form.machine ?? emulator?.machines.find((m) => m.isDefault)?.name ?? '';
  // Descriptors match canonical names (pc-q35-7.2), which the alias (q35) stands for.
  const machine = emulator?.machines.find((m) => m.name === named || m.alias === named)?.name ?? named;
  const offers = uefiOffers(host.firmware, arch, machine);
  const reasons: Partial<Record<FirmwareFormChoice, string>> = {};
  for (const [choice, offer] of Object.entries(offers) as [keyof typeof offers, (typeof offers)[keyof typeof offers]][]) {
    if ('reason' in offer) reasons[choice] = offer.reason;
  }
  return reasons;
}
