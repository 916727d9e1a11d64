/** TPMs: a -tpmdev backend and the tpm-tis / tpm-crb device. */
import type { Tpm, TPM_MODELS } from '@virtdeck/schema';
import { hasDevice, runFile, type BuildContext } from '../build/context.js';
import { jsonOption, keyValue, type QemuOption } from '../options.js';

const DRIVERS: Record<string, string | undefined> = { 'tpm-tis': 'tpm-tis', 'tpm-crb': 'tpm-crb', 'tpm-spapr': undefined, 'spapr-tpm-proxy': undefined } satisfies Record<keyof typeof TPM_MODELS, string | undefined>;

export function buildTpmArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  ctx.domain.devices.tpms.forEach((tpm, i) => {
    const driver = DRIVERS[tpm.model ?? 'tpm-tis'];
    if (!driver) {
      ctx.diagnostics.unsupported(tpm.node, `TPM model '${tpm.model ?? '?'}'`, true);
      return;
    }
    const id = ctx.layout.alias.get(tpm) ?? `tpm${i}`;
    const tpmdev = `tpm-${id}`;
    const backend = tpm.backend;
    switch (backend?.type ?? 'passthrough') {
      case 'passthrough': {
        const path = backend?.devicePath ?? '/dev/tpm0';
        options.push({ flag: '-tpmdev', value: keyValue([['id', tpmdev], ['path', path]], 'passthrough') });
        break;
      }
      case 'emulator': {
        planSwtpm(ctx, tpm);
        options.push({ flag: '-chardev', value: keyValue([['id', 'chrtpm'], ['path', runFile(ctx, SWTPM_FILES.socket)]], 'socket') });
        options.push({ flag: '-tpmdev', value: keyValue([['id', tpmdev], ['chardev', 'chrtpm']], 'emulator') });
        break;
      }
      case 'external': {
        // An external swtpm, started by someone else, names its socket in <source>.
        const socket = backend?.sourcePath ?? runFile(ctx, SWTPM_FILES.socket);
        options.push({ flag: '-chardev', value: keyValue([['id', 'chrtpm'], ['path', socket]], 'socket') });
        options.push({ flag: '-tpmdev', value: keyValue([['id', tpmdev], ['chardev', 'chrtpm']], 'emulator') });
        break;
      }
      default:
        ctx.diagnostics.unsupported(backend?.node ?? tpm.node, `TPM backend '${backend?.type ?? '?'}'`, true);
        return;
    }
    if (!hasDevice(ctx, driver)) ctx.diagnostics.error('device-model-unknown', tpm.node, `This QEMU has no '${driver}' device.`);
    options.push({ flag: '-device', value: jsonOption({ driver, tpmdev, id }) });
  });
  return options;
}

/** swtpm's files in the guest's run folder. */
export const SWTPM_FILES = { socket: 'swtpm.sock', pid: 'swtpm.pid', log: 'swtpm.log' } as const;

/**
 * An emulated TPM is a swtpm the server starts before QEMU, with its state kept per guest
 * (LaunchRuntime.tpmStateDir, or the folder <source type='dir'> names). What stops it is an
 * error; the options stay, as libvirt writes them, for the preview.
 */
function planSwtpm(ctx: BuildContext, tpm: Tpm): void {
  const backend = tpm.backend;
  const at = backend?.node ?? tpm.node;
  const version = backend?.version ?? '2.0';
  if (version !== '1.2' && version !== '2.0') {
    ctx.diagnostics.error('invalid-value', at, `TPM version '${version}' does not exist: use 1.2 or 2.0.`);
    return;
  }
  if (tpm.model === 'tpm-crb' && version !== '2.0') {
    ctx.diagnostics.error('invalid-combination', at, "The tpm-crb interface is TPM 2.0 only: use version='2.0' or model='tpm-tis'.");
    return;
  }
  if (backend?.encryptionSecret !== undefined) {
    // Refused rather than dropped: the TPM state would be stored unencrypted.
    ctx.diagnostics.error('not-supported-yet', at, 'Encrypting the TPM state (<encryption secret=…>) is not supported by virtdeck yet: the guest does not start rather than keep its TPM unencrypted.');
    return;
  }
  if (ctx.caps && !ctx.caps.tpmEmulator) {
    ctx.diagnostics.error('host-resource-needed', at, 'An emulated TPM needs swtpm, which this host does not have: install the Debian packages swtpm and swtpm-tools.');
    return;
  }
  const runtime = ctx.runtime;
  const emulator = ctx.caps?.tpmEmulator;
  const stateDir = backend?.sourcePath ?? runtime?.tpmStateDir;
  if (runtime && emulator && stateDir !== undefined) {
    const uuid = ctx.domain.uuid;
    ctx.launch.swtpm = {
      swtpm: emulator.swtpm,
      swtpmSetup: emulator.swtpmSetup,
      version,
      stateDir,
      socket: runFile(ctx, SWTPM_FILES.socket),
      pidFile: runFile(ctx, SWTPM_FILES.pid),
      logFile: runFile(ctx, SWTPM_FILES.log),
      vmid: uuid ? `${ctx.domain.name}:${uuid}` : ctx.domain.name,
      pcrBanks: backend?.activePcrBanks ?? [],
    };
  }
}
