import { describe, expect, it } from 'vitest';
import { buildArgv } from './buildArgv.js';
import { formatCommandLine } from './formatCommandLine.js';
import { hostCapabilitiesFixture } from './testing/conformance.js';
import { domainFrom, guest, jsonValues, optionValues } from './testing/domains.js';

const caps = hostCapabilitiesFixture();
const runtime = { qmpSocket: '/run/vd/demo/qmp.sock', serialSocket: '/run/vd/demo/console.sock', serialLog: '/run/vd/demo/serial.log', pidFile: '/run/vd/demo/qemu.pid' };

describe('buildArgv: the preview', () => {
  it('builds a q35 TCG guest the way libvirt would, with no launch-only options', () => {
    const { argv, diagnostics } = buildArgv(guest(), caps);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(argv[0]).toBe('/usr/bin/qemu-system-x86_64');
    expect(optionValues(argv, '-machine')).toEqual(['q35,usb=off,dump-guest-core=off,memory-backend=pc.ram,acpi=off']);
    expect(optionValues(argv, '-accel')).toEqual(['tcg']);
    expect(optionValues(argv, '-m')).toEqual(['size=262144k']);
    expect(jsonValues(argv, '-device').map((d) => `${String(d.driver)}@${String(d.bus)}/${String(d.addr)}`)).toEqual([
      'pcie-root-port@pcie.0/0x1',
      'pcie-root-port@pcie.0/0x1.0x1',
      'pcie-root-port@pcie.0/0x1.0x2',
      'qemu-xhci@pci.1/0x0',
      'virtio-balloon-pci@pci.2/0x0',
    ]);
    expect(argv).not.toContain('-S');
    expect(argv).not.toContain('-no-shutdown');
    expect(argv).toContain('-nodefaults');
  });

  it('gives a pcie-root-port without an index the lowest one free after those given, never the root\'s 0', () => {
    const ports = (argv: readonly string[]) =>
      jsonValues(argv, '-device')
        .filter((d) => d.driver === 'pcie-root-port')
        .map((d) => `${String(d.id)}@${String(d.addr)}`);
    // The text the hint for a q35 guest without a free port adds, the root implicit: ports 1 and 2 (the first took 0, the root's).
    const bare = buildArgv(guest({ devices: "<controller type='pci' model='pcie-root-port'/><controller type='pci' model='pcie-root-port'/>" }), caps);
    expect(bare.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ports(bare.argv).slice(0, 2)).toEqual(['pci.1@0x1', 'pci.2@0x1.0x1']);
    // An index given later in the text is counted first, as libvirt's post-parse does (virsh domxml-to-native: pci.2 and pci.3 for the two without).
    const mixed = buildArgv(
      guest({ devices: "<controller type='pci' model='pcie-root-port'/><controller type='pci' model='pcie-root-port'/><controller type='pci' index='0' model='pcie-root'/><controller type='pci' index='1' model='pcie-root-port'/>" }),
      caps,
    );
    expect(mixed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ports(mixed.argv).map((p) => p.split('@')[0])).toEqual(['pci.1', 'pci.2', 'pci.3']);
  });

  it('gives the same result for the same input (no clock, no randomness)', () => {
    const domain = guest({ devices: "<interface type='user'><model type='virtio'/></interface><disk type='file' device='disk'><source file='/img/a.qcow2'/><driver name='qemu' type='qcow2'/><target dev='vda' bus='virtio'/></disk>" });
    expect(buildArgv(domain, caps)).toEqual(buildArgv(domain, caps));
  });

  it('turns <clock offset="variable"> into a date only from the given time', () => {
    const domain = guest({ extra: "<clock offset='variable' adjustment='3600' basis='utc'/>" });
    expect(optionValues(buildArgv(domain, caps, undefined, { now: Date.UTC(2024, 0, 1) }).argv, '-rtc')).toEqual(['base=2024-01-01T01:00:00']);
    const preview = buildArgv(domain, caps);
    expect(optionValues(preview.argv, '-rtc')).toEqual(['base=utc']);
    expect(preview.diagnostics.map((d) => d.code)).toContain('clock-needs-time');
  });

  it('puts a timezone clock into the environment', () => {
    const result = buildArgv(guest({ extra: "<clock offset='timezone' timezone='Europe/Paris'/>" }), caps);
    expect(optionValues(result.argv, '-rtc')).toEqual(['base=localtime']);
    expect(result.env).toEqual({ TZ: 'Europe/Paris' });
  });

  const passthroughGuest = domainFrom(`<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>pt</name><memory unit='MiB'>128</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='ethernet'><target dev='tap7'/><script path='/etc/qemu-ifup'/><downscript path='/etc/qemu-ifdown'/></interface>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-trace'/><qemu:arg value='events=/tmp/ev'/>
    <qemu:env name='QEMU_AUDIO_DRV' value='none'/>
  </qemu:commandline>
</domain>`);

  it('passes qemu:commandline, qemu:env and tap scripts through where host passthrough is on (the default)', () => {
    for (const options of [{}, { hostPassthrough: true }]) {
      const result = buildArgv(passthroughGuest, caps, undefined, options);
      expect(result.argv.slice(-2)).toEqual(['-trace', 'events=/tmp/ev']);
      expect(result.env).toEqual({ QEMU_AUDIO_DRV: 'none' });
      expect(optionValues(result.argv, '-netdev')[0]).toContain('"script":"/etc/qemu-ifup","downscript":"/etc/qemu-ifdown"');
      expect(optionValues(result.argv, '-sandbox')).toEqual(['on,obsolete=deny,elevateprivileges=deny,spawn=allow,resourcecontrol=deny']);
      expect(result.diagnostics.filter((d) => d.code === 'passthrough-arguments')).toEqual([]);
    }
  });

  it('where host passthrough is off, refuses each use on its own line, naming the setting, and leaves all of them out', () => {
    const result = buildArgv(passthroughGuest, caps, undefined, { hostPassthrough: false });
    const refused = result.diagnostics.filter((d) => d.code === 'passthrough-arguments');
    expect(refused.map((d) => [d.severity, d.scope, d.range.start.line])).toEqual([
      ['error', 'host', 5],
      ['error', 'host', 5],
      ['error', 'host', 8],
      ['error', 'host', 8],
      ['error', 'host', 9],
    ]);
    expect(refused.map((d) => d.message.split(' cannot start')[0])).toEqual([
      "<script path='/etc/qemu-ifup'>",
      "<downscript path='/etc/qemu-ifdown'>",
      "<qemu:arg value='-trace'>",
      "<qemu:arg value='events=/tmp/ev'>",
      "<qemu:env name='QEMU_AUDIO_DRV'>",
    ]);
    for (const d of refused) expect(d.message).toContain("VIRTDECK_HOST_PASSTHROUGH is off");
    expect(result.argv).not.toContain('-trace');
    expect(result.env).toEqual({});
    expect(optionValues(result.argv, '-netdev')[0]).toContain('"script":"no","downscript":"no"');
    expect(optionValues(result.argv, '-sandbox')).toEqual(['on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny']);
  });
});

describe('buildArgv: the launch (runtime)', () => {
  const domain = guest({ devices: "<serial type='pty'/><console type='pty'/>" });
  const { argv } = buildArgv(domain, caps, runtime);

  it('starts stopped with a QMP monitor and keeps QEMU alive on guest shutdown', () => {
    expect(argv).toContain('-S');
    expect(argv).toContain('-no-shutdown');
    expect(optionValues(argv, '-chardev')).toContain('socket,id=charmonitor,path=/run/vd/demo/qmp.sock,server=on,wait=off');
    expect(optionValues(argv, '-mon')).toEqual(['chardev=charmonitor,id=monitor,mode=control']);
    expect(optionValues(argv, '-pidfile')).toEqual(['/run/vd/demo/qemu.pid']);
  });

  it('serves the first pty serial on a socket with a log', () => {
    expect(optionValues(argv, '-chardev')).toContain(
      'socket,id=charserial0,path=/run/vd/demo/console.sock,server=on,wait=off,logfile=/run/vd/demo/serial.log,logappend=on',
    );
    expect(jsonValues(argv, '-device').find((d) => d.driver === 'isa-serial')).toEqual({ driver: 'isa-serial', chardev: 'charserial0', id: 'serial0', index: 0 });
  });

  it('prints as one shell line that names the same options', () => {
    const line = formatCommandLine(argv);
    expect(line.startsWith('/usr/bin/qemu-system-x86_64 -name guest=demo,debug-threads=on -S ')).toBe(true);
    expect(line).toContain(`-device '{"driver":"isa-serial"`);
  });
});

describe('buildArgv: the display the web console shows', () => {
  const withDisplay = { ...runtime, displaySocket: '/run/vd/demo/display.sock' };

  it('adds a VNC server on the run folder socket beside the VNC display the definition asks for', () => {
    const { argv } = buildArgv(guest({ devices: "<graphics type='vnc' port='5907'/>" }), caps, withDisplay);
    const [own, browser] = optionValues(argv, '-vnc');
    expect(own).toMatch(/^127\.0\.0\.1:7(,|$)/);
    expect(browser).toBe('vnc=unix:/run/vd/demo/display.sock,id=browser');
  });

  it('gives a SPICE guest one too, and asks for the definition password there', () => {
    const { argv } = buildArgv(guest({ devices: "<graphics type='spice' passwd='s3cret'/>" }), caps, withDisplay);
    expect(optionValues(argv, '-vnc')).toEqual(['vnc=unix:/run/vd/demo/display.sock,id=browser,password-secret=graphics-spice-secret']);
    expect(argv.join(' ')).not.toContain('s3cret');
  });

  it('adds none to a guest without a screen, nor to the preview', () => {
    expect(optionValues(buildArgv(guest(), caps, withDisplay).argv, '-vnc')).toEqual([]);
    expect(optionValues(buildArgv(guest({ devices: "<graphics type='vnc'/>" }), caps).argv, '-vnc').join()).not.toContain('id=browser');
  });
});

describe('buildArgv: reports what it cannot express', () => {
  it('names the element of a device family it does not support yet', () => {
    const { diagnostics, argv } = buildArgv(guest({ devices: "<shmem name='shm0'><model type='ivshmem-plain'/><size unit='M'>4</size></shmem>" }), caps);
    const d = diagnostics.find((x) => x.code === 'not-supported-yet');
    expect(d?.severity).toBe('error');
    expect(d?.message).toMatch(/Shared memory devices .* not supported by virtdeck yet/);
    expect(d?.range.start.line).toBeGreaterThan(1);
    expect(argv.join(' ')).not.toContain('ivshmem');
  });

  it('warns about tuning it ignores, without blocking', () => {
    const { diagnostics } = buildArgv(guest({ extra: '<cputune><shares>2048</shares></cputune>' }), caps);
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'not-supported-yet' })]);
  });

  it('says a maxMemory beyond what the CPU model addresses is this host\'s matter, not the document\'s', () => {
    const extra = "<maxMemory slots='16' unit='TiB'>4</maxMemory>";
    const { diagnostics } = buildArgv(guest({ extra }), caps);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([expect.objectContaining({ scope: 'host', message: expect.stringMatching(/40 physical address bits/) })]);
    expect(buildArgv(guest({ extra: `${extra}<cpu><maxphysaddr mode='emulate' bits='46'/></cpu>` }), caps).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('flags Hyper-V enlightenments under TCG', () => {
    const { diagnostics } = buildArgv(guest({ extra: "<features><hyperv><relaxed state='on'/></hyperv></features>" }), caps);
    expect(diagnostics.find((d) => d.code === 'invalid-combination')?.message).toMatch(/need KVM/);
  });
});

describe('buildArgv: devices', () => {
  it('builds user networking with port forwards and refuses addresses that are not IP literals', () => {
    const ok = buildArgv(
      guest({
        devices: `<interface type='user'><mac address='52:54:00:00:00:01'/><model type='virtio'/>
          <portForward proto='tcp' address='127.0.0.1'><range start='2222' to='22'/></portForward></interface>`,
      }),
      caps,
    );
    expect(jsonValues(ok.argv, '-netdev')).toEqual([{ type: 'user', hostfwd: [{ str: 'tcp:127.0.0.1:2222-:22' }], id: 'hostnet0' }]);
    const bad = buildArgv(
      guest({ devices: `<interface type='user'><portForward proto='tcp' address='1.2.3.4-:99,'><range start='1'/></portForward></interface>` }),
      caps,
    );
    expect(bad.diagnostics.map((d) => d.code)).toContain('invalid-value');
    expect(jsonValues(bad.argv, '-netdev')).toEqual([{ type: 'user', id: 'hostnet0' }]);
  });

  it('chains a qcow2 disk over its storage node and boots from it', () => {
    const { argv } = buildArgv(
      guest({ devices: "<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='/img/a.qcow2'/><target dev='vda' bus='virtio'/></disk>" }),
      caps,
    );
    expect(jsonValues(argv, '-blockdev')).toEqual([
      { driver: 'file', filename: '/img/a.qcow2', 'node-name': 'libvirt-1-storage', 'auto-read-only': true, discard: 'unmap', cache: { direct: true, 'no-flush': false } },
      { 'node-name': 'libvirt-1-format', 'read-only': false, cache: { direct: true, 'no-flush': false }, driver: 'qcow2', file: 'libvirt-1-storage' },
    ]);
    expect(jsonValues(argv, '-device').find((d) => d.driver === 'virtio-blk-pci')).toMatchObject({ drive: 'libvirt-1-format', id: 'virtio-disk0', bootindex: 1, 'write-cache': 'on' });
  });

  it('reports a device model this QEMU does not have', () => {
    const { diagnostics } = buildArgv(guest({ devices: "<interface type='user'><model type='idontexist'/></interface>" }), caps);
    expect(diagnostics.find((d) => d.code === 'device-model-unknown')?.message).toBe("This QEMU has no network card model 'idontexist'.");
  });
});
