import path from 'node:path';
import { isLoopback } from './http/hostAllowList.js';

export interface ServerConfig {
  host: string;
  port: number;
  stateDir: string;
  /** Built web app to serve; absent in API-only tests. */
  webRoot?: string;
  /** More host names the server answers to (behind a proxy, a DNS name for this machine). */
  allowedHosts?: string[];
  /**
   * Whether <qemu:commandline> (its arguments and <qemu:env>) and an ethernet interface's
   * <script>/<downscript> may start: options and programs that reach the host unchecked.
   * VIRTDECK_HOST_PASSTHROUGH=on|off; by default on only for a server bound to this machine.
   */
  hostPassthrough?: boolean;
}

/** Reads the configuration from the environment (see README.md, "Configuration"). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, not '${env.PORT}'`);
  }
  const host = env.HOST || '127.0.0.1';
  return {
    host,
    port,
    stateDir: path.resolve(cwd, env.VIRTDECK_STATE_DIR || '.virtdeck'),
    webRoot: env.VIRTDECK_WEB_ROOT ? path.resolve(cwd, env.VIRTDECK_WEB_ROOT) : undefined,
    allowedHosts: (env.VIRTDECK_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
    hostPassthrough: hostPassthroughSetting(env.VIRTDECK_HOST_PASSTHROUGH, host),
  };
}

/** VIRTDECK_HOST_PASSTHROUGH, or its default: on where only this machine can reach the server. */
export function hostPassthroughSetting(value: string | undefined, host: string): boolean {
  if (value === undefined || value === '') return isLoopback(host);
  if (value === 'on' || value === 'off') return value === 'on';
  throw new Error(`VIRTDECK_HOST_PASSTHROUGH must be 'on' or 'off', not '${value}'`);
}
