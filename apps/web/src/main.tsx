import { prefetchEditor } from './components/editor/loadEditorPages';
import { prefetchGuestXml } from './editor/guestXmlPrefetch';
import { parseRoute } from './router';

// Marks read by bench/editorBench.ts (phases of opening the editor); cheap enough to keep.
performance.mark('virtdeck:entry');

// Opened straight on an editor page: Monaco (3.4 MB) and the definition are asked for first,
// while React and the pages are still on their way, since the editor is what takes longest.
const initial = parseRoute(location.hash);
if (initial.page === 'new' || (initial.page === 'guest' && initial.tab === 'xml')) prefetchEditor();
if (initial.page === 'guest' && initial.tab === 'xml') prefetchGuestXml(initial.host, initial.name);

void import('./startApp');
