import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { AccessToken } from '../auth/accessToken.js';
import { VirtdeckError } from '../errors.js';
import type { HostAllowList } from './hostAllowList.js';
import { BODY_TYPES } from './input.js';

/** Refuses any request (page, API, WebSocket upgrade) whose Host is not this server's. */
export function requireOwnHost(hosts: HostAllowList): RequestHandler {
  return (req, _res, next) => {
    const problem = hosts.problem(req.headers.host);
    next(problem ? new VirtdeckError('misdirected-request', `Refused: ${problem}`) : undefined);
  };
}

/**
 * Why a request the browser sent with our cookie may have been sent by another site's page,
 * or undefined. SameSite=Strict does not separate ports: a page on 127.0.0.1:OTHER is the
 * same site and gets the cookie sent along. So the Origin must be this server's own, and
 * Sec-Fetch-Site (where the browser sends it) must say same-origin. A bearer token is never
 * sent by a browser on its own, so bearer requests need neither.
 */
export function crossSiteProblem(headers: IncomingHttpHeaders, credential: 'bearer' | 'cookie' | undefined): string | undefined {
  if (credential === 'bearer') return undefined;
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `the request came from another site (Sec-Fetch-Site: ${site})`;
  const origin = headers.origin;
  if (origin === undefined) {
    return site === 'same-origin' ? undefined : 'a request that signs in with the cookie must carry an Origin header (programs send Authorization: Bearer instead)';
  }
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `the origin '${origin}' is not this server's`;
  }
  const sameHost = url.host === headers.host && (url.protocol === 'http:' || url.protocol === 'https:');
  return sameHost ? undefined : `the origin '${origin}' is not this server's (http://${headers.host ?? ''})`;
}

/** CSRF: a state-changing API request carried by the cookie must come from the web app itself. */
export function requireOwnOrigin(token: AccessToken): RequestHandler {
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const problem = crossSiteProblem(req.headers, token.credential(req.headers));
    next(problem ? new VirtdeckError('forbidden', `Cross-origin request refused: ${problem}`) : undefined);
  };
}

/**
 * Request bodies are JSON or XML with their content types. Neither can be sent by an HTML
 * form, and a page's script can only send them cross-origin after a CORS preflight, which
 * this server never answers. A volume upload (application/octet-stream, which needs that
 * preflight too) is answered by its own route before this check.
 */
export const requireJsonOrXmlBody: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || req.is(BODY_TYPES)) return next();
  const type = req.headers['content-type'] ?? '';
  next(new VirtdeckError('unsupported-media-type', `Request bodies are application/json or application/xml, not '${type}'`));
};

/** API answers are data, never a page: nothing in them runs, not even when opened in a tab. */
export const apiResponseHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; sandbox");
  next();
};

/** True when a browser opens the URL as a page (a link, the address bar) rather than the web app fetching it. */
export function isNavigation(headers: IncomingHttpHeaders): boolean {
  const mode = headers['sec-fetch-mode'];
  if (mode !== undefined) return mode === 'navigate';
  return /\btext\/html\b/.test(headers.accept ?? '');
}

/**
 * Security headers of every response (helmet). The CSP is what the web app needs and no more:
 * its own scripts only (no inline, no eval), Monaco's and the schema workers from this origin
 * or blob:, inline styles (Monaco and xterm set them at run time), data: fonts and images.
 * Plain HTTP on 127.0.0.1 is the normal case, so no HSTS and no upgrade-insecure-requests.
 */
export const appSecurityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'worker-src': ["'self'", 'blob:'],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    },
  },
  strictTransportSecurity: false,
  referrerPolicy: { policy: 'no-referrer' },
});
