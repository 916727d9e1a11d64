// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useGuestStore } from '../../store/guestStore';
import { useHostsStore } from '../../store/hostsStore';
import { useHostUsageStore } from '../../store/hostUsageStore';
import { useStatsStore } from '../../store/statsStore';
import { Dashboard } from './Dashboard';
import { useDashboardStore } from './dashboardStore';
import { DEFAULT_QUERY } from './guestQuery';
import { guestSummary } from '../../testing/guestSummary';

const guest = guestSummary;

beforeEach(() => {
  useGuestStore.setState({ guests: {}, removed: {}, removing: {}, loaded: false });
  useStatsStore.setState({ series: {} });
  useHostsStore.setState({ hosts: {} });
  useHostUsageStore.setState({ usage: undefined });
  useDashboardStore.setState({ query: DEFAULT_QUERY, selected: {} });
});
afterEach(cleanup);

describe('Dashboard', () => {
  it('says it is loading until the first snapshot, then that there are no guests', () => {
    const { rerender } = render(<Dashboard />);
    expect(screen.getByText('Loading guests…')).toBeTruthy();
    act(() => useGuestStore.getState().replaceAll([]));
    rerender(<Dashboard />);
    expect(screen.getByTestId('no-guests')).toBeTruthy();
  });

  it('shows each guest with its state, accelerator, vCPUs, memory and CPU use', () => {
    useGuestStore.getState().replaceAll([guest('web', { state: 'running', reason: 'booted', accelerator: 'kvm', vcpus: 4, memoryKiB: 2 * 1024 * 1024, pendingChanges: true }), guest('db')]);
    useStatsStore.getState().record({
      timestamp: 1000,
      guests: { web: { cpuTimeNs: 1, cpuPercent: 42, memory: { currentKiB: 2 * 1024 * 1024 }, block: [], net: [] } },
    });
    render(<Dashboard />);
    const row = within(screen.getByTestId('vm-web'));
    expect(row.getByTestId('vm-web-state').textContent).toBe('running');
    expect(row.getByTestId('vm-web-state').title).toBe('running: started');
    expect(row.getByTestId('vm-web-accelerator').textContent).toBe('kvm');
    expect(row.getByTestId('vm-web-vcpus').textContent).toBe('4');
    expect(row.getByTestId('vm-web-memory').textContent).toBe('2.00 GiB');
    expect(row.getByTestId('vm-web-cpu').textContent).toContain('42%');
    expect(row.getByTestId('vm-web-pending').textContent).toBe('changes at next start');
    expect(within(screen.getByTestId('vm-db')).getByTestId('vm-db-cpu').textContent).toContain('–');
  });

  it('follows the store: a new truth for a guest replaces its row', () => {
    useGuestStore.getState().replaceAll([guest('web')]);
    render(<Dashboard />);
    expect(screen.getByTestId('vm-web-state').textContent).toBe('shutoff');
    act(() => useGuestStore.getState().upsert(guest('web', { state: 'paused', reason: 'user' })));
    expect(screen.getByTestId('vm-web-state').textContent).toBe('paused');
    expect(screen.getByTestId('vm-web-state').title).toBe('paused: on request');
    act(() => useGuestStore.getState().upsert(guest('web', { state: 'paused', reason: 'internal-error' })));
    expect(screen.getByTestId('vm-web-state').title).toBe('paused: QEMU stopped it after an internal error');
    act(() => useGuestStore.getState().remove('local/web'));
    expect(screen.queryByTestId('vm-web')).toBeNull();
  });

  it('shows the host of each guest, greys the guests of a lost host, lists the hosts and filters by host', () => {
    useHostsStore.getState().replaceAll([
      { id: 'local', uri: 'virtdeck:///embedded', driver: 'embedded', state: 'connected', guests: 1 },
      { id: 'rack1', uri: 'qemu+ssh://root@rack1/system', driver: 'libvirt', state: 'lost', error: 'The host cannot be reached: Connection refused', guests: 1 },
    ]);
    useGuestStore.getState().replaceAll([guest('web'), guest('web', { host: 'rack1', state: 'running', reason: 'booted' })]);
    // A guest of a libvirt host has its own CPU use (from that host's domstats), not the local guest's of the same name.
    useStatsStore.getState().record({
      timestamp: 1000,
      guests: {},
      hosts: { rack1: { web: { cpuTimeNs: 1, cpuPercent: 17, memory: { currentKiB: 1024 }, block: [], net: [] } } },
    });
    render(<Dashboard />);
    expect(screen.getByTestId('vm-rack1/web-cpu').textContent).toContain('17%');
    expect(screen.getByTestId('vm-web-cpu').textContent).toContain('–');
    expect(screen.getByTestId('vm-web-host').textContent).toBe('local');
    const remote = screen.getByTestId('vm-rack1/web');
    expect(remote.className).toContain('host-unreachable');
    expect(within(remote).getByTestId('vm-rack1/web-state').textContent).toBe('running');
    expect(within(remote).getByTestId('vm-rack1/web-host-state').textContent).toBe('lost');
    expect(screen.getByTestId('host-rack1-state').textContent).toBe('lost');
    expect(screen.getByTestId('host-rack1-error').textContent).toContain('Connection refused');

    fireEvent.change(screen.getByTestId('host-filter'), { target: { value: 'rack1' } });
    expect(screen.queryByTestId('vm-web')).toBeNull();
    expect(screen.getByTestId('vm-rack1/web')).toBeTruthy();
  });

  it('sums up the host: CPU use of its cores, memory, the state directory’s file system and its guests, following the stream', () => {
    useGuestStore.getState().replaceAll([guest('web', { state: 'running', reason: 'booted' }), guest('db'), guest('cache', { state: 'paused', reason: 'user' }), guest('far', { host: 'rack1', state: 'running', reason: 'booted' })]);
    render(<Dashboard />);
    expect(screen.getByTestId('host-guests').textContent).toBe('1 running, 1 paused of 3 defined');
    expect(screen.getByTestId('host-summary').textContent).toContain('Sampling the host…');
    act(() =>
      useHostUsageStore.getState().record({
        timestamp: 1000,
        cpu: { cores: 2, usePercent: 37.5 },
        memory: { totalKiB: 24 * 1024 * 1024, usedKiB: 6 * 1024 * 1024 },
        disk: { path: '/var/lib/virtdeck', totalBytes: 100 * 2 ** 30, usedBytes: 40 * 2 ** 30, freeBytes: 55 * 2 ** 30 },
      }),
    );
    expect(screen.getByTestId('host-cpu').textContent).toBe('38% of 2 cores');
    expect(screen.getByTestId('host-memory').textContent).toBe('6.00 GiB / 24.0 GiB');
    expect(screen.getByTestId('host-disk').textContent).toBe('40.0 GiB used, 55.0 GiB free');
    expect(screen.getByTestId('host-disk').parentElement?.getAttribute('title')).toContain('/var/lib/virtdeck');
    act(() => useGuestStore.getState().upsert(guest('db', { state: 'running', reason: 'booted' })));
    expect(screen.getByTestId('host-guests').textContent).toBe('2 running, 1 paused of 3 defined');
  });

  it('offers a bulk action only when one of the selected guests it is for: Shut down and Force off stay disabled for guests that are off', () => {
    useGuestStore.getState().replaceAll([guest('web'), guest('db'), guest('cache', { state: 'running', reason: 'booted', pid: 4242 })]);
    render(<Dashboard />);
    const enabled = () => ['start', 'shutdown', 'destroy'].filter((action) => !(screen.getByTestId(`bulk-${action}`) as HTMLButtonElement).disabled);
    expect(enabled()).toEqual([]);
    fireEvent.click(screen.getByTestId('vm-web-select'));
    fireEvent.click(screen.getByTestId('vm-db-select'));
    expect(screen.getByTestId('bulk-count').textContent).toBe('2 selected');
    expect(enabled()).toEqual(['start']);
    fireEvent.click(screen.getByTestId('vm-cache-select'));
    expect(enabled()).toEqual(['start', 'shutdown', 'destroy']);
    fireEvent.click(screen.getByTestId('vm-web-select'));
    fireEvent.click(screen.getByTestId('vm-db-select'));
    expect(enabled()).toEqual(['shutdown', 'destroy']);
  });
});
