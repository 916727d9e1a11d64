import { createCipheriv } from 'node:crypto';
import WebSocket from 'ws';

/** How an RFB (VNC) handshake through the display WebSocket ended. */
export interface RfbOutcome {
  /** HTTP status of a refused upgrade. */
  status?: number;
  /** The server's protocol version line, when the upgrade was accepted. */
  version?: string;
  /** Security types the server offered (1 none, 2 VNC authentication). */
  securityTypes?: number[];
  /** The SecurityResult: 0 when the password (or no password) was accepted. */
  securityResult?: number;
  /** How the WebSocket closed before the handshake ended, when it did. */
  closed?: { code: number; reason: string };
  /** The desktop size from ServerInit. */
  width?: number;
  height?: number;
}

/**
 * A minimal RFB 3.8 client over `WS /api/domains/NAME/display`, to the ServerInit: enough to
 * see that the proxy reaches QEMU's VNC server and that QEMU enforces the password.
 */
export function rfbHandshake(url: string, headers: Record<string, string>, password?: string): Promise<RfbOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const outcome: RfbOutcome = {};
    let buffer = Buffer.alloc(0);
    let step: 'version' | 'types' | 'challenge' | 'result' | 'init' | 'done' = 'version';
    const finish = () => {
      step = 'done';
      ws.close();
      resolve(outcome);
    };
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode });
    });
    ws.on('error', (error) => reject(error));
    ws.on('close', (code, reason) => {
      if (step !== 'done') resolve({ ...outcome, closed: { code, reason: reason.toString() } });
    });
    ws.on('message', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (step === 'version' && buffer.length >= 12) {
          outcome.version = buffer.toString('latin1', 0, 11);
          buffer = buffer.subarray(12);
          ws.send(Buffer.from('RFB 003.008\n'));
          step = 'types';
        } else if (step === 'types' && buffer.length >= 1 && buffer.length >= 1 + (buffer[0] as number)) {
          outcome.securityTypes = [...buffer.subarray(1, 1 + (buffer[0] as number))];
          buffer = buffer.subarray(1 + (buffer[0] as number));
          const vncAuth = outcome.securityTypes.includes(2);
          ws.send(Buffer.from([vncAuth ? 2 : 1]));
          step = vncAuth ? 'challenge' : 'result';
        } else if (step === 'challenge' && buffer.length >= 16) {
          ws.send(vncResponse(buffer.subarray(0, 16), password ?? ''));
          buffer = buffer.subarray(16);
          step = 'result';
        } else if (step === 'result' && buffer.length >= 4) {
          outcome.securityResult = buffer.readUInt32BE(0);
          buffer = buffer.subarray(4);
          if (outcome.securityResult !== 0) return finish();
          ws.send(Buffer.from([1])); // ClientInit: shared
          step = 'init';
        } else if (step === 'init' && buffer.length >= 4) {
          outcome.width = buffer.readUInt16BE(0);
          outcome.height = buffer.readUInt16BE(2);
          return finish();
        } else {
          return;
        }
      }
    });
  });
}

/**
 * VNC authentication: the challenge DES-encrypted with the password (8 bytes, zero-padded,
 * each byte's bits reversed). Single DES is EDE with both keys equal, which OpenSSL 3 still offers.
 */
export function vncResponse(challenge: Buffer, password: string): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) key[i] = reverseBits(key[i] as number);
  const cipher = createCipheriv('des-ede-ecb', Buffer.concat([key, key]), null).setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}

function reverseBits(byte: number): number {
  let out = 0;
  for (let i = 0; i < 8; i++) out |= ((byte >> i) & 1) << (7 - i);
  return out;
}
