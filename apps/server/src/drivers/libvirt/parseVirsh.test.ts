import { describe, expect, it } from 'vitest';
import { splitCommandLine } from './nativeArgv.js';
import { isActiveDomain, lifecycleEventOf, parseDomInfo, parseDomState, parseDomStats, parseEventLine, toGuestStats } from './parseVirsh.js';

describe("reading virsh's output", () => {
  it("maps libvirt's states and reasons to virtdeck's", () => {
    expect(parseDomState('running (booted)\n')).toEqual({ state: 'running', reason: 'booted' });
    expect(parseDomState('shut off (destroyed)')).toEqual({ state: 'shutoff', reason: 'destroyed' });
    expect(parseDomState('shut off (unknown)')).toEqual({ state: 'shutoff', reason: 'defined' });
    expect(parseDomState('paused (I/O error)')).toEqual({ state: 'paused', reason: 'io-error' });
    expect(parseDomState('in shutdown (user)')).toEqual({ state: 'shutdown', reason: 'user' });
    expect(parseDomState('crashed (panicked)')).toEqual({ state: 'crashed', reason: 'crashed' });
  });

  it("gives each of libvirt's paused reasons its own, as virsh words them", () => {
    const paused = (why: string) => parseDomState(`paused (${why})\n`).reason;
    // What virsh 9.0 here said of a guest whose ib700 watchdog expired with action='pause' (libvirtWatchdog.int.test.ts).
    expect(paused('watchdog')).toBe('watchdog');
    expect(paused('I/O error')).toBe('io-error');
    expect(paused('user')).toBe('user');
    expect(paused('unknown')).toBe('unknown');
    expect(['migrating', 'saving', 'dumping', 'from snapshot', 'shutting down', 'creating snapshot', 'crashed', 'starting up', 'post-copy', 'post-copy failed', 'api error'].map(paused)).toEqual([
      'migrating',
      'saving',
      'dumping',
      'migrated-state',
      'shutting-down',
      'snapshot',
      'crashed',
      'starting-up',
      'migrating',
      'migration-failed',
      'api-error',
    ]);
    // A reason a newer libvirt adds is not taken for a user's Pause.
    expect(paused('something new')).toBe('unknown');
    expect(parseDomState('pmsuspended (unknown)')).toEqual({ state: 'paused', reason: 'unknown' });
  });

  it('reads dominfo lines as keys and values', () => {
    expect(parseDomInfo('Id:             -\nName:           a:b\nAutostart:      enable\n')).toMatchObject({ Id: '-', Name: 'a:b', Autostart: 'enable' });
  });

  it('takes a domain with an Id for one whose QEMU exists, crashed and kept included', () => {
    expect(isActiveDomain(parseDomInfo('Id:             7\nState:          crashed\n'))).toBe(true);
    expect(isActiveDomain(parseDomInfo('Id:             -\nState:          shut off\n'))).toBe(false);
    expect(isActiveDomain(parseDomInfo(''))).toBe(false);
  });

  it('reads event lines with their time, and names what happened in the event log words', () => {
    const line = "2026-12-02 06:59:20.343+0000: event 'lifecycle' for domain 'it''s': Stopped Destroyed";
    const event = parseEventLine(line);
    expect(event).toEqual({ name: "it''s", kind: 'lifecycle', detail: 'Stopped Destroyed', timestamp: '2026-12-02T06:59:20.343Z' });
    expect(lifecycleEventOf(event!)).toBe('stopped');
    const of = (detail: string) => lifecycleEventOf({ name: 'x', kind: 'lifecycle', detail, timestamp: '' });
    expect([of('Started Booted'), of('Suspended Paused'), of('Resumed Unpaused'), of('Stopped Shutdown'), of('Defined Added'), of('Undefined Removed')]).toEqual([
      'started',
      'suspended',
      'resumed',
      'powered-off',
      'defined',
      'undefined',
    ]);
    expect(lifecycleEventOf({ name: 'x', kind: 'reboot', detail: '', timestamp: '' })).toBe('reset');
    expect(parseEventLine('events received: 0')).toBeUndefined();
  });

  it('turns domstats into the stats stream, with the CPU use since the previous sample', () => {
    const stats = parseDomStats("Domain: 'g'\n  cpu.time=3000000000\n  balloon.current=262144\n  balloon.rss=177000\n  net.count=1\n  net.0.name=vnet0\n  net.0.rx.bytes=10\n  block.count=0\n\n");
    const values = stats.get('g');
    expect(values).toBeDefined();
    const sample = toGuestStats(values!, 1_000_000_000, 2_500_000_000);
    expect(sample).toMatchObject({ cpuTimeNs: 3_000_000_000, cpuPercent: 50, memory: { currentKiB: 262144, balloonKiB: 262144, rssKiB: 177000 }, block: [] });
    expect(sample.net).toEqual([{ device: 'vnet0', rxBytes: 10, txBytes: 0, rxPackets: 0, txPackets: 0 }]);
    expect(sample.netUnavailable).toBeUndefined();
  });

  it('lists an interface libvirt gives no name and no counters (user-mode networking) as unavailable, with why', () => {
    // What virsh 9.0 prints for the demo guest: one user-mode interface, no host device.
    const values = parseDomStats("Domain: 'g'\n  cpu.time=3310000000\n  balloon.current=262144\n  net.count=2\n  net.1.name=vnet3\n  net.1.tx.bytes=7\n  block.count=0\n").get('g')!;
    const sample = toGuestStats(values, 3_000_000_000, 3_000_000_000, ['user', 'network']);
    expect(sample.net).toEqual([{ device: 'vnet3', rxBytes: 0, txBytes: 7, rxPackets: 0, txPackets: 0 }]);
    expect(sample.netUnavailable).toEqual([{ device: 'net0', reason: 'user-mode' }]);
    expect(sample.cpuPercent).toBe(10.3);
  });

  it("splits virsh domxml-to-native's line into QEMU's argv, leaving the environment out", () => {
    const line = "LC_ALL=C PATH=/usr/bin HOME=/var/lib/libvirt/qemu/d /usr/bin/qemu-system-x86_64 -name guest=g,debug-threads=on -object '{\"qom-type\":\"secret\",\"id\":\"k\"}' -append 'console=ttyS0 it'\\''s'\n";
    expect(splitCommandLine(line)).toEqual(['/usr/bin/qemu-system-x86_64', '-name', 'guest=g,debug-threads=on', '-object', '{"qom-type":"secret","id":"k"}', '-append', "console=ttyS0 it's"]);
  });
});
