/** TPMs: a -tpmdev backend and the tpm-tis / tpm-crb device. */
import { hasDevice, type BuildContext } from '../build/context.js';
import { jsonOption, keyValue, type QemuOption } from '../options.js';

const DRIVERS: Record<string, string | undefined> = { 'tpm-tis': 'tpm-tis', 'tpm-crb': 'tpm-crb' };

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
      case 'emulator':
      case 'external': {
        // swtpm serves the TPM over a UNIX socket. An external one names its socket in
        // <source>; for an emulated one (whose <source> is its state) libvirt starts swtpm
        // with a socket in the run folder, which virtdeck does not do yet.
        const runDir = ctx.runtime ? ctx.runtime.qmpSocket.slice(0, ctx.runtime.qmpSocket.lastIndexOf('/') + 1) : '';
        const socket = backend?.type === 'external' && backend.sourcePath ? backend.sourcePath : `${runDir}swtpm.sock`;
        if ((backend?.type ?? '') === 'emulator') {
          ctx.diagnostics.error(
            'host-resource-needed',
            backend?.node ?? tpm.node,
            'An emulated TPM needs swtpm running for the guest; virtdeck does not start it yet. Start swtpm yourself and use <backend type=\'external\'> with its socket.',
          );
        }
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
