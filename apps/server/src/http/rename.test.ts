import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DefinitionVersion, GuestSummary, LifecycleEvent } from '../api.js';
import { definitionWithDisk, smallDefinition } from '../testing/definitions.js';
import { SseClient } from '../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

const xml = smallDefinition;

describe('renaming a guest by saving its definition under a new name (virsh domrename)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('moves the definition, its UUID, autostart, events and history to the new name, and says so on the stream', async () => {
    await server.api.post('/api/domains', { xml: xml('before') });
    await server.api.put('/api/domains/before/autostart', { json: { autostart: true } });
    await server.api.put('/api/domains/before/xml', { xml: xml('before', 96) });
    const uuid = /<uuid>([^<]+)<\/uuid>/.exec((await server.api.get<string>('/api/domains/before/xml')).body)?.[1];
    const stream = await SseClient.connect(server.url, server.token.value);
    await stream.next('snapshot');

    const renamed = await server.api.put<GuestSummary>('/api/domains/before/xml', { xml: xml('after', 128) });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'after', state: 'shutoff', autostart: true, memoryKiB: 128 * 1024 } });
    // Pages open on the old name learn where the guest went, rather than that it was deleted.
    expect((await stream.next<{ name: string }>('removed')).data).toEqual({ host: 'local', name: 'before', renamedTo: 'after' });
    expect((await stream.next<GuestSummary>('guest', (g) => g.name === 'after')).data).toMatchObject({ autostart: true });
    stream.close();

    expect((await server.api.get('/api/domains/before')).status).toBe(404);
    const saved = (await server.api.get<string>('/api/domains/after/xml')).body;
    expect(saved).toContain(`<uuid>${uuid}</uuid>`);
    expect(saved).toContain("<!-- the user's own words -->");
    expect((await server.api.get<GuestSummary[]>('/api/domains')).body.map((g) => g.name)).toEqual(['after']);

    const stateDir = server.stateDir;
    expect(await readdir(path.join(stateDir, 'domains'))).toEqual(['after.xml']);
    expect(await readlink(path.join(stateDir, 'autostart', 'after.xml'))).toBe(path.join('..', 'domains', 'after.xml'));
    await expect(lstat(path.join(stateDir, 'autostart', 'before.xml'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(lstat(path.join(stateDir, 'run', 'before'))).rejects.toMatchObject({ code: 'ENOENT' });

    // Both earlier definitions followed it: the first save's and the one the rename replaced.
    const versions = (await server.api.get<DefinitionVersion[]>('/api/domains/after/history')).body;
    expect(await Promise.all(versions.map(async (v) => (await server.api.get<string>(`/api/domains/after/history/${v.id}`)).body))).toEqual([xml('before', 96).replace('</name>', `</name>\n  <uuid>${uuid}</uuid>`), expect.stringContaining('<name>before</name>')]);
    const events = (await server.api.get<LifecycleEvent[]>('/api/domains/after/events')).body;
    expect(events.at(-1)).toMatchObject({ event: 'defined', detail: "renamed from 'before'" });
    expect(events.length).toBeGreaterThan(2);
  });

  it('takes its TPM state and UEFI variables to the new name, and leaves its disk and a variable store its definition names where they are', async () => {
    const stateDir = server.stateDir;
    const image = path.join(stateDir, 'images', 'uefi.qcow2');
    const uefi = (name: string, nvram = '') =>
      definitionWithDisk(name, image, { devices: "\n    <tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>" }).replace(
        "<os>\n    <type arch='x86_64' machine='q35'>hvm</type>",
        `<os firmware='efi'>\n    <type arch='x86_64' machine='q35'>hvm</type>${nvram}`,
      );
    // What its starts left: swtpm's state and the variable store made from the template.
    const kept = async (file: string, text: string) => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    };
    await kept(image, 'the disk');
    await kept(path.join(stateDir, 'swtpm', 'uefi', 'tpm2-00.permall'), 'TPM keys');
    await kept(path.join(stateDir, 'nvram', 'uefi_VARS.fd'), 'boot entries');
    // A guest of the new name that was deleted left its variables behind.
    await kept(path.join(stateDir, 'nvram', 'uefi-b_VARS.fd'), "a deleted guest's boot entries");
    expect((await server.api.post('/api/domains', { xml: uefi('uefi') })).status).toBe(201);

    expect((await server.api.put<GuestSummary>('/api/domains/uefi/xml', { xml: uefi('uefi-b') })).status).toBe(200);
    expect(await readFile(path.join(stateDir, 'swtpm', 'uefi-b', 'tpm2-00.permall'), 'utf8')).toBe('TPM keys');
    expect(await readFile(path.join(stateDir, 'nvram', 'uefi-b_VARS.fd'), 'utf8')).toBe('boot entries');
    expect(await readdir(path.join(stateDir, 'swtpm'))).toEqual(['uefi-b']);
    expect(await readdir(path.join(stateDir, 'nvram'))).toEqual(['uefi-b_VARS.fd']);
    expect(await readFile(image, 'utf8')).toBe('the disk');
    expect((await server.api.get<string>('/api/domains/uefi-b/xml')).body).toContain(`<source file='${image}'/>`);

    // A variable store the definition names is a file of its own, as the disk is: it stays.
    const named = '\n    <nvram>/var/lib/libvirt/qemu/nvram/uefi-b_VARS.fd</nvram>';
    expect((await server.api.put('/api/domains/uefi-b/xml', { xml: uefi('uefi-b', named) })).status).toBe(200);
    expect((await server.api.put<GuestSummary>('/api/domains/uefi-b/xml', { xml: uefi('uefi-c', named) })).status).toBe(200);
    expect(await readdir(path.join(stateDir, 'nvram'))).toEqual(['uefi-b_VARS.fd']);
    expect(await readdir(path.join(stateDir, 'swtpm'))).toEqual(['uefi-c']);
  });

  it('deletes the TPM state and UEFI variables a deleted guest kept, so a new guest of its name starts afresh, unless its definition keeps them', async () => {
    const stateDir = server.stateDir;
    const image = path.join(stateDir, 'images', 'uefi.qcow2');
    const uefi = (name: string, { backend = '', nvram = '' } = {}) =>
      definitionWithDisk(name, image, { devices: `\n    <tpm model='tpm-crb'><backend type='emulator' version='2.0'${backend}/></tpm>` }).replace(
        "<os>\n    <type arch='x86_64' machine='q35'>hvm</type>",
        `<os firmware='efi'>\n    <type arch='x86_64' machine='q35'>hvm</type>${nvram}`,
      );
    const kept = async (file: string, text: string) => {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    };
    const exists = (file: string) => lstat(file).then(() => true, () => false);
    await kept(image, 'the disk');

    // What the guest's starts left goes with it; its disk stays.
    await kept(path.join(stateDir, 'swtpm', 'gone', 'tpm2-00.permall'), 'TPM keys');
    await kept(path.join(stateDir, 'nvram', 'gone_VARS.fd'), 'boot entries');
    expect((await server.api.post('/api/domains', { xml: uefi('gone') })).status).toBe(201);
    expect((await server.api.delete('/api/domains/gone')).status).toBe(204);
    expect(await exists(path.join(stateDir, 'swtpm', 'gone'))).toBe(false);
    expect(await exists(path.join(stateDir, 'nvram', 'gone_VARS.fd'))).toBe(false);
    expect(await readFile(image, 'utf8')).toBe('the disk');

    // persistent_state='yes' keeps the TPM's state, and a store the definition names is its own file.
    await kept(path.join(stateDir, 'swtpm', 'kept', 'tpm2-00.permall'), 'TPM keys');
    await kept(path.join(stateDir, 'nvram', 'kept_VARS.fd'), 'boot entries');
    const named = { backend: " persistent_state='yes'", nvram: '\n    <nvram>/var/lib/libvirt/qemu/nvram/kept_VARS.fd</nvram>' };
    expect((await server.api.post('/api/domains', { xml: uefi('kept', named) })).status).toBe(201);
    expect((await server.api.delete('/api/domains/kept')).status).toBe(204);
    expect(await readFile(path.join(stateDir, 'swtpm', 'kept', 'tpm2-00.permall'), 'utf8')).toBe('TPM keys');
    expect(await readFile(path.join(stateDir, 'nvram', 'kept_VARS.fd'), 'utf8')).toBe('boot entries');
  });

  it('refuses a name another guest has, a name that cannot be a guest, and an unknown guest', async () => {
    await server.api.post('/api/domains', { xml: xml('one') });
    await server.api.post('/api/domains', { xml: xml('two') });
    expect((await server.api.put('/api/domains/one/xml', { xml: xml('two') })).status).toBe(409);
    expect((await server.api.put('/api/domains/one/xml', { xml: xml('../up') })).status).toBe(422);
    expect((await server.api.put('/api/domains/nobody/xml', { xml: xml('three') })).status).toBe(404);
    expect((await server.api.get<GuestSummary[]>('/api/domains')).body.map((g) => g.name)).toEqual(['one', 'two']);
  });
});
