import { useState } from 'react';
import { GuestList } from './components/GuestList';
import { GuestXml } from './components/GuestXml';
import { useGuestStore } from './store/guestStore';

export function App() {
  const stream = useGuestStore((s) => s.stream);
  const [selected, setSelected] = useState<string | undefined>();

  return (
    <div className="app">
      <header className="topbar">
        <h1>virtdeck</h1>
        <span className={`stream stream-${stream}`} data-testid="stream-status">
          {stream === 'live' ? 'live' : stream === 'connecting' ? 'connecting…' : 'reconnecting…'}
        </span>
      </header>
      <main className="layout">
        <GuestList selected={selected} onSelect={setSelected} />
        <section className="detail">{selected ? <GuestXml name={selected} /> : <p className="hint">Select a guest to see its definition.</p>}</section>
      </main>
    </div>
  );
}
