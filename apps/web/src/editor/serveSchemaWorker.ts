import { DocumentAnalyzer } from './DocumentAnalyzer';
import type { FromWorker, ToWorker, WorkerRequest, WorkerResults, WorkerRole } from './protocol';

/** The worker's side of a message port (the worker global, or a MessagePort in tests). */
export interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

/**
 * Runs the editor's schema work for one role. Text updates are coalesced: when several
 * arrive while one is being worked on, only the newest is taken next.
 *
 * `checks`: diagnostics first (what the person waits for), then the form; and the answers
 * to completion, hover, format and form-edit requests.
 * `preview`: the command line, which takes as long as the checks on a big definition and
 * so runs in a worker of its own, never in the way of the next keystroke's markers. It
 * waits for a short pause in typing: on two cores it would otherwise take CPU time from the
 * checks and the editor on every keystroke of a fast typist.
 */
/** The pause in typing the preview waits for. */
export const PREVIEW_QUIET_MS = 80;

export function serveSchemaWorker(scope: WorkerScope, role: WorkerRole = 'checks', analyzer = new DocumentAnalyzer()): void {
  let scheduled = false;
  // The emulator's machine and CPU lists are large and rarely change: sent again only when they do.
  let sentEmulator: ReturnType<DocumentAnalyzer['emulator']> | undefined;

  const check = () => {
    const version = analyzer.version;
    const { result, elapsedMs } = analyzer.validation();
    scope.postMessage({ type: 'diagnostics', version, diagnostics: result.diagnostics, elapsedMs });
    const message: Extract<FromWorker, { type: 'derived' }> = { type: 'derived', version, form: analyzer.form() };
    const emulator = analyzer.emulator();
    if (emulator !== sentEmulator) {
      message.emulator = emulator;
      sentEmulator = emulator;
    }
    scope.postMessage(message);
  };

  const preview = () => {
    const version = analyzer.version;
    let commandLine: Extract<FromWorker, { type: 'command-line' }>['commandLine'];
    try {
      commandLine = analyzer.commandLine();
    } catch (error) {
      commandLine = { error: error instanceof Error ? error.message : String(error) };
    }
    scope.postMessage({ type: 'command-line', version, commandLine });
  };

  let previewTimer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    if (role === 'preview') {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(preview, PREVIEW_QUIET_MS);
      return;
    }
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      check();
    }, 0);
  };

  const answer = (request: WorkerRequest): WorkerResults[WorkerRequest['kind']] => {
    switch (request.kind) {
      case 'complete':
        return analyzer.complete(request.offset);
      case 'hover':
        return analyzer.hover(request.offset);
      case 'format':
        return analyzer.format();
      case 'form-edit':
        return analyzer.formEdit(request.change);
      default: {
        const unreachable: never = request;
        return unreachable;
      }
    }
  };

  scope.addEventListener('message', ({ data: message }) => {
    switch (message.type) {
      case 'update':
        analyzer.setText(message.version, message.text);
        schedule();
        break;
      case 'host':
        analyzer.setHost(message.host);
        if (analyzer.version > 0) schedule();
        break;
      case 'request': {
        const { id, version } = message;
        if (version !== analyzer.version) {
          scope.postMessage({ type: 'response', id, version, ok: false, stale: true, error: 'stale' });
          break;
        }
        try {
          scope.postMessage({ type: 'response', id, version, ok: true, result: answer(message.request) });
        } catch (error) {
          scope.postMessage({ type: 'response', id, version, ok: false, stale: false, error: error instanceof Error ? error.message : String(error) });
        }
        break;
      }
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  });
}
