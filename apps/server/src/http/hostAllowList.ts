import os from 'node:os';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * The host names a request may name in its Host header: the configured host (and, for a
 * loopback one, localhost, 127.0.0.1 and [::1]; for one that listens everywhere, this machine's
 * name and addresses too), plus VIRTDECK_ALLOWED_HOSTS, each with the port the server listens
 * on. Anything else is a page on another name whose DNS now points here (DNS rebinding).
 */
export class HostAllowList {
  private readonly names: Set<string>;
  private port = 0;

  constructor(bindHost: string, extraNames: readonly string[] = []) {
    const bound = bracketed(bindHost.toLowerCase());
    const names = new Set([...extraNames.map((n) => bracketed(n.toLowerCase()))]);
    if (isLoopback(bindHost) || WILDCARD_HOSTS.has(bound)) LOOPBACK_NAMES.forEach((n) => names.add(n));
    if (WILDCARD_HOSTS.has(bound)) {
      names.add(os.hostname().toLowerCase());
      for (const address of Object.values(os.networkInterfaces()).flat()) if (address) names.add(bracketed(address.address.toLowerCase()));
    } else {
      names.add(bound);
    }
    this.names = names;
  }

  /** The port is known once the server listens (port 0 picks one). */
  listeningOn(port: number): void {
    this.port = port;
  }

  /** Why a Host header is not one of ours, or undefined when it is. */
  problem(host: string | undefined): string | undefined {
    if (!host) return 'the request has no Host header';
    const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.toLowerCase());
    const port = match?.[2] === undefined ? 80 : Number(match[2]);
    if (match?.[1] !== undefined && this.names.has(match[1]) && port === this.port) return undefined;
    return `this server does not answer to the host '${host}' (it answers to ${[...this.names].map((n) => `${n}:${this.port}`).join(', ')}; set VIRTDECK_ALLOWED_HOSTS to add names)`;
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
