/**
 * Test support for launching corpus guests on this host: the definitions name host
 * resources that do not exist here (LVM volumes, NBD servers, /dev/ttyS2, swtpm, bridges).
 * Each is replaced by a local stand-in in a temporary folder, or left out, and every change
 * is recorded so the test output says what was not tried as written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { keyValue, type JsonObject } from '../options.js';
import { parseArgv, parseKeyValue, type ParsedOption } from './qemuSyntax.js';

export interface Substituted {
  argv: string[];
  /** What was replaced or left out, and why. */
  notes: string[];
  /** Listening sockets standing in for servers the guest connects to; close them after. */
  servers: net.Server[];
}

const GUEST_DIR = fileURLToPath(new URL('../../../../.cache/guest/', import.meta.url));
const NETWORK_BLOCK_DRIVERS = new Set(['nbd', 'iscsi', 'rbd', 'gluster', 'http', 'https', 'ftp', 'ftps', 'ssh', 'nfs']);
const IMAGE_FORMATS = new Set(['qcow2', 'qcow', 'qed', 'vmdk', 'vdi', 'vpc', 'vhdx']);

function listen(server: net.Server, target: string | number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(target, () => resolve());
  });
}

const isJson = (value: string | undefined): boolean => value?.startsWith('{') === true;
const pairsToValue = (pairs: Array<[string, string]>): string => {
  const implied = pairs[0]?.[0] === '' ? pairs[0][1] : undefined;
  const rest = (implied === undefined ? pairs : pairs.slice(1)).map(([k, v]): [string, string] => [k, v]);
  const body = keyValue(rest.filter(([k]) => /^[A-Za-z0-9_.-]+$/.test(k)));
  return implied === undefined ? body : body ? `${implied.replaceAll(',', ',,')},${body}` : implied.replaceAll(',', ',,');
};

export async function substituteHostResources(argv: readonly string[], dir: string): Promise<Substituted> {
  const notes: string[] = [];
  const servers: net.Server[] = [];
  let counter = 0;
  const fresh = (name: string): string => `${dir}/${name}${++counter}`;
  const options = parseArgv(argv);

  // Which storage nodes a format node reads, so the stand-in image has the right format.
  const formatOf = new Map<string, string>();
  for (const o of options) {
    if (o.flag !== '-blockdev' || !isJson(o.value)) continue;
    const node = JSON.parse(o.value as string) as JsonObject;
    if (typeof node.file === 'string' && typeof node.driver === 'string') formatOf.set(node.file, node.driver);
  }
  const image = (nodeName: string): string => {
    const path = fresh('img');
    const format = formatOf.get(nodeName);
    if (format && IMAGE_FORMATS.has(format)) execFileSync('qemu-img', ['create', '-q', '-f', format, path, '64M']);
    else writeFileSync(path, Buffer.alloc(1024 * 1024));
    return path;
  };

  const dropped = new Set<string>(); // ids of left-out backends whose devices go too
  const localized = new Set<string>(); // network disks now backed by a local file
  const out: ParsedOption[] = [];
  for (const o of options) {
    const value = o.value ?? '';
    switch (o.flag) {
      case '-blockdev': {
        const node = JSON.parse(value) as JsonObject;
        const name = String(node['node-name']);
        if (name.endsWith('-backend')) {
          dropped.add(name);
          notes.push(`host SCSI device ${name} left out: needs a real iSCSI target`);
          continue;
        }
        const driver = String(node.driver);
        if (driver === 'file' || driver === 'host_device' || driver === 'host_cdrom') {
          if (driver !== 'file') notes.push(`${driver} ${String(node.filename)} replaced by an image file`);
          node.driver = 'file';
          node.filename = image(name);
        } else if (driver === 'vvfat') {
          node.dir = fresh('dir');
          mkdirSync(String(node.dir));
        } else if (NETWORK_BLOCK_DRIVERS.has(driver)) {
          notes.push(`${driver} disk ${name} replaced by an image file`);
          for (const key of ['server', 'export', 'portal', 'target', 'lun', 'transport', 'initiator-name', 'pool', 'image', 'snapshot', 'url', 'path', 'volume', 'reconnect-delay', 'user']) delete node[key];
          node.driver = 'file';
          node.filename = image(name);
          localized.add(name);
        }
        out.push({ flag: o.flag, value: JSON.stringify(node) });
        continue;
      }
      case '-cpu':
        if (value === 'host' || value.startsWith('host,')) {
          notes.push("CPU 'host' needs KVM; run as 'max' under TCG");
          out.push({ flag: o.flag, value: `max${value.slice(4)}` });
        } else out.push(o);
        continue;
      case '-drive': {
        const pairs = parseKeyValue(value).map(([k, v]): [string, string] => (k === 'file' ? [k, image('drive')] : [k, v]));
        out.push({ flag: o.flag, value: pairsToValue(pairs) });
        continue;
      }
      case '-bios':
        if (!existsSync(value)) {
          notes.push(`BIOS ${value} replaced by /usr/share/seabios/bios.bin`);
          out.push({ flag: o.flag, value: '/usr/share/seabios/bios.bin' });
        } else out.push(o);
        continue;
      case '-kernel':
      case '-initrd':
        if (existsSync(`${GUEST_DIR}vmlinuz`)) {
          notes.push(`${o.flag} ${value} replaced by the demo guest's`);
          out.push({ flag: o.flag, value: `${GUEST_DIR}${o.flag === '-kernel' ? 'vmlinuz' : 'initrd.img'}` });
        } else notes.push(`${o.flag} ${value} left out: no kernel image on this host`);
        continue;
      case '-chardev': {
        const pairs = parseKeyValue(value);
        const backend = pairs[0]?.[1];
        const get = (key: string): string | undefined => pairs.find(([k]) => k === key)?.[1];
        const set = (key: string, v: string): void => {
          const pair = pairs.find(([k]) => k === key);
          if (pair) pair[1] = v;
          else pairs.push([key, v]);
        };
        const id = get('id') ?? '';
        if (id === 'charmonitor') {
          out.push(o); // the QMP socket the test talks to
          continue;
        }
        if (get('logfile')) set('logfile', fresh('log'));
        if (backend === 'file') set('path', fresh('out'));
        else if (backend === 'pipe') {
          const fifo = fresh('pipe');
          execFileSync('mkfifo', [fifo]);
          set('path', fifo);
        } else if (backend === 'serial' || backend === 'parallel') {
          notes.push(`${backend} port ${get('path') ?? ''} replaced by a null chardev`);
          out.push({ flag: o.flag, value: keyValue([['id', id]], 'null') });
          continue;
        } else if (backend === 'socket') {
          if (id === 'chrtpm') {
            dropped.add('chrtpm');
            notes.push('TPM left out: no swtpm here');
            continue;
          }
          const server = get('server') === 'on';
          if (get('path') !== undefined) {
            const path = fresh('s');
            set('path', path);
            if (!server) {
              const stand = net.createServer((socket) => socket.resume());
              await listen(stand, path);
              servers.push(stand);
              notes.push(`UNIX socket peer of ${id} stood in by a local listener`);
            }
          } else if (server) {
            set('port', '0');
          } else {
            const stand = net.createServer((socket) => socket.resume());
            await listen(stand, 0);
            servers.push(stand);
            set('host', '127.0.0.1');
            set('port', String((stand.address() as net.AddressInfo).port));
            notes.push(`TCP peer of ${id} stood in by a local listener`);
          }
        } else if (backend === 'udp') {
          set('localport', '0');
        }
        out.push({ flag: o.flag, value: pairsToValue(pairs) });
        continue;
      }
      case '-netdev': {
        const netdev = JSON.parse(value) as JsonObject;
        if (netdev.type !== 'user') {
          notes.push(`${String(netdev.type)} network backend ${String(netdev.id)} replaced by user networking`);
          out.push({ flag: o.flag, value: JSON.stringify({ type: 'user', id: netdev.id }) });
        } else out.push(o);
        continue;
      }
      case '-fsdev': {
        const pairs = parseKeyValue(value);
        const dirPath = fresh('share');
        mkdirSync(dirPath);
        out.push({ flag: o.flag, value: pairsToValue(pairs.map(([k, v]): [string, string] => (k === 'path' ? [k, dirPath] : [k, v]))) });
        continue;
      }
      case '-object': {
        const object = JSON.parse(value) as JsonObject;
        if (object['qom-type'] === 'input-linux') {
          notes.push(`evdev input ${String(object.evdev)} left out: no such host device`);
          continue;
        }
        if (object['qom-type'] === 'memory-backend-file') object['mem-path'] = dir;
        if (object['host-nodes'] !== undefined) {
          notes.push(`host NUMA binding of ${String(object.id)} dropped: this host has one NUMA node`);
          delete object['host-nodes'];
          delete object.policy;
        }
        out.push({ flag: o.flag, value: JSON.stringify(object) });
        continue;
      }
      case '-vnc': {
        const rest = parseKeyValue(value).filter(([k]) => k !== '' && k !== 'vnc' && k !== 'websocket' && k !== 'to');
        notes.push('VNC moved to a UNIX socket (TCP ports are shared with other tests)');
        out.push({ flag: o.flag, value: `vnc=unix:${dir}/vnc.sock${rest.length ? `,${pairsToValue(rest)}` : ''}` });
        continue;
      }
      case '-spice': {
        const drop = new Set(['port', 'tls-port', 'addr', 'unix', 'x509-dir', 'tls-channel', 'plaintext-channel', 'gl', 'rendernode']);
        const rest = parseKeyValue(value).filter(([k]) => !drop.has(k));
        notes.push('SPICE moved to a UNIX socket without TLS or GL');
        out.push({ flag: o.flag, value: `unix=on,addr=${dir}/spice.sock${rest.length ? `,${pairsToValue(rest)}` : ''}` });
        continue;
      }
      case '-display':
        if (value.startsWith('sdl') || value.startsWith('egl-headless')) {
          notes.push(`display ${value} replaced by none: no GUI or GPU here`);
          out.push({ flag: o.flag, value: 'none' });
        } else out.push(o);
        continue;
      case '-tpmdev':
        dropped.add(parseKeyValue(value).find(([k]) => k === 'id')?.[1] ?? '');
        notes.push('TPM backend left out: no TPM or swtpm here');
        continue;
      case '-device': {
        const device = JSON.parse(value) as JsonObject;
        const driver = String(device.driver);
        if ((typeof device.tpmdev === 'string' && dropped.has(device.tpmdev)) || (typeof device.drive === 'string' && dropped.has(device.drive))) continue;
        if (driver === 'ccid-card-emulated' && device.backend === 'certificates') {
          notes.push('emulated smartcard left out: needs an NSS database holding its certificates');
          continue;
        }
        if (driver === 'scsi-block' && typeof device.drive === 'string' && localized.has(device.drive)) {
          notes.push(`scsi-block on ${device.drive} run as scsi-hd: its LUN became a local file`);
          out.push({ flag: o.flag, value: JSON.stringify({ ...device, driver: 'scsi-hd' }) });
          continue;
        }
        if (driver === 'usb-host' || driver === 'vfio-pci') {
          notes.push(`${driver} left out: the host device is not here`);
          continue;
        }
        if (driver.startsWith('vhost-vsock') && !existsSync('/dev/vhost-vsock')) {
          notes.push('vhost-vsock left out: this host has no /dev/vhost-vsock');
          continue;
        }
        out.push(o);
        continue;
      }
      default:
        out.push(o);
    }
  }
  const result = [argv[0] ?? ''];
  for (const o of out) {
    result.push(o.flag);
    if (o.value !== undefined) result.push(o.value);
  }
  return { argv: result, notes, servers };
}
