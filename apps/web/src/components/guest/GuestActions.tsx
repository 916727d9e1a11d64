import { guestCondition, isAllowed, offeredActions } from '@virtdeck/schema';
import { useEffect, useState } from 'react';
import { api, ApiError, errorMessage } from '../../api/client';
import { LOCAL_HOST, type GuestAction, type GuestSummary, type GuestVolume } from '../../api/types';
import { navigate } from '../../router';
import { guestKey, useGuestStore } from '../../store/guestStore';
import { useHostsStore } from '../../store/hostsStore';
import { useSessionStore } from '../../store/sessionStore';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { ErrorLine } from '../common/ErrorLine';

const ACTION_LABELS = {
  start: ['Start', 'Starting…'],
  shutdown: ['Shut down', 'Shutting down…'],
  reboot: ['Reboot', 'Rebooting…'],
  reset: ['Reset', 'Resetting…'],
  suspend: ['Pause', 'Pausing…'],
  resume: ['Resume', 'Resuming…'],
  destroy: ['Force off', 'Forcing off…'],
} as const satisfies Record<GuestAction, readonly [string, string]>;

const ACTION_TITLES: Record<GuestAction, string> = {
  start: 'Start the guest',
  shutdown: 'Press the ACPI power button: the guest shuts itself down',
  reboot: 'Ask the guest to reboot (ACPI)',
  reset: 'Reset the virtual machine at once, like the reset button',
  suspend: "Stop the guest's CPUs",
  resume: "Let the guest's CPUs run again",
  destroy: 'Stop QEMU at once, like pulling the plug',
};

type Busy = GuestAction | 'delete' | 'move';

/**
 * A dashboard row's buttons (compact): the everyday ones. Reboot and Reset are on the guest's
 * page: with them a running guest's buttons took three lines at 1024 px, and its row grew by a
 * third when it started, moving every row below it.
 */
const COMPACT_ACTIONS: readonly GuestAction[] = ['start', 'shutdown', 'suspend', 'resume', 'destroy'];

interface ActionError {
  message: string;
  detail?: string;
  /** The request never reached the server: true no longer once the event stream is back. */
  unreachable?: boolean;
}

/**
 * The buttons for one guest, each named with the guest for screen readers ("Start demo":
 * a table of guests would otherwise read as rows of "Start"), with progress on the button
 * and the error right below them, unless the server kept it as the guest's last error:
 * that one the page shows in its place.
 */
export function GuestActions({ guest, compact }: { guest: GuestSummary; compact?: boolean }) {
  const [busy, setBusy] = useState<Busy | undefined>();
  const [error, setError] = useState<ActionError | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [volumes, setVolumes] = useState<string[]>([]);
  /** The host chosen in the move dialog, while it is open. */
  const [moveTo, setMoveTo] = useState<string | undefined>();
  /** The move dialog's live-migration choice. */
  const [moveLive, setMoveLive] = useState(false);
  const hosts = useHostsStore((s) => s.hosts);
  // The stream coming back says the server can be reached again.
  useEffect(
    () =>
      useSessionStore.subscribe((s, previous) => {
        if (s.stream === 'live' && previous.stream !== 'live') setError((current) => (current?.unreachable ? undefined : current));
      }),
    [],
  );
  const expectRemoval = useGuestStore((s) => s.expectRemoval);
  const { name } = guest;
  const key = guestKey(guest.host, name);
  // Test ids name a local guest by its name, another host's as HOST/NAME (as the dashboard does).
  const id = guest.host === LOCAL_HOST ? name : key;

  const run = async (what: Busy, work: () => Promise<unknown>) => {
    setBusy(what);
    setError(undefined);
    try {
      await work();
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? { message: e.message, detail: e.body.detail } : { message: errorMessage(e), unreachable: e instanceof TypeError });
      return false;
    } finally {
      setBusy(undefined);
    }
  };

  const remove = async () => {
    expectRemoval(key, 'delete');
    const ok = await run('delete', () => api.undefine(guest.host, name, volumes));
    if (!ok) expectRemoval(key, false);
    setConfirming(false);
  };

  // Another host this guest can be moved to, only on its page (the move needs a confirmation): any
  // connected one when it is shut off; when it runs, live, from a libvirt host to another.
  const running = guest.state === 'running' || guest.state === 'paused';
  const isLibvirt = (id: string | undefined) => id !== undefined && hosts[id]?.driver === 'libvirt';
  const targets = Object.values(hosts).filter((h) => h.id !== guest.host && h.state === 'connected' && (!running || h.driver === 'libvirt'));
  const movable = !compact && targets.length > 0 && (guest.state === 'shutoff' || (running && isLibvirt(guest.host)));
  const liveAllowed = running && isLibvirt(guest.host) && isLibvirt(moveTo);
  const move = async (to: string, live: boolean) => {
    expectRemoval(key, 'rename');
    const ok = await run('move', () => api.move(guest.host, name, to, live));
    setMoveTo(undefined);
    if (!ok) expectRemoval(key, false);
    else navigate({ page: 'guest', host: to, name, tab: 'console' }, { replace: true, force: true });
  };

  const buttons = offeredActions(guest).filter((action) => !compact || COMPACT_ACTIONS.includes(action));

  return (
    <div className={compact ? 'guest-actions compact' : 'guest-actions'}>
      <div className="actions">
        {buttons.map((action) => {
          const text = busy === action ? ACTION_LABELS[action][1] : ACTION_LABELS[action][0];
          return (
            <button
              type="button"
              key={action}
              data-testid={`vm-${id}-${action}`}
              title={ACTION_TITLES[action]}
              className={action === 'destroy' ? 'danger-outline' : undefined}
              disabled={busy !== undefined}
              onClick={() => void run(action, () => api.act(guest.host, name, action))}
              aria-label={`${text} ${name}`}
            >
              {text}
            </button>
          );
        })}
        {isAllowed('delete', guestCondition(guest)) ? (
          <button
            type="button"
            data-testid={`vm-${id}-delete`}
            className="danger-outline"
            disabled={busy !== undefined}
            onClick={() => {
              setVolumes([]);
              setConfirming(true);
            }}
            aria-label={`${busy === 'delete' ? 'Deleting…' : 'Delete'} ${name}`}
          >
            {busy === 'delete' ? 'Deleting…' : 'Delete'}
          </button>
        ) : null}
        {movable ? (
          <button
            type="button"
            data-testid={`vm-${id}-move`}
            disabled={busy !== undefined}
            onClick={() => {
              setMoveTo(targets[0]?.id);
              setMoveLive(running);
            }}
            aria-label={`Move ${name} to another host`}
          >
            {busy === 'move' ? 'Moving…' : 'Move…'}
          </button>
        ) : null}
      </div>
      {error && error.message !== guest.error ? <ErrorLine message={error.message} detail={error.detail} testId={`vm-${id}-error`} /> : null}
      {confirming ? (
        <ConfirmDialog
          title={`Delete ${name}?`}
          confirmLabel="Delete"
          busy={busy === 'delete'}
          onConfirm={() => void remove()}
          onCancel={() => setConfirming(false)}
          testId="confirm-delete"
        >
          <p>
            The definition of <strong>{name}</strong> is removed from virtdeck, with its UEFI variables and TPM state if it has them (as libvirt's undefine does). Disk images it uses stay where they are, unless you tick them below.
          </p>
          {guest.host === LOCAL_HOST ? <VolumeChoice host={guest.host} name={name} chosen={volumes} onChange={setVolumes} /> : null}
        </ConfirmDialog>
      ) : null}
      {moveTo !== undefined ? (
        <ConfirmDialog
          title={`Move ${name} to another host?`}
          confirmLabel={moveLive && liveAllowed ? 'Migrate live' : 'Move'}
          busy={busy === 'move'}
          confirmDisabled={running && !(moveLive && liveAllowed)}
          onConfirm={() => void move(moveTo, moveLive && liveAllowed)}
          onCancel={() => setMoveTo(undefined)}
          testId="confirm-move"
        >
          <label className="field">
            <span>To</span>
            <select value={moveTo} onChange={(e) => setMoveTo(e.target.value)} data-testid="move-target">
              {targets.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.id} ({h.uri})
                </option>
              ))}
            </select>
          </label>
          <label className="field checkbox" title={liveAllowed ? undefined : 'Only a running guest migrates live, from a libvirt host to another'}>
            <input type="checkbox" checked={moveLive && liveAllowed} disabled={!liveAllowed} onChange={(e) => setMoveLive(e.target.checked)} data-testid="move-live" />
            <span>Live migration: it keeps running (virsh migrate --live --p2p)</span>
          </label>
          {moveLive && liveAllowed ? (
            <p data-testid="move-explanation">
              <strong>{name}</strong> keeps running while libvirt on {guest.host} copies its memory to {moveTo} and resumes it there; then it is no longer
              defined here. Its disks are not copied: they must be on storage both hosts reach.
            </p>
          ) : running ? (
            <p data-testid="move-explanation">A running guest moves only live. Shut it off to move its definition and disks instead.</p>
          ) : (
            <p data-testid="move-explanation">
              <strong>{name}</strong> is defined there with the same UUID, the files of its disks are copied next to that host&apos;s images, and then it is
              removed here with the files copied. Disks cannot be copied to or from a host on another machine.
            </p>
          )}
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/** The guest's pool volumes, to delete with it: one another guest uses cannot be ticked. */
function VolumeChoice({ host, name, chosen, onChange }: { host: string; name: string; chosen: string[]; onChange: (targets: string[]) => void }) {
  const [volumes, setVolumes] = useState<GuestVolume[]>();
  useEffect(() => {
    const abort = new AbortController();
    api.guestVolumes(host, name, abort.signal).then(setVolumes, () => !abort.signal.aborted && setVolumes([]));
    return () => abort.abort();
  }, [host, name]);
  if (!volumes || volumes.length === 0) return null;
  return (
    <fieldset className="volume-choice" data-testid="delete-volumes">
      <legend>Also delete its volumes (the data on them is lost)</legend>
      {volumes.map((v) => (
        <label key={v.target} title={v.usedBy.length > 0 ? `${v.usedBy.join(', ')} uses it too: it is kept` : v.path}>
          <input
            type="checkbox"
            disabled={v.usedBy.length > 0}
            checked={chosen.includes(v.target)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, v.target] : chosen.filter((t) => t !== v.target))}
            data-testid={`delete-volume-${v.target}`}
          />{' '}
          {v.target}: {v.volume} in pool {v.pool}
          {v.usedBy.length > 0 ? ` (used by ${v.usedBy.join(', ')})` : ''}
        </label>
      ))}
    </fieldset>
  );
}
