import type { RequestHandler } from 'express';
import type { AccessToken } from '../auth/accessToken.js';
import { VirtdeckError } from '../errors.js';

/** Every /api request must carry the token (REST, SSE; the WebSocket upgrade checks it too). */
export function requireToken(token: AccessToken, tokenFile: string): RequestHandler {
  return (req, _res, next) => {
    if (token.authorizes(req.headers)) return next();
    next(unauthorized(tokenFile));
  };
}

export function unauthorized(tokenFile: string): VirtdeckError {
  return new VirtdeckError(
    'unauthorized',
    `The access token is missing or wrong: open the URL the server printed at start (it ends in ?token=…), or send "Authorization: Bearer TOKEN" with the token from ${tokenFile}`,
  );
}

/**
 * A page opened with `?token=…` (the URL the server prints) logs the browser in: the token
 * goes into an HttpOnly SameSite=Strict cookie and the browser is sent to the same URL
 * without it, so the token does not linger in the address bar or the history.
 */
export function tokenLogin(token: AccessToken): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/api/')) return next();
    const url = new URL(req.originalUrl, 'http://virtdeck.invalid');
    const offered = url.searchParams.get('token');
    if (offered === null) return next();
    url.searchParams.delete('token');
    // A wrong token is said so on the sign-in page; it never sees the token itself.
    if (token.matches(offered)) res.setHeader('Set-Cookie', token.cookie());
    else url.searchParams.set('signin', 'refused');
    res.redirect(302, url.pathname + url.search + url.hash);
  };
}
