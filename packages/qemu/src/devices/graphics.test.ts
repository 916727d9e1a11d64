import { describe, expect, it } from 'vitest';
import { buildArgv } from '../buildArgv.js';
import { hostCapabilitiesFixture } from '../testing/conformance.js';
import { guest, optionValues } from '../testing/domains.js';

const caps = hostCapabilitiesFixture();
const runtime = { qmpSocket: '/run/vd/demo/qmp.sock', pidFile: '/run/vd/demo/qemu.pid' };

describe('display passwords', () => {
  it('sets a VNC password through a secret read from a file in the run folder, never on the command line', () => {
    const domain = guest({ devices: "<graphics type='vnc' autoport='yes' passwd='s3cret'/>" });
    const { argv, launch, diagnostics } = buildArgv(domain, caps, { ...runtime, graphicsPorts: { vnc: 5907 } });
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(argv.join(' ')).not.toContain('s3cret');
    expect(optionValues(argv, '-object')).toContain('{"qom-type":"secret","id":"graphics-vnc-secret","format":"raw","file":"/run/vd/demo/vnc-password.secret"}');
    expect(optionValues(argv, '-vnc')).toEqual(['127.0.0.1:7,password-secret=graphics-vnc-secret,audiodev=audio1']);
    expect(launch.secrets).toEqual([{ path: '/run/vd/demo/vnc-password.secret', content: 's3cret' }]);
  });

  it('turns passwdValidTo into an expire_password sent before the CPUs run', () => {
    const domain = guest({ devices: "<graphics type='spice' autoport='yes' passwd='pw' passwdValidTo='2030-01-02T03:04:05'/>" });
    const { launch } = buildArgv(domain, caps, { ...runtime, graphicsPorts: { spice: 5931 } });
    expect(launch.qmp).toEqual([{ execute: 'expire_password', arguments: { protocol: 'spice', time: String(Date.UTC(2030, 0, 2, 3, 4, 5) / 1000) } }]);
  });

  it('refuses a passwdValidTo that is not a timestamp', () => {
    const domain = guest({ devices: "<graphics type='vnc' passwd='pw' passwdValidTo='tomorrow'/>" });
    expect(buildArgv(domain, caps, runtime).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      "passwdValidTo 'tomorrow' is not a timestamp like 2010-04-09T15:51:00.",
    ]);
  });

  it('writes no secret in the preview', () => {
    const { launch, argv } = buildArgv(guest({ devices: "<graphics type='vnc' passwd='pw'/>" }), caps);
    expect(launch.secrets).toEqual([]);
    expect(argv.join(' ')).not.toContain("'pw'");
  });

  it('gives SPICE without a password disable-ticketing, and with one its secret', () => {
    const open = buildArgv(guest({ devices: "<graphics type='spice' autoport='yes'/>" }), caps, { ...runtime, graphicsPorts: { spice: 5931 } });
    expect(optionValues(open.argv, '-spice')).toEqual(['port=5931,disable-ticketing=on,seamless-migration=on']);
    const locked = buildArgv(guest({ devices: "<graphics type='spice' autoport='yes' passwd='pw'/>" }), caps, { ...runtime, graphicsPorts: { spice: 5931 } });
    expect(optionValues(locked.argv, '-spice')).toEqual(['port=5931,password-secret=graphics-spice-secret,seamless-migration=on']);
  });

  it('warns that VNC checks only 8 characters of a password', () => {
    const { diagnostics } = buildArgv(guest({ devices: "<graphics type='vnc' passwd='123456789'/>" }), caps);
    expect(diagnostics.map((d) => d.message)).toContain('VNC passwords have at most 8 characters: clients check only the first 8.');
  });
});
