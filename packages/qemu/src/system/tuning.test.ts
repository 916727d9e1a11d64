import type { Domain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { buildArgv } from '../buildArgv.js';
import { hostCapabilitiesFixture } from '../testing/conformance.js';
import { domainFrom, guest, jsonValues } from '../testing/domains.js';

const caps = hostCapabilitiesFixture();
const runtime = { qmpSocket: '/run/vd/demo/qmp.sock' };

function withVcpus(extra: string, vcpu = '<vcpu>2</vcpu>'): Domain {
  return domainFrom(
    `<domain type='qemu'><name>demo</name><memory unit='MiB'>256</memory>${vcpu}<os><type arch='x86_64' machine='q35'>hvm</type></os>${extra}<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>`,
  );
}

const problems = (result: ReturnType<typeof buildArgv>) => result.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message);

describe('CPU pinning', () => {
  it('plans vcpupin and emulatorpin for the launch, with the cpuset syntax expanded', () => {
    const domain = withVcpus("<cputune><vcpupin vcpu='0' cpuset='1'/><vcpupin vcpu='1' cpuset='0-3,^2'/><emulatorpin cpuset='0'/></cputune>");
    const result = buildArgv(domain, caps, runtime);
    expect(problems(result)).toEqual([]);
    expect(result.launch.affinity).toEqual({ emulator: [0], vcpus: [{ vcpu: 0, cpus: [1] }, { vcpu: 1, cpus: [0, 1, 3] }], iothreads: [] });
    // The preview has nothing to apply.
    expect(buildArgv(domain, caps).launch.affinity).toBeUndefined();
  });

  it("gives <vcpu cpuset> to every thread without a pin of its own, iothreads included", () => {
    const domain = withVcpus("<iothreads>1</iothreads><cputune><vcpupin vcpu='1' cpuset='0'/></cputune>", "<vcpu cpuset='1-2'>2</vcpu>");
    expect(buildArgv(domain, caps, runtime).launch.affinity).toEqual({
      emulator: [1, 2],
      vcpus: [{ vcpu: 0, cpus: [1, 2] }, { vcpu: 1, cpus: [0] }],
      iothreads: [{ iothread: 1, cpus: [1, 2] }],
    });
  });

  it('still warns about the <cputune> settings it does not apply', () => {
    const domain = withVcpus("<cputune><shares>2048</shares><vcpupin vcpu='0' cpuset='1'/><vcpusched vcpus='0' scheduler='fifo' priority='1'/></cputune>");
    expect(problems(buildArgv(domain, caps, runtime))).toEqual([
      'CPU shares and quotas (<cputune> shares, period, quota) is not supported by virtdeck yet: it is ignored.',
      'Real-time scheduling (<vcpusched>) is not supported by virtdeck yet: it is ignored.',
    ]);
  });
});

describe('memory limits', () => {
  it('turns <memtune> into cgroup v2 limits in bytes, swap counted apart', () => {
    const domain = guest({ extra: "<memtune><hard_limit unit='MiB'>512</hard_limit><soft_limit unit='MiB'>384</soft_limit><swap_hard_limit unit='MiB'>640</swap_hard_limit></memtune>" });
    const result = buildArgv(domain, caps, runtime);
    expect(problems(result)).toEqual([]);
    expect(result.launch.memoryLimits).toEqual({ max: 512 * 2 ** 20, high: 384 * 2 ** 20, swapMax: 128 * 2 ** 20 });
  });

  it('refuses a swap_hard_limit that cgroup v2 cannot express', () => {
    const domain = guest({ extra: "<memtune><swap_hard_limit unit='MiB'>640</swap_hard_limit></memtune>" });
    expect(problems(buildArgv(domain, caps, runtime))).toEqual([
      'swap_hard_limit caps memory and swap together; with cgroup v2 that needs hard_limit too (the swap allowed is the difference).',
    ]);
  });
});

describe('huge pages', () => {
  const ram = (result: ReturnType<typeof buildArgv>) => jsonValues(result.argv, '-object').find((o) => o.id === 'pc.ram');

  it('backs the RAM with a preallocated file on the hugetlbfs folder the server made', () => {
    const domain = guest({ extra: "<memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking>" });
    const result = buildArgv(domain, caps, { ...runtime, hugepageDirs: { 2048: '/dev/hugepages/virtdeck/demo' } });
    expect(problems(result)).toEqual([]);
    expect(ram(result)).toEqual({
      'qom-type': 'memory-backend-file',
      id: 'pc.ram',
      'mem-path': '/dev/hugepages/virtdeck/demo',
      'x-use-canonical-path-for-ramblock-id': false,
      prealloc: true,
      size: 256 * 2 ** 20,
    });
  });

  it("uses the host's default page size for <hugepages/>", () => {
    const domain = guest({ extra: '<memoryBacking><hugepages/></memoryBacking>' });
    const sized = buildArgv(domain, caps, { ...runtime, defaultHugepageKiB: 1048576, hugepageDirs: { 2048: '/dev/hugepages/vd', 1048576: '/dev/hugepages1G/vd' } });
    expect(ram(sized)?.['mem-path']).toBe('/dev/hugepages1G/vd');
    expect(ram(buildArgv(domain, caps))?.['mem-path']).toBe('/dev/hugepages/libvirt/qemu/demo');
  });

  it('takes huge pages for memfd RAM from the kernel, without a mount', () => {
    const domain = guest({ extra: "<memoryBacking><hugepages><page size='1' unit='GiB'/></hugepages><source type='memfd'/></memoryBacking>" });
    expect(ram(buildArgv(domain, caps, runtime))).toEqual({ 'qom-type': 'memory-backend-memfd', id: 'pc.ram', hugetlb: true, hugetlbsize: 2 ** 30, prealloc: true, size: 256 * 2 ** 20 });
  });

  it('backs each NUMA cell with the page size its nodeset gives, ordinary pages for the others', () => {
    const domain = domainFrom(`<domain type='qemu'><name>demo</name><memory unit='MiB'>512</memory><vcpu>2</vcpu>
      <memoryBacking><hugepages><page size='2048' unit='KiB' nodeset='1'/></hugepages></memoryBacking>
      <os><type arch='x86_64' machine='q35'>hvm</type></os>
      <cpu><numa><cell id='0' cpus='0' memory='256' unit='MiB'/><cell id='1' cpus='1' memory='256' unit='MiB'/></numa></cpu>
      <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>`);
    const objects = jsonValues(buildArgv(domain, caps, { ...runtime, hugepageDirs: { 2048: '/hp/demo' } }).argv, '-object');
    expect(objects.find((o) => o.id === 'ram-node0')?.['qom-type']).toBe('memory-backend-ram');
    expect(objects.find((o) => o.id === 'ram-node1')).toMatchObject({ 'qom-type': 'memory-backend-file', 'mem-path': '/hp/demo', prealloc: true });
  });
});
