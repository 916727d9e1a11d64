import path from 'node:path';

export interface ServerConfig {
  host: string;
  port: number;
  stateDir: string;
  /** Built web app to serve; absent in API-only tests. */
  webRoot?: string;
  /** More host names the server answers to (behind a proxy, a DNS name for this machine). */
  allowedHosts?: string[];
}

/** Reads the configuration from the environment (see README.md, "Configuration"). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, not '${env.PORT}'`);
  }
  return {
    host: env.HOST || '127.0.0.1',
    port,
    stateDir: path.resolve(cwd, env.VIRTDECK_STATE_DIR || '.virtdeck'),
    webRoot: env.VIRTDECK_WEB_ROOT ? path.resolve(cwd, env.VIRTDECK_WEB_ROOT) : undefined,
    allowedHosts: (env.VIRTDECK_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
  };
}
