// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GuestState, HostSummary } from '../../api/types';
import { useHostsStore } from '../../store/hostsStore';
import { useSessionStore } from '../../store/sessionStore';
import { guestSummary } from '../../testing/guestSummary';
import { GuestActions } from './GuestActions';

const guest = (state: GuestState) => guestSummary('web', { state });

afterEach(() => {
  cleanup();
  act(() => useHostsStore.getState().replaceAll([]));
});

const host = (id: string, driver: HostSummary['driver'], state: HostSummary['state'] = 'connected'): HostSummary => ({ id, uri: driver === 'embedded' ? 'local' : `qemu+ssh://${id}/system`, driver, state, guests: 1 });

describe('guest actions', () => {
  it('offers Delete only for a guest without a QEMU process, and asks first', () => {
    const { rerender } = render(<GuestActions guest={guest('running')} />);
    expect(screen.queryByTestId('vm-web-delete')).toBeNull();
    rerender(<GuestActions guest={guest('broken')} />);
    expect(screen.getByTestId('vm-web-delete')).toBeTruthy();
    // on_crash=preserve kept its QEMU for inspection: the server refuses to delete it until it is forced off.
    rerender(<GuestActions guest={{ ...guest('crashed'), active: true }} />);
    expect(screen.queryByTestId('vm-web-delete')).toBeNull();
    expect(screen.getByTestId('vm-web-reset')).toBeTruthy();
    expect(screen.getByTestId('vm-web-destroy')).toBeTruthy();
    rerender(<GuestActions guest={guest('crashed')} />);
    expect(screen.getByTestId('vm-web-delete')).toBeTruthy();
    expect(screen.getByTestId('vm-web-start')).toBeTruthy();
    rerender(<GuestActions guest={guest('shutoff')} />);
    fireEvent.click(screen.getByTestId('vm-web-delete'));
    expect(screen.getByTestId('confirm-delete').textContent).toContain('Delete web?');
    fireEvent.click(screen.getByText('Cancel'));
    expect(screen.queryByTestId('confirm-delete')).toBeNull();
  });

  it("names every button with its guest, so that a table of guests does not read as rows of 'Start'", () => {
    render(
      <>
        <GuestActions guest={guestSummary('web', { state: 'running' })} compact />
        <GuestActions guest={guestSummary('db', { state: 'shutoff' })} compact />
      </>,
    );
    expect(screen.getByRole('button', { name: 'Force off web' })).toBe(screen.getByTestId('vm-web-destroy'));
    expect(screen.getByRole('button', { name: 'Shut down web' })).toBe(screen.getByTestId('vm-web-shutdown'));
    expect(screen.getByRole('button', { name: 'Start db' })).toBe(screen.getByTestId('vm-db-start'));
    expect(screen.getByRole('button', { name: 'Delete db' })).toBe(screen.getByTestId('vm-db-delete'));
    // What is seen stays the short word; the name is for whoever cannot see the row.
    expect(screen.getByTestId('vm-db-start').textContent).toBe('Start');
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull();
  });

  it('shows a failed action under the buttons that were clicked', async () => {
    // No server behind this page: the request itself fails.
    render(<GuestActions guest={guest('shutoff')} />);
    fireEvent.click(screen.getByTestId('vm-web-start'));
    expect(screen.getByTestId('vm-web-start').textContent).toBe('Starting…');
    const alert = await screen.findByTestId('vm-web-error');
    expect(alert.textContent).toMatch(/server cannot be reached|fetch|URL/i);
    expect(screen.getByTestId('vm-web-start').textContent).toBe('Start');
  });

  it('takes back "the server cannot be reached" once the event stream is live again', async () => {
    act(() => useSessionStore.getState().setStream('live'));
    render(<GuestActions guest={guest('shutoff')} />);
    fireEvent.click(screen.getByTestId('vm-web-start'));
    await screen.findByTestId('vm-web-error');
    act(() => useSessionStore.getState().setStream('reconnecting'));
    expect(screen.getByTestId('vm-web-error')).toBeTruthy();
    act(() => useSessionStore.getState().setStream('live'));
    expect(screen.queryByTestId('vm-web-error')).toBeNull();
  });

  it('offers live migration for a running guest of a libvirt host only, to another connected libvirt host', () => {
    act(() => useHostsStore.getState().replaceAll([host('local', 'embedded'), host('a', 'libvirt'), host('b', 'libvirt'), host('c', 'libvirt', 'lost')]));
    // A running guest of virtdeck's own host cannot migrate live: no Move… at all.
    const { rerender } = render(<GuestActions guest={guest('running')} />);
    expect(screen.queryByTestId('vm-web-move')).toBeNull();

    rerender(<GuestActions guest={guestSummary('web', { state: 'running', host: 'a' })} />);
    fireEvent.click(screen.getByTestId('vm-a/web-move'));
    // Only b: local is not libvirt, c cannot be reached.
    expect([...(screen.getByTestId('move-target') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['b']);
    const live = screen.getByTestId('move-live') as HTMLInputElement;
    expect(live.checked && !live.disabled).toBe(true);
    expect(screen.getByTestId('confirm').textContent).toBe('Migrate live');
    fireEvent.click(live);
    expect((screen.getByTestId('confirm') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('move-explanation').textContent).toContain('A running guest moves only live');
    fireEvent.click(screen.getByText('Cancel'));

    // Shut off, it is moved by copy to any connected host; the live option is off.
    rerender(<GuestActions guest={guestSummary('web', { state: 'shutoff', host: 'a' })} />);
    fireEvent.click(screen.getByTestId('vm-a/web-move'));
    expect([...(screen.getByTestId('move-target') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['local', 'b']);
    expect((screen.getByTestId('move-live') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId('confirm').textContent).toBe('Move');
  });
});
