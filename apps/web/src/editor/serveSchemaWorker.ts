import { DocumentAnalyzer } from './DocumentAnalyzer';
import type { FromWorker, ToWorker, WorkerRequest, WorkerResults } from './protocol';

/** The worker's side of a message port (the worker global, or a MessagePort in tests). */
export interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

/**
 * Runs the schema checks for the editor. Text updates are coalesced: when several arrive
 * while one is being checked, only the newest is checked next. Diagnostics go out first
 * (they are what the person waits for), the form and the command line right after.
 */
export function serveSchemaWorker(scope: WorkerScope, analyzer = new DocumentAnalyzer()): void {
  let scheduled = false;

  const run = () => {
    scheduled = false;
    const version = analyzer.version;
    const { result, elapsedMs } = analyzer.validation();
    scope.postMessage({ type: 'diagnostics', version, diagnostics: result.diagnostics, elapsedMs });
    // Let queued messages (a newer text) in before the slower part.
    setTimeout(() => {
      if (analyzer.version === version) derive();
    }, 0);
  };

  const derive = () => {
    const version = analyzer.version;
    let commandLine: Extract<FromWorker, { type: 'derived' }>['commandLine'];
    try {
      commandLine = analyzer.commandLine();
    } catch (error) {
      commandLine = { error: error instanceof Error ? error.message : String(error) };
    }
    scope.postMessage({ type: 'derived', version, form: analyzer.form(), commandLine });
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(run, 0);
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
        if (analyzer.version > 0) setTimeout(derive, 0);
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
          const text = error instanceof Error ? error.message : String(error);
          scope.postMessage({ type: 'response', id, version, ok: false, stale: false, error: text });
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
