/**
 * No user string can add an option or a key to QEMU's command line. Every field that
 * reaches an option is filled with hostile text (commas, '=', newlines, leading dashes,
 * quotes, spaces, JSON) and the argv is read back the way QEMU reads it: it must have no
 * option and no key that the same definition with plain text lacks, and the text must
 * arrive whole (or be refused with an error diagnostic).
 */
import { escapeXml } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { buildArgv } from './buildArgv.js';
import { hostCapabilitiesFixture } from './testing/conformance.js';
import { domainFrom } from './testing/domains.js';
import { parseArgv, parseKeyValue, type ParsedOption } from './testing/qemuSyntax.js';

const caps = hostCapabilitiesFixture();

const HOSTILE = [
  'a,b',
  'x,id=evil',
  'p=q,server=on',
  '-device',
  '--help',
  `it's "quoted"`,
  'line1\nline2,wait=off',
  ' spaced  value ',
  '{"driver":"evil","id":"x"}',
  'a,,b',
  ',',
  '=',
  'back\\slash,path=/etc/shadow',
];

/** Options whose argument is taken whole (a path, a command line): nothing to split. */
const WHOLE = new Set(['-kernel', '-initrd', '-append', '-bios', '-dtb', '-uuid', '-k', '-pidfile', '-msg']);

/** Each field that reaches the command line, as a definition with @V@ where the user text goes. */
const FIELDS: Record<string, { devices?: string; os?: string; extra?: string; machine?: string; name?: string; uuid?: string }> = {
  'domain name': { name: '@V@' },
  uuid: { uuid: '@V@' },
  'machine type': { machine: '@V@' },
  'disk image path': { devices: "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='@V@'/><target dev='vda' bus='virtio'/></disk>" },
  'disk block device': { devices: "<disk type='block' device='cdrom'><source dev='@V@'/><target dev='sda' bus='sata'/></disk>" },
  'disk serial': { devices: "<disk type='file' device='disk'><source file='/img/a'/><target dev='vdb' bus='virtio'/><serial>@V@</serial></disk>" },
  'NBD export and host': {
    devices: "<disk type='network' device='disk'><source protocol='nbd' name='@V@'><host name='@V@' port='10809'/></source><target dev='vdc' bus='virtio'/></disk>",
  },
  'NBD socket': { devices: "<disk type='network' device='disk'><source protocol='nbd' name='e'><host transport='unix' socket='@V@'/></source><target dev='vdd' bus='virtio'/></disk>" },
  'iSCSI target': { devices: "<disk type='network' device='disk'><source protocol='iscsi' name='@V@/1'><host name='@V@' port='3260'/></source><target dev='vde' bus='virtio'/></disk>" },
  'kernel, initrd and command line': { os: '<kernel>@V@</kernel><initrd>@V@</initrd><cmdline>@V@</cmdline>' },
  'BIOS path': { os: '<loader>@V@</loader>' },
  'flash firmware and NVRAM': { os: "<loader readonly='yes' type='pflash'>@V@</loader><nvram>@V@</nvram>" },
  'ACPI table': { os: "<acpi><table type='slic'>@V@</table></acpi>" },
  'SMBIOS strings': {
    os: "<smbios mode='sysinfo'/>",
    extra:
      "<sysinfo type='smbios'><bios><entry name='vendor'>@V@</entry></bios><system><entry name='serial'>@V@</entry><entry name='family'>@V@</entry></system><baseBoard><entry name='asset'>@V@</entry></baseBoard><chassis><entry name='sku'>@V@</entry></chassis><oemStrings><entry>@V@</entry></oemStrings></sysinfo>",
  },
  'fw_cfg entry': { extra: "<sysinfo type='fwcfg'><entry name='opt/com.example/@V@'>@V@</entry></sysinfo>" },
  'serial file path': { devices: "<serial type='file'><source path='@V@'/></serial>" },
  'serial socket path': { devices: "<serial type='unix'><source mode='bind' path='@V@'/></serial>" },
  'serial pipe path': { devices: "<serial type='pipe'><source path='@V@'/></serial>" },
  'serial host device': { devices: "<serial type='dev'><source path='@V@'/></serial>" },
  'serial TCP host and port': { devices: "<serial type='tcp'><source mode='connect' host='@V@' service='@V@'/></serial>" },
  'serial UDP hosts': { devices: "<serial type='udp'><source mode='bind' host='@V@' service='1'/><source mode='connect' host='@V@' service='2'/></serial>" },
  'serial log file': { devices: "<serial type='pty'><log file='@V@'/></serial>" },
  'channel name and socket': { devices: "<channel type='unix'><source mode='bind' path='@V@'/><target type='virtio' name='@V@'/></channel>" },
  'guestfwd target': { devices: "<channel type='pipe'><source path='@V@'/><target type='guestfwd' address='@V@' port='4600'/></channel>" },
  'port forward address': { devices: "<interface type='user'><portForward proto='tcp' address='@V@'><range start='2222' to='22'/></portForward></interface>" },
  // A bridge's name is not on the command line: the server puts the guest's tap in it (ip, argument arrays).
  'tap name and script': { devices: "<interface type='ethernet'><target dev='@V@'/><script path='@V@'/><mac address='52:54:00:00:00:01'/></interface>" },
  'multicast address': { devices: "<interface type='mcast'><source address='@V@' port='5558'/><mac address='52:54:00:00:00:01'/></interface>" },
  'MAC address': { devices: "<interface type='user'><mac address='@V@'/></interface>" },
  'VNC listen address and keymap': { devices: "<graphics type='vnc' listen='@V@' keymap='@V@'/>" },
  'VNC socket': { devices: "<graphics type='vnc'><listen type='socket' socket='@V@'/></graphics>" },
  'SPICE address and render node': { devices: "<graphics type='spice' autoport='yes' listen='@V@'><gl enable='yes' rendernode='@V@'/></graphics>" },
  'egl-headless render node': { devices: "<graphics type='egl-headless'><gl rendernode='@V@'/></graphics>" },
  'shared folder': { devices: "<filesystem type='mount'><source dir='@V@'/><target dir='@V@'/></filesystem>" },
  'RNG source': { devices: "<rng model='virtio'><backend model='random'>@V@</backend></rng>" },
  'TPM device path': { devices: "<tpm model='tpm-tis'><backend type='passthrough'><device path='@V@'/></backend></tpm>" },
  'evdev input': { devices: "<input type='evdev'><source dev='@V@'/></input>" },
  'smartcard certificates': { devices: "<smartcard mode='host-certificates'><certificate>@V@</certificate><certificate>b</certificate><certificate>c</certificate><database>@V@</database></smartcard>" },
  'audio file': { devices: "<audio id='1' type='file' path='@V@'/>" },
  'CPU model': { extra: "<cpu mode='custom'><model>@V@</model></cpu>" },
  'CPU feature': { extra: "<cpu mode='custom'><model>qemu64</model><feature policy='require' name='@V@'/></cpu>" },
  'Hyper-V vendor id': { extra: "<features><hyperv><vendor_id state='on' value='@V@'/></hyperv></features>" },
};

function definition(field: (typeof FIELDS)[string], value: string): string {
  const v = (text: string | undefined): string => (text ?? '').replaceAll('@V@', escapeXml(value));
  return `<domain type='kvm'>
  <name>${field.name ? v(field.name) : 'guest'}</name>
  <uuid>${field.uuid ? v(field.uuid) : '6f1c3a3e-7b7a-4e43-9d0a-2f1d1a9c0b11'}</uuid>
  <memory unit='MiB'>256</memory>
  <os><type arch='x86_64' machine='${field.machine ? v(field.machine) : 'pc'}'>hvm</type>${v(field.os)}</os>
  ${v(field.extra)}
  <devices>${v(field.devices)}</devices>
</domain>`;
}

/** The key QEMU gives a leading value without a key (`-vnc ADDR` is `-vnc vnc=ADDR`). */
const IMPLIED: Record<string, string> = { '-vnc': 'vnc', '-machine': 'type', '-chardev': 'backend', '-fsdev': 'fsdriver', '-tpmdev': 'type', '-numa': 'type', '-sandbox': 'enable', '-display': 'type' };

/** Keys QEMU would see in one option: JSON key paths, key=value keys, or -cpu items. */
function keysOf(option: ParsedOption): string[] {
  const value = option.value;
  if (value === undefined || WHOLE.has(option.flag)) return [];
  if (value.startsWith('{')) {
    const keys: string[] = [];
    const walk = (node: unknown, prefix: string): void => {
      if (Array.isArray(node)) node.forEach((item) => walk(item, `${prefix}[]`));
      else if (node !== null && typeof node === 'object') {
        for (const [k, item] of Object.entries(node)) {
          keys.push(`${prefix}${k}`);
          walk(item, `${prefix}${k}.`);
        }
      }
    };
    walk(JSON.parse(value), '');
    return keys;
  }
  // -cpu is split on every comma, without escapes (QEMU's x86 feature parser).
  if (option.flag === '-cpu') return value.split(',').slice(1).map((item) => item.split('=')[0] ?? '');
  return parseKeyValue(value).map(([key]) => (key === '' ? (IMPLIED[option.flag] ?? '') : key));
}

/** Every value QEMU would decode from the argv, for finding the user's text. */
function decodedValues(options: ParsedOption[]): string[] {
  const out: string[] = [];
  for (const o of options) {
    if (o.value === undefined) continue;
    if (WHOLE.has(o.flag)) out.push(o.value);
    else if (o.value.startsWith('{')) {
      const walk = (node: unknown): void => {
        if (typeof node === 'string') out.push(node);
        else if (node !== null && typeof node === 'object') Object.values(node).forEach(walk);
      };
      walk(JSON.parse(o.value));
    } else for (const [, v] of parseKeyValue(o.value)) out.push(v);
  }
  return out;
}

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

describe('no user text can add options or keys', () => {
  for (const [fieldName, field] of Object.entries(FIELDS)) {
    describe(fieldName, () => {
      const benign = buildArgv(domainFrom(definition(field, 'plain')), caps);
      const benignOptions = parseArgv(benign.argv);

      it.each(HOSTILE)('with %j', (hostile) => {
        const result = buildArgv(domainFrom(definition(field, hostile)), caps);
        // QEMU's own reading: each option takes exactly the next element.
        const options = parseArgv(result.argv);
        // Same options in the same order (a refused value may leave one out, never add one).
        let j = 0;
        for (const option of options) {
          while (j < benignOptions.length && benignOptions[j]?.flag !== option.flag) j++;
          const match = benignOptions[j];
          expect(match, `unexpected option ${option.flag} ${option.value ?? ''}`).toBeDefined();
          if (!match) return;
          for (const key of keysOf(option)) expect(keysOf(match), `new key '${key}' in ${option.flag}`).toContain(key);
          j++;
        }
        // The text arrives whole somewhere, or was refused with an error at its element.
        const refused = result.diagnostics.some((d) => d.severity === 'error' && d.code !== 'not-supported-yet' && d.code !== 'host-resource-needed');
        if (!refused) {
          const wanted = squash(hostile);
          const found = decodedValues(options).some((v) => squash(v).includes(wanted) || squash(v.replaceAll('\\ ', ' ')).includes(wanted));
          expect(found, `'${hostile}' did not reach QEMU intact`).toBe(true);
        }
      });
    });
  }
});
