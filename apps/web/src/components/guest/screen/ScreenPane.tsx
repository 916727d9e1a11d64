import { useEffect, useReducer, useRef, useState } from 'react';
import type { GuestSummary } from '../../../api/types';
import { isActive } from '../../../store/guestStore';
import { KeysMenu } from './KeysMenu';
import { isLeaveChord, LEAVE_KEY_LABEL } from './leaveKey';
import { PasswordForm } from './PasswordForm';
import { ScreenConnection } from './ScreenConnection';
import { INITIAL_SCREEN_STATUS, screenStatusReducer, screenStatusText } from './screenStatus';
import { TypeTextForm } from './TypeTextForm';
import './screen.css';

/**
 * The guest's graphical console (noVNC), for a guest with a VNC display or a SPICE one
 * (virtdeck gives those a VNC display for the browser too). The keyboard goes to the guest
 * while the screen has the focus, which a click or Tab gives it and Ctrl+Alt+Shift takes away.
 */
export default function ScreenPane({ guest }: { guest: GuestSummary }) {
  if (!guest.display) {
    return (
      <p className="hint screen-none" data-testid="screen-none">
        This guest has no display; its serial console is on the Console tab. Add <code>{"<graphics type='vnc'/>"}</code> to its definition for a screen.
      </p>
    );
  }
  return <ScreenViewer guest={guest} />;
}

function ScreenViewer({ guest }: { guest: GuestSummary }) {
  const pane = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const firstTool = useRef<HTMLButtonElement>(null);
  const connection = useRef<ScreenConnection | undefined>(undefined);
  const [status, dispatch] = useReducer(screenStatusReducer, INITIAL_SCREEN_STATUS);
  const [scale, setScale] = useState(true);
  const [fullscreen, setFullscreen] = useState(false);
  const [typing, setTyping] = useState(false);
  const active = isActive(guest);
  const activeRef = useRef(active);
  const scaleRef = useRef(scale);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const viewer = new ScreenConnection(guest.host, guest.name, element, dispatch, activeRef.current, scaleRef.current);
    connection.current = viewer;
    // Capture: seen before noVNC's keyboard handler on the canvas, which would send it to the guest.
    const leave = (event: KeyboardEvent) => {
      if (!isLeaveChord(event)) return;
      event.preventDefault();
      event.stopPropagation();
      // Leaving the canvas makes noVNC release the modifiers it already sent.
      firstTool.current?.focus();
    };
    element.addEventListener('keydown', leave, { capture: true });
    return () => {
      element.removeEventListener('keydown', leave, { capture: true });
      viewer.close();
      connection.current = undefined;
    };
  }, [guest.host, guest.name]);

  useEffect(() => {
    activeRef.current = active;
    connection.current?.setGuestActive(active);
  }, [active]);

  useEffect(() => {
    scaleRef.current = scale;
    connection.current?.setScale(scale);
  }, [scale]);

  useEffect(() => {
    const changed = () => setFullscreen(document.fullscreenElement === pane.current);
    document.addEventListener('fullscreenchange', changed);
    return () => document.removeEventListener('fullscreenchange', changed);
  }, []);

  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void pane.current?.requestFullscreen();
  };
  const connected = status.phase === 'connected';

  return (
    <div className="screen-pane" ref={pane}>
      <div className="pane-toolbar screen-toolbar">
        <button type="button" ref={firstTool} onClick={() => setScale((s) => !s)} aria-pressed={scale} data-testid="screen-scale" title="Fit the screen into the pane, or show it pixel for pixel">
          {scale ? 'Scale to fit' : '1:1'}
        </button>
        <button type="button" onClick={toggleFullscreen} aria-pressed={fullscreen} data-testid="screen-fullscreen">
          {fullscreen ? 'Leave full screen' : 'Full screen'}
        </button>
        <KeysMenu
          disabled={!connected}
          onSend={(combination) => {
            connection.current?.sendKeys(combination);
            connection.current?.focus();
          }}
        />
        <button type="button" onClick={() => setTyping((t) => !t)} aria-expanded={typing} data-testid="screen-type-open" disabled={!active}>
          Type text…
        </button>
        <span className={`screen-status screen-${status.phase}`} data-testid="screen-status" role="status">
          {screenStatusText(status)}
        </span>
        <span className="spacer" />
        <span className="console-hint" data-testid="screen-leave-hint">
          Click or Tab into the screen to type in it; {LEAVE_KEY_LABEL} moves the focus out
        </span>
      </div>
      {guest.display === 'spice' ? (
        <p className="hint screen-note" data-testid="screen-spice-note">
          This guest&apos;s display is SPICE: the browser shows it through the VNC display virtdeck adds beside it.
        </p>
      ) : null}
      {typing ? <TypeTextForm host={guest.host} name={guest.name} onClose={() => setTyping(false)} /> : null}
      {status.phase === 'password' ? (
        <PasswordForm
          wrong={status.wrong}
          onSubmit={(password) => {
            connection.current?.sendPassword(password);
          }}
        />
      ) : null}
      <div className={scale ? 'screen-host scaled' : 'screen-host'} ref={host} data-testid="screen" />
    </div>
  );
}
