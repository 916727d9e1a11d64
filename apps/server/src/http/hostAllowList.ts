import os from 'node:os';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * The host names a request may name in its Host header: the configured host (and, for a
 * loopback one, localhost, 127.0.0.1 and [::1]; for one that listens everywhere, this machine's
 * name and addresses too), each with the port the server listens on, plus VIRTDECK_ALLOWED_HOSTS
 * (`name` on the server's port, `name:port` for a proxy in front of it). Anything else is a
 * page on another name whose DNS now points here (DNS rebinding), or on another port.
 */
export class HostAllowList {
  private readonly names = new Set<string>();
  /** `name:port` entries: a proxy in front of the server on a port of its own. */
  private readonly hostPorts = new Set<string>();
  private port = 0;

  constructor(bindHost: string, extraHosts: readonly string[] = []) {
    const bound = bracketed(bindHost.toLowerCase());
    const names = this.names;
    for (const entry of extraHosts) {
      const parsed = parseHost(bracketed(entry.toLowerCase()));
      if (parsed?.port !== undefined) this.hostPorts.add(`${parsed.name}:${parsed.port}`);
      else if (parsed) names.add(parsed.name);
    }
    if (isLoopback(bindHost) || WILDCARD_HOSTS.has(bound)) LOOPBACK_NAMES.forEach((n) => names.add(n));
    if (WILDCARD_HOSTS.has(bound)) {
      names.add(os.hostname().toLowerCase());
      for (const address of Object.values(os.networkInterfaces()).flat()) if (address) names.add(bracketed(address.address.toLowerCase()));
    } else {
      names.add(bound);
    }
  }

  /** The port is known once the server listens (port 0 picks one). */
  listeningOn(port: number): void {
    this.port = port;
  }

  /** Why a Host header is not one of ours, or undefined when it is. */
  problem(host: string | undefined): string | undefined {
    if (!host) return 'the request has no Host header';
    const parsed = parseHost(host.toLowerCase());
    if (parsed) {
      const port = parsed.port ?? 80;
      if ((this.names.has(parsed.name) && port === this.port) || this.hostPorts.has(`${parsed.name}:${port}`)) return undefined;
    }
    const ours = [...[...this.names].map((n) => `${n}:${this.port}`), ...this.hostPorts];
    return `this server does not answer to the host '${host}' (it answers to ${ours.join(', ')}; set VIRTDECK_ALLOWED_HOSTS to add names)`;
  }
}

function parseHost(host: string): { name: string; port?: number } | undefined {
  const match = /^(\[[^\]]*\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!match?.[1]) return undefined;
  return match[2] === undefined ? { name: match[1] } : { name: match[1], port: Number(match[2]) };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/** An IPv6 address as it appears in a Host header: `[::1]`. A bare one has several colons. */
function bracketed(host: string): string {
  return host.split(':').length > 2 && !host.startsWith('[') ? `[${host}]` : host;
}
