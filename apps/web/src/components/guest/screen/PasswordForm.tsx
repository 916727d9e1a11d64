import { useState, type FormEvent } from 'react';

/** The definition's VNC password, asked for each connection that needs it and kept only until sent. */
export function PasswordForm({ wrong, onSubmit }: { wrong: boolean; onSubmit: (password: string) => void }) {
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(password);
    setPassword('');
  };
  return (
    <form className="screen-password" onSubmit={submit} data-testid="screen-password-form">
      <label>
        {wrong ? 'Wrong password. Display password' : 'Display password'}{' '}
        <input type="password" autoComplete="off" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} data-testid="screen-password" />
      </label>
      <button type="submit" className="primary" data-testid="screen-password-submit">
        Connect
      </button>
    </form>
  );
}
