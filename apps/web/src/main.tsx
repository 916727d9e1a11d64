import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { onUnauthorized } from './api/client';
import { connectEvents } from './api/events';
import { prefetchEditor } from './components/editor/loadEditorPages';
import { parseRoute } from './router';
import { useSessionStore } from './store/sessionStore';
import './styles.css';

onUnauthorized(() => useSessionStore.getState().setAuth('unauthorized'));
connectEvents();

// Opened straight on an editor page: start loading Monaco before React has even rendered.
const initial = parseRoute(location.hash);
if (initial.page === 'new' || (initial.page === 'guest' && initial.tab === 'xml')) prefetchEditor();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
