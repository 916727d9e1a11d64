import { useState } from 'react';

/**
 * Shown when the server answers 401: the browser has no valid session cookie. The
 * printed URL carries the token; opening `/?token=…` makes the server set the cookie.
 */
export function SignInPage() {
  const [token, setToken] = useState('');
  // The server sends a browser that offered a wrong token back here with ?signin=refused.
  const refused = new URLSearchParams(location.search).get('signin') === 'refused';
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.pathname = '/';
    url.search = `?token=${encodeURIComponent(token.trim())}`;
    location.assign(url.toString());
  };
  return (
    <section className="sign-in" data-testid="sign-in">
      <h1>This browser is not signed in to virtdeck</h1>
      {refused ? (
        <p className="notice error" role="alert" data-testid="sign-in-refused">
          That token is not this server&apos;s, so this browser is still not signed in. A server started with another state directory has another token: use the address it printed last, or the
          token file below.
        </p>
      ) : null}
      <p>virtdeck controls virtual machines on this computer, so it only answers browsers that know its access token.</p>
      <ol>
        <li>
          When the server started, it printed a line like
          <pre>virtdeck is running at http://127.0.0.1:8080/?token=…</pre>
          Open that exact address: it signs this browser in and remembers it.
        </li>
        <li>
          The token is also stored in the file <code>token</code> in virtdeck&apos;s state directory: <code>.virtdeck/token</code> in the directory where{' '}
          <code>npm start</code> ran, or <code>$VIRTDECK_STATE_DIR/token</code> when that variable is set. Paste it here:
        </li>
      </ol>
      <form onSubmit={submit} className="sign-in-form">
        <label>
          Access token{' '}
          <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} data-testid="token-input" required />
        </label>
        <button type="submit" className="primary" disabled={token.trim() === ''}>
          Sign in
        </button>
      </form>
      <p className="hint">If you opened the printed address and still see this page, the token has changed: a new state directory gets a new token.</p>
    </section>
  );
}
