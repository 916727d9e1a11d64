import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary } from '../../api.js';
import { TAGS_NAMESPACE } from '../../guests/guestTags.js';
import { smallDefinition } from '../../testing/definitions.js';
import type { LibvirtHost } from '../../testing/libvirtHost.js';
import { startLibvirtTestbed, type LibvirtTestbed } from '../../testing/libvirtTestbed.js';
import type { TestServer } from '../../testing/testServer.js';

/**
 * Tags of a libvirt guest live in its definition's <metadata> under virtdeck's namespace, so
 * libvirt keeps them: `virsh dumpxml` shows them, `virsh metadata` reads them by that
 * namespace, and a definition `virsh define`d back from the dump still has them.
 */
describe('tags of a guest of a libvirt host', () => {
  const name = `vdt-${process.pid}-tags`;
  let testbed: LibvirtTestbed;
  let libvirt: LibvirtHost;
  let server: TestServer;

  beforeAll(async () => {
    testbed = await startLibvirtTestbed();
    ({ libvirt, server } = testbed);
  }, 90_000);
  afterAll(async () => {
    await testbed?.close([name]);
  });

  it('are kept by libvirt through dumpxml, metadata and a define of the dump, and removed without a trace', async () => {
    expect((await server.api.post('/api/hosts/lv/domains', { xml: smallDefinition(name, 64) })).status).toBe(201);
    const tagged = await server.api.put<GuestSummary>(`/api/hosts/lv/domains/${name}/tags`, { json: { tags: ['db', 'prod'] } });
    expect(tagged).toMatchObject({ status: 200, body: { name, host: 'lv', tags: ['db', 'prod'] } });

    const dumped = await libvirt.virsh('dumpxml', name);
    expect(dumped).toMatch(new RegExp(`<metadata>\\s*<virtdeck:tags xmlns:virtdeck="${TAGS_NAMESPACE.replace(/[./]/g, '\\$&')}">\\s*<virtdeck:tag>db</virtdeck:tag>\\s*<virtdeck:tag>prod</virtdeck:tag>\\s*</virtdeck:tags>\\s*</metadata>`));
    expect(await libvirt.virsh('metadata', name, TAGS_NAMESPACE)).toMatch(/<tags[^>]*>\s*<tag>db<\/tag>\s*<tag>prod<\/tag>\s*<\/tags>/);

    // Defined again from outside from its own dump (as a backup restored with virsh would be), it keeps them.
    await libvirt.virsh('undefine', name);
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'virtdeck-tags-')), `${name}.xml`);
    await writeFile(file, dumped);
    await libvirt.virsh('define', file);
    await rm(path.dirname(file), { recursive: true });
    await expect.poll(async () => (await server.api.get<GuestSummary>(`/api/hosts/lv/domains/${name}`)).body.tags, { timeout: 30_000 }).toEqual(['db', 'prod']);

    expect((await server.api.put<GuestSummary>(`/api/hosts/lv/domains/${name}/tags`, { json: { tags: [] } })).body.tags).toEqual([]);
    const after = await libvirt.virsh('dumpxml', name);
    expect(after).not.toContain(TAGS_NAMESPACE);
    expect(after).not.toContain('<metadata');
  });
});
