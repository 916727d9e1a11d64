import type { GuestSummary } from '@virtdeck/server/api';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api, type GuestAction } from '../api/client';
import { selectGuestList, useGuestStore } from '../store/guestStore';
import { StateBadge } from './StateBadge';

export function GuestList({ selected, onSelect }: { selected?: string; onSelect: (name: string) => void }) {
  const guests = useGuestStore(useShallow(selectGuestList));
  return (
    <nav className="guest-list" aria-label="Guests">
      {guests.length === 0 ? <p className="hint">No guests defined.</p> : null}
      <ul>
        {guests.map((guest) => (
          <GuestRow key={guest.name} guest={guest} selected={guest.name === selected} onSelect={onSelect} />
        ))}
      </ul>
    </nav>
  );
}

function GuestRow({ guest, selected, onSelect }: { guest: GuestSummary; selected: boolean; onSelect: (name: string) => void }) {
  const [busy, setBusy] = useState<GuestAction | undefined>();
  const [error, setError] = useState<string | undefined>();
  const act = async (action: GuestAction) => {
    setBusy(action);
    setError(undefined);
    try {
      await api.act(guest.name, action);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };
  const running = guest.state === 'running' || guest.state === 'paused' || guest.state === 'shutdown';
  return (
    <li className={selected ? 'guest selected' : 'guest'} data-testid={`vm-${guest.name}`}>
      <button type="button" className="guest-name" onClick={() => onSelect(guest.name)}>
        {guest.name}
      </button>
      <StateBadge name={guest.name} state={guest.state} />
      <span className="guest-meta">
        {guest.accelerator} · {guest.vcpus} vCPU · {Math.round(guest.memoryKiB / 1024)} MiB
      </span>
      <span className="actions">
        <button type="button" data-testid={`vm-${guest.name}-start`} disabled={running || busy !== undefined} onClick={() => void act('start')}>
          {busy === 'start' ? 'Starting…' : 'Start'}
        </button>
        <button type="button" data-testid={`vm-${guest.name}-destroy`} disabled={!running || busy !== undefined} onClick={() => void act('destroy')}>
          {busy === 'destroy' ? 'Stopping…' : 'Force off'}
        </button>
      </span>
      {error ? (
        <p className="error" role="alert" data-testid={`vm-${guest.name}-error`}>
          {error}
        </p>
      ) : guest.error ? (
        <p className="error">{guest.error}</p>
      ) : null}
    </li>
  );
}
