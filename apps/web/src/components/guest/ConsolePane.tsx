import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { ConsoleConnection, type ConsoleStatus } from '../../api/console';
import type { GuestSummary } from '../../api/types';
import { isActive } from '../../store/guestStore';
import { currentColorScheme, useColorScheme } from '../../theme/colorScheme';
import { TERMINAL_THEMES } from './terminalThemes';

const STATUS_TEXT: Record<ConsoleStatus, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  'not-running': 'the guest is not running: this is its last output',
  'unknown-guest': 'no such guest',
  unreadable: 'its serial port is not a pty or a UNIX socket QEMU serves, so it cannot be shown here',
  'too-slow': 'fell behind the guest\'s output, reconnecting…',
  disconnected: 'disconnected, reconnecting…',
  'held-elsewhere': 'another client holds the serial console',
};

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * The guest's first serial port in xterm.js. The terminal fits its pane; copy is
 * Ctrl+Shift+C (or Ctrl+C while text is selected, Cmd+C on a Mac), paste is Ctrl+V,
 * Ctrl+Shift+V or Cmd+V; Ctrl+M makes Tab move the focus out of the terminal (as in
 * Monaco and VS Code) and back: everything else goes to the guest as typed.
 */
export default function ConsolePane({ guest }: { guest: GuestSummary }) {
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | undefined>(undefined);
  const connRef = useRef<ConsoleConnection | undefined>(undefined);
  const [status, setStatus] = useState<ConsoleStatus>('connecting');
  const [heldMessage, setHeldMessage] = useState<string | undefined>();
  const [takeOver, setTakeOver] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const [copied, setCopied] = useState(false);
  const [tabMovesFocus, setTabMovesFocus] = useState(false);
  const tabMovesFocusRef = useRef(false);
  const active = isActive(guest);
  const activeRef = useRef(active);
  const scheme = useColorScheme();

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      scrollback: 10_000,
      theme: TERMINAL_THEMES[currentColorScheme()],
      minimumContrastRatio: 4.5,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(element);
    fit.fit();
    const resize = new ResizeObserver(() => {
      // The pane can be hidden (zero size) while another tab is shown.
      if (element.clientWidth > 0 && element.clientHeight > 0) fit.fit();
    });
    resize.observe(element);

    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown') return true;
      const key = event.key.toLowerCase();
      if (event.ctrlKey && !event.shiftKey && !event.altKey && !event.metaKey && key === 'm') {
        tabMovesFocusRef.current = !tabMovesFocusRef.current;
        setTabMovesFocus(tabMovesFocusRef.current);
        event.preventDefault();
        return false;
      }
      // Not handled by xterm, so the browser moves the focus.
      if (key === 'tab' && tabMovesFocusRef.current) return false;
      const copyChord = isMac ? event.metaKey && key === 'c' : event.ctrlKey && (event.shiftKey || term.hasSelection()) && key === 'c';
      if (copyChord) {
        if (term.hasSelection()) void navigator.clipboard?.writeText(term.getSelection());
        term.clearSelection();
        return false;
      }
      if (isMac ? event.metaKey && key === 'v' : event.ctrlKey && key === 'v') {
        // Ctrl+V: the browser's paste event reaches xterm, which sends the text.
        if (event.shiftKey) {
          event.preventDefault();
          void navigator.clipboard?.readText().then((text) => term.paste(text));
        }
        return false;
      }
      return true;
    });

    // While the replay is parsed, xterm's answers to the old queries in it are dropped.
    let replaying = false;
    const connection = new ConsoleConnection(
      guest.host,
      guest.name,
      {
        onOpen: () => term.reset(),
        onData: (bytes, replay) => {
          if (!replay) return term.write(bytes);
          replaying = true;
          term.write(bytes, () => {
            replaying = false;
          });
        },
        onStatus: (next, detail) => {
          setStatus(next);
          setHeldMessage(next === 'held-elsewhere' ? detail : undefined);
          if (next !== 'held-elsewhere') setTakeOver({ busy: false });
        },
      },
      activeRef.current,
    );
    const input = term.onData((data) => {
      if (!replaying) connection.send(data);
    });
    termRef.current = term;
    connRef.current = connection;
    term.focus();
    return () => {
      input.dispose();
      connection.close();
      resize.disconnect();
      term.dispose();
      termRef.current = undefined;
      connRef.current = undefined;
    };
  }, [guest.host, guest.name]);

  // The system switched between light and dark: the terminal follows, its content kept.
  useEffect(() => {
    if (termRef.current) termRef.current.options.theme = TERMINAL_THEMES[scheme];
  }, [scheme]);

  // A guest that starts while its console is open: connect to the new serial port.
  useEffect(() => {
    activeRef.current = active;
    connRef.current?.setGuestActive(active);
  }, [active]);

  const copy = async () => {
    const term = termRef.current;
    if (!term) return;
    await navigator.clipboard.writeText(term.hasSelection() ? term.getSelection() : bufferText(term));
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };

  const takeOverConsole = async () => {
    setTakeOver({ busy: true });
    try {
      await api.takeOverConsole(guest.host, guest.name);
    } catch (error) {
      setTakeOver({ busy: false, error: errorMessage(error) });
    }
  };

  const paste = async () => {
    const term = termRef.current;
    if (!term) return;
    term.paste(await navigator.clipboard.readText());
    term.focus();
  };

  return (
    <div className="console-pane" style={{ background: TERMINAL_THEMES[scheme].background }}>
      <div className="pane-toolbar">
        <span className={`console-status console-${status}`} data-testid="console-status">
          {STATUS_TEXT[status]}
        </span>
        <span className="console-hint" aria-live="polite" data-testid="console-escape-hint">
          {tabMovesFocus ? 'Tab moves focus out of the console; Ctrl+M gives Tab back to the guest' : 'Tab goes to the guest; Ctrl+M makes Tab move focus out of the console'}
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => void copy()} data-testid="console-copy" title="Copy the selection, or everything when nothing is selected (Ctrl+Shift+C)">
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={() => void paste()} data-testid="console-paste" disabled={status !== 'connected'} title="Paste into the console (Ctrl+V)">
          Paste
        </button>
      </div>
      {status === 'held-elsewhere' && (
        <div className="console-held" role="status" data-testid="console-held">
          <p>{heldMessage ?? STATUS_TEXT['held-elsewhere']}</p>
          <p className="console-held-actions">
            <button type="button" onClick={() => void takeOverConsole()} disabled={takeOver.busy} data-testid="console-take-over" title="Ends the other client's console session (virsh console --force)">
              {takeOver.busy ? 'Taking over…' : 'Take over'}
            </button>
            <span>ends the other client's session, as virsh console --force does</span>
          </p>
          {takeOver.error && (
            <p className="error" role="alert" data-testid="console-take-over-error">
              {takeOver.error}
            </p>
          )}
        </div>
      )}
      <div className="terminal-host" ref={host} data-testid="console" />
    </div>
  );
}

function bufferText(term: Terminal): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
