import { describe, expect, it } from 'vitest';
import { buildArgv } from '../buildArgv.js';
import { hostCapabilitiesFixture } from '../testing/conformance.js';
import { guest, optionValues } from '../testing/domains.js';
import { serialConsoleAccess } from './serialConsole.js';

const caps = hostCapabilitiesFixture();
const runtime = { qmpSocket: '/run/vd/demo/qmp.sock', serialSocket: '/run/vd/demo/console.sock' };

describe('the serial console', () => {
  it('reads a pty through the server socket, a served UNIX socket directly, and says why not for the rest', () => {
    expect(serialConsoleAccess(guest({ devices: "<serial type='pty'/>" }))).toEqual({ kind: 'pty' });
    expect(serialConsoleAccess(guest({ devices: "<serial type='unix'><source mode='bind' path='/tmp/s.sock'/></serial>" }))).toEqual({ kind: 'unix', path: '/tmp/s.sock', inRunDir: false });
    expect(serialConsoleAccess(guest({ devices: "<serial type='null'/>" }))).toEqual({ kind: 'unavailable', reason: 'The serial port discards its output (type null); only a pty or a served UNIX socket can be read.' });
    expect(serialConsoleAccess(guest({ devices: "<serial type='file'><source path='/tmp/x'/></serial><serial type='pty'/>" }))).toEqual({ kind: 'pty' });
    expect(serialConsoleAccess(guest())).toBeUndefined();
  });

  it("puts a socket under a libvirt host's runtime folder into the run folder, with a note", () => {
    const domain = guest({ devices: "<channel type='unix'><source mode='bind' path='/var/lib/libvirt/qemu/channel/target/domain-1-demo/org.qemu.guest_agent.0'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel>" });
    const { argv, diagnostics } = buildArgv(domain, caps, runtime);
    expect(optionValues(argv, '-chardev')).toContain('socket,id=charchannel0,path=/run/vd/demo/org.qemu.guest_agent.0,server=on,wait=off');
    expect(diagnostics.map((d) => d.message)).toContain(
      "/var/lib/libvirt/qemu/channel/target/domain-1-demo/org.qemu.guest_agent.0 is in a libvirt host's runtime folder: virtdeck puts the socket in the guest's run folder as org.qemu.guest_agent.0.",
    );
  });

  it('serves only a pty serial on the server socket', () => {
    const { argv } = buildArgv(guest({ devices: "<serial type='file'><source path='/tmp/x'/></serial>" }), caps, runtime);
    expect(optionValues(argv, '-chardev')).toContain('file,id=charserial0,path=/tmp/x');
    expect(argv.join(' ')).not.toContain('console.sock');
  });
});

describe("the console serial's own log", () => {
  it('keeps <log file append> on the pty serial the server turns into its console socket', () => {
    const domain = guest({ devices: "<serial type='pty'><log file='/var/log/guest.log' append='on'/></serial>" });
    expect(optionValues(buildArgv(domain, caps, runtime).argv, '-chardev')).toContain(
      'socket,id=charserial0,path=/run/vd/demo/console.sock,server=on,wait=off,logfile=/var/log/guest.log,logappend=on',
    );
    const preview = buildArgv(domain, caps).argv;
    expect(optionValues(preview, '-chardev')).toEqual(['pty,id=charserial0,logfile=/var/log/guest.log,logappend=on']);
  });
});
