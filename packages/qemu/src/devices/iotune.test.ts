import { describe, expect, it } from 'vitest';
import { buildArgv } from '../buildArgv.js';
import { hostCapabilitiesFixture } from '../testing/conformance.js';
import { guest } from '../testing/domains.js';

const caps = hostCapabilitiesFixture();
const runtime = { qmpSocket: '/run/vd/demo/qmp.sock' };
const disk = (iotune: string, source = "<source file='/var/lib/images/a.qcow2'/>") =>
  guest({ devices: `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>${source}<target dev='vda' bus='virtio'/><iotune>${iotune}</iotune></disk>` });
const errors = (result: ReturnType<typeof buildArgv>) => result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

describe('disk I/O limits', () => {
  it('throttles the disk through block_set_io_throttle before the CPUs run, every limit under its QEMU name', () => {
    const domain = disk(
      '<read_bytes_sec>1048576</read_bytes_sec><write_bytes_sec>524288</write_bytes_sec><total_iops_sec>200</total_iops_sec>' +
        '<total_iops_sec_max>400</total_iops_sec_max><total_iops_sec_max_length>5</total_iops_sec_max_length><size_iops_sec>4096</size_iops_sec><group_name>slow</group_name>',
    );
    const result = buildArgv(domain, caps, runtime);
    expect(errors(result)).toEqual([]);
    expect(result.launch.qmp).toEqual([
      {
        execute: 'block_set_io_throttle',
        arguments: { id: '/machine/peripheral/virtio-disk0/virtio-backend', bps: 0, bps_rd: 1048576, bps_wr: 524288, iops: 200, iops_rd: 0, iops_wr: 0, iops_max: 400, iops_size: 4096, iops_max_length: 5, group: 'slow' },
      },
    ]);
    // Nothing on the command line, as libvirt 9 does it; nothing to send in the preview.
    expect(result.argv.join(' ')).not.toMatch(/throttle|iops/);
    expect(buildArgv(domain, caps).launch.qmp).toEqual([]);
  });

  it('names a disk on another bus by its device id', () => {
    const domain = guest({ devices: "<disk type='file' device='disk'><source file='/a.raw'/><target dev='sda' bus='sata'/><iotune><total_iops_sec>9</total_iops_sec></iotune></disk>" });
    expect(buildArgv(domain, caps, runtime).launch.qmp).toMatchObject([{ execute: 'block_set_io_throttle', arguments: { id: 'sata0-0-0', iops: 9 } }]);
  });

  it("refuses at its element what QEMU would refuse mid-start", () => {
    expect(errors(buildArgv(disk('<total_bytes_sec_max>100</total_bytes_sec_max>'), caps, runtime))).toEqual([
      'total_bytes_sec_max needs total_bytes_sec: QEMU allows a burst only above a set rate.',
    ]);
    expect(errors(buildArgv(disk('<read_iops_sec>50</read_iops_sec><read_iops_sec_max>10</read_iops_sec_max>'), caps))).toEqual(['read_iops_sec_max (10) cannot be below read_iops_sec (50).']);
    expect(errors(buildArgv(disk('<write_iops_sec>5</write_iops_sec><write_iops_sec_max_length>3</write_iops_sec_max_length>'), caps))).toEqual([
      'write_iops_sec_max_length needs write_iops_sec_max: a burst length is for a burst rate.',
    ]);
  });
});

describe('balloon statistics', () => {
  it('sets the polling interval on the running balloon, and nothing for period 0', () => {
    const { launch } = buildArgv(guest({ devices: "<memballoon model='virtio'><stats period='5'/></memballoon>" }), caps, runtime);
    expect(launch.qmp).toEqual([{ execute: 'qom-set', arguments: { path: '/machine/peripheral/balloon0', property: 'guest-stats-polling-interval', value: 5 } }]);
    expect(buildArgv(guest({ devices: "<memballoon model='virtio'><stats period='0'/></memballoon>" }), caps, runtime).launch.qmp).toEqual([]);
  });
});
