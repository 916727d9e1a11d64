import type { Router } from 'express';
import { z } from 'zod';
import { withHost } from '../hosts/Hosts.js';
import type { HostOfRequest } from './domainRoutes.js';
import { jsonBody, MAX_XML_BYTES, parseInput } from './input.js';

const flag = z.boolean().optional();
const flagQuery = z.enum(['0', '1', 'true', 'false']).optional();
const on = (value: string | undefined): boolean | undefined => (value === undefined ? undefined : value === '1' || value === 'true');

export const attachBody = z.object({ xml: z.string().min(1, 'the device XML is empty').max(MAX_XML_BYTES), live: flag, config: flag }).strict();
const diskTarget = z.string().regex(/^[a-z]{2,3}[a-z0-9]{0,8}$/, 'a disk target such as vdb, sda or hdc');
const mac = z.string().regex(/^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/, 'a MAC address such as 52:54:00:12:34:56');
const alias = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'a device alias such as virtio-disk1, net1 or ua-data');
// Never an option to virsh (libvirt hosts pass it on as an argument): a path, not starting with '-'.
const mediumPath = z.string().min(1).max(4096).regex(/^[^-]/, 'a file path, not starting with -').refine((p) => !p.includes('\0'), 'no NUL characters');
export const detachQuery = z
  .object({ target: diskTarget.optional(), mac: mac.optional(), alias: alias.optional(), live: flagQuery, config: flagQuery })
  .strict()
  .refine((q) => [q.target, q.mac, q.alias].filter((v) => v !== undefined).length === 1, 'name the device with exactly one of target (a disk: vdb), mac (an interface) or alias');
export const mediaBody = z.object({ source: mediumPath.nullable(), live: flag, config: flag }).strict();

/**
 * Changes to a guest's devices (virsh attach-device / detach-device / change-media); `live`
 * and `config` choose the running guest, the saved definition or both (neither: the running
 * guest when it runs, else the definition). Registered before the `/:name/:action` route.
 */
export function addDeviceRoutes(router: Router, hostOf: HostOfRequest, nameOf: (params: { name?: string }) => string): void {
  router.post('/:name/devices', async (req, res) => {
    const { host, driver } = hostOf(req);
    const { xml, live, config } = parseInput(attachBody, jsonBody(req), 'device to attach');
    res.json(withHost(host, await driver.attachDevice(nameOf(req.params), xml, { live, config })));
  });

  router.delete('/:name/devices', async (req, res) => {
    const { host, driver } = hostOf(req);
    const query = parseInput(detachQuery, req.query, 'detach request');
    const selector = query.target !== undefined ? { target: query.target } : query.mac !== undefined ? { mac: query.mac } : { alias: query.alias ?? '' };
    res.json(withHost(host, await driver.detachDevice(nameOf(req.params), selector, { live: on(query.live), config: on(query.config) })));
  });

  router.post('/:name/disks/:dev/media', async (req, res) => {
    const { host, driver } = hostOf(req);
    const dev = parseInput(diskTarget, req.params.dev, 'disk target');
    const { source, live, config } = parseInput(mediaBody, jsonBody(req), 'medium change');
    res.json(withHost(host, await driver.changeMedia(nameOf(req.params), dev, source, { live, config })));
  });
}
