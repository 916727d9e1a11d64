// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GuestState } from '../../api/types';
import { useSessionStore } from '../../store/sessionStore';
import { guestSummary } from '../../testing/guestSummary';
import { GuestActions } from './GuestActions';

const guest = (state: GuestState) => guestSummary('web', { state });

afterEach(cleanup);

describe('guest actions', () => {
  it('offers Delete only for a guest without a QEMU process, and asks first', () => {
    const { rerender } = render(<GuestActions guest={guest('running')} />);
    expect(screen.queryByTestId('vm-web-delete')).toBeNull();
    rerender(<GuestActions guest={guest('broken')} />);
    expect(screen.getByTestId('vm-web-delete')).toBeTruthy();
    // on_crash=preserve kept its QEMU for inspection: the server refuses to delete it until it is forced off.
    rerender(<GuestActions guest={{ ...guest('crashed'), pid: 4242 }} />);
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
});
