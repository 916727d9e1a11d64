/**
 * The firmware and TPM virt-manager gives its guests: `<os firmware='efi'>` boots OVMF chosen
 * from QEMU's firmware descriptors (direct kernel boot reaches the demo guest's ready marker),
 * with a variable store copied from the template on the first start and kept after; an
 * emulated TPM 2.0 is a swtpm started before QEMU, seen by the guest as /dev/tpm0, and gone
 * with the guest.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGuestXml } from '../demoGuest.js';
import { openConsole } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning, processesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor } from '../testing/waitFor.js';
import { probeCapabilities } from './probeCapabilities.js';

const guest = demoGuest();
/** OVMF under TCG on two busy cores takes far longer than SeaBIOS to reach the kernel. */
const UEFI_BOOT_MS = 180_000;

describe('UEFI firmware and emulated TPM', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ demoGuest: guest, capabilities: probeCapabilities });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
  });

  const define = async (name: string, xml: string) => expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
  const start = async (name: string) => {
    const started = await server.api.post(`/api/domains/${name}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
  };
  // The server writes the log once the guest prints something.
  const serialLog = (name: string) => (existsSync(logOf(name)) ? readFileSync(logOf(name), 'utf8') : '');
  const logOf = (name: string) => path.join(server.stateDir, 'run', name, 'serial.log');
  const bootCount = (name: string) => serialLog(name).split(guest.readyMarker).length - 1;

  it("boots <os firmware='efi'> through OVMF and keeps the NVRAM it copied on the first start", async () => {
    const xml = demoGuestXml('uefi', guest)
      .replace('<os>', "<os firmware='efi'>")
      .replace('</type>', "</type>\n    <firmware><feature enabled='no' name='secure-boot'/></firmware>");
    await define('uefi', xml);
    const argv = (await server.api.get<{ argv: string[] }>('/api/domains/uefi/argv')).body.argv.join(' ');
    expect(argv).toContain('/usr/share/OVMF/OVMF_CODE_4M.fd');
    const nvram = path.join(server.stateDir, 'nvram', 'uefi_VARS.fd');
    expect(argv).toContain(nvram);

    await start('uefi');
    const console = await openConsole(server.url, server.token.value, 'uefi');
    await console.waitFor(guest.readyMarker, { timeoutMs: UEFI_BOOT_MS });
    await console.run('test -d /sys/firmware/efi && echo EFI-$((40+2))');
    await console.waitFor('EFI-42');
    console.close();
    const first = statSync(nvram);
    expect(first.size).toBe(statSync('/usr/share/OVMF/OVMF_VARS_4M.fd').size);
    expect((await server.api.post('/api/domains/uefi/destroy')).status).toBe(200);

    await start('uefi');
    await waitFor('the ready marker of the second boot', () => (bootCount('uefi') >= 2 ? true : undefined), UEFI_BOOT_MS);
    expect(statSync(nvram).ino, 'the same variable store, not a fresh copy').toBe(first.ino);
    expect((await server.api.post('/api/domains/uefi/destroy')).status).toBe(200);
  }, 2 * UEFI_BOOT_MS + 30_000);

  it('starts swtpm before QEMU for an emulated TPM 2.0, which the guest sees, and ends it with the guest', async () => {
    const xml = demoGuestXml('tpm', guest).replace(
      "<memballoon model='virtio'/>",
      "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>\n    <memballoon model='virtio'/>",
    );
    await define('tpm', xml);
    await start('tpm');
    const state = path.join(server.stateDir, 'swtpm', 'tpm');
    expect(processesMentioning(state).some((p) => p.includes('swtpm socket --tpm2'))).toBe(true);
    const console = await openConsole(server.url, server.token.value, 'tpm');
    await console.waitFor(guest.readyMarker);
    await console.run('test -c /dev/tpm0 && echo TPM-$((6*7))');
    await console.waitFor('TPM-42');
    console.close();
    expect(statSync(path.join(state, 'tpm2-00.permall')).isFile()).toBe(true);

    expect((await server.api.post('/api/domains/tpm/destroy')).status).toBe(200);
    await waitFor('swtpm to end with the guest', () => (processesMentioning(state).length === 0 ? true : undefined), 10_000);
  }, 120_000);
});
