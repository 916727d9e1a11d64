import WebSocket from 'ws';
import { waitFor } from './waitFor.js';

export interface ConsoleClient {
  /** Everything received so far, as text. */
  text(): string;
  type(text: string): void;
  /** Waits until the received text contains `needle` (after `from` characters, if given). */
  waitFor(needle: string, options?: { from?: number; timeoutMs?: number }): Promise<void>;
  /** Types a command once the guest's shell answers (keys typed before the shell runs may be lost). */
  run(command: string): Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Opens `WS /api/domains/NAME/console` (or a host's `/api/hosts/HOST/domains/NAME/console`) as a browser would (cookie + matching Origin). */
export function openConsole(baseUrl: string, token: string, name: string, host?: string): Promise<ConsoleClient> {
  const base = host ? `api/hosts/${encodeURIComponent(host)}/` : 'api/';
  const url = `${baseUrl.replace(/^http/, 'ws')}${base}domains/${encodeURIComponent(name)}/console`;
  const ws = new WebSocket(url, { headers: { Cookie: `virtdeck_token=${token}`, Origin: new URL(baseUrl).origin } });
  const chunks: Buffer[] = [];
  ws.on('message', (data: Buffer) => chunks.push(data));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const text = () => Buffer.concat(chunks).toString('utf8');
  const type = (input: string) => ws.send(Buffer.from(input));
  const waitForText = (needle: string, { from = 0, timeoutMs = 60_000 } = {}) =>
    waitFor(`'${needle}' on the console of ${name}`, () => (text().indexOf(needle, from) >= 0 ? true : undefined), timeoutMs).then(() => undefined);
  let probes = 0;
  const run = async (command: string) => {
    for (let attempt = 1; ; attempt++) {
      const from = text().length;
      const answer = `alive-${++probes}`;
      // The shell prints the answer computed, not the command echoed back.
      type(`echo alive-$((${probes}))\n`);
      try {
        await waitForText(answer, { from, timeoutMs: 3000 });
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
      }
    }
    type(`${command}\n`);
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ text, type, waitFor: waitForText, run, closed, close: () => ws.close() }));
    ws.once('error', reject);
  });
}
