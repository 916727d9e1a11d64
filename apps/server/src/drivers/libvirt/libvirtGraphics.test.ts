import { describe, expect, it } from 'vitest';
import { displayOf, linuxKeys, routeOf, sshTunnelArgs } from './libvirtGraphics.js';

const live = (graphics: string) => `<domain type='qemu' id='3'>
  <name>web</name>
  <uuid>6a1c1d5e-3c1f-4d0e-9c55-0c7b8a2f6e11</uuid>
  <memory unit='KiB'>262144</memory>
  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
  <devices>
    ${graphics}
  </devices>
</domain>`;

describe("a libvirt guest's display, from its live definition", () => {
  it('is the port autoport chose, on the address it listens on, with its password', () => {
    const xml = live(`<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1' passwd='s3cret'><listen type='address' address='127.0.0.1'/></graphics>`);
    expect(displayOf('web', xml)).toEqual({ target: { kind: 'tcp', address: '127.0.0.1', port: 5901 }, password: 's3cret', uuid: '6a1c1d5e-3c1f-4d0e-9c55-0c7b8a2f6e11' });
  });

  it('is reached on loopback when it listens on every address, and by its socket when it has one', () => {
    expect(displayOf('web', live(`<graphics type='vnc' port='5900' listen='0.0.0.0'/>`)).target).toEqual({ kind: 'tcp', address: '127.0.0.1', port: 5900 });
    expect(displayOf('web', live(`<graphics type='vnc' port='5900'><listen type='address' address='::'/></graphics>`)).target).toEqual({ kind: 'tcp', address: '::1', port: 5900 });
    expect(displayOf('web', live(`<graphics type='vnc'><listen type='socket' socket='/run/libvirt/qemu/web.vnc'/></graphics>`)).target).toEqual({ kind: 'unix', path: '/run/libvirt/qemu/web.vnc' });
  });

  it('says why there is none to relay', () => {
    expect(() => displayOf('web', live(''))).toThrow(/has no graphical display/);
    expect(() => displayOf('web', live(`<graphics type='spice' port='5900'/>`))).toThrow(/SPICE display, which virtdeck relays only as VNC/);
    expect(() => displayOf('web', live(`<graphics type='vnc' port='-1' autoport='yes'/>`))).toThrow(/has no port yet/);
    expect(() => displayOf('web', live(`<graphics type='vnc'><listen type='none'/></graphics>`))).toThrow(/listens nowhere/);
  });
});

describe('how a display is reached', () => {
  it('directly for a host on this machine', () => {
    expect(routeOf('qemu:///system')).toEqual({ local: true });
    expect(routeOf('qemu+unix:///session')).toEqual({ local: true });
  });

  it("through ssh -W for an SSH host, with the URI's user, port, key and known_hosts", () => {
    const route = routeOf('qemu+libssh://root@127.0.0.1:2222/system?keyfile=/tmp/k/id&known_hosts=/tmp/k/known');
    expect(route).toEqual({ local: false, ssh: { host: '127.0.0.1', port: '2222', user: 'root', keyfile: '/tmp/k/id', knownHosts: '/tmp/k/known', noVerify: false } });
    if (route.local) throw new Error('not reached');
    expect(sshTunnelArgs(route.ssh, { address: '127.0.0.1', port: 5900 })).toEqual([
      '-T', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'ExitOnForwardFailure=yes',
      '-p', '2222', '-l', 'root', '-i', '/tmp/k/id', '-o', 'IdentitiesOnly=yes', '-o', 'UserKnownHostsFile=/tmp/k/known',
      '-W', '127.0.0.1:5900', '--', '127.0.0.1',
    ]);
    const plain = routeOf('qemu+ssh://admin@[2001:db8::1]/system?no_verify=1');
    if (plain.local) throw new Error('not reached');
    expect(sshTunnelArgs(plain.ssh, { address: '::1', port: 5901 })).toEqual([
      '-T', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'ExitOnForwardFailure=yes', '-l', 'admin', '-W', '[::1]:5901', '--', '2001:db8::1',
    ]);
  });

  it('is refused for other transports, and for URI parts that ssh would read as options', () => {
    expect(() => routeOf('qemu+tls://host.example/system')).toThrow(/reached by tls is not relayed/);
    expect(() => routeOf('qemu+ssh://-oProxyCommand=evil@host/system')).toThrow(/cannot be handed to ssh/);
    expect(() => routeOf('qemu+ssh://root@host/system?keyfile=-oProxyCommand%3Devil')).toThrow(/keyfile .* cannot be handed to ssh/);
    expect(() => routeOf('qemu+ssh://root@host/system?known_hosts=/tmp/a%20b')).toThrow(/known_hosts .* cannot be handed to ssh/);
  });
});

describe('typing through virsh send-key', () => {
  it("names QEMU's key codes as Linux input keys, Shift held where the stroke needs it", () => {
    expect(linuxKeys({ qcode: 'a', shift: false })).toEqual(['KEY_A']);
    expect(linuxKeys({ qcode: '7', shift: true })).toEqual(['KEY_LEFTSHIFT', 'KEY_7']);
    expect(linuxKeys({ qcode: 'ret', shift: false })).toEqual(['KEY_ENTER']);
    expect(linuxKeys({ qcode: 'bracket_left', shift: true })).toEqual(['KEY_LEFTSHIFT', 'KEY_LEFTBRACE']);
    expect(() => linuxKeys({ qcode: 'f13', shift: false })).toThrow(/cannot be sent/);
  });
});
