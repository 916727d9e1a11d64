// The app itself, which main.tsx loads once it has started what the first page needs most.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { onUnauthorized } from './api/client';
import { connectEvents } from './api/events';
import { useSessionStore } from './store/sessionStore';
import './styles.css';

performance.mark('virtdeck:app');

onUnauthorized(() => useSessionStore.getState().setAuth('unauthorized'));
connectEvents();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
