// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import type * as Schema from '@virtdeck/schema';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { guestSummary } from '../../testing/guestSummary';
import { DefinitionHistory } from './DefinitionHistory';

// Another limit than the one shipped, so a number written into the page itself shows.
vi.mock('@virtdeck/schema', async (original) => ({ ...(await original<typeof Schema>()), HISTORY_LIMIT: 7 }));
// Monaco's diff editor does not run in jsdom; with no earlier versions the pane shows none.
vi.mock('./DiffView', () => ({ DiffView: () => null }));

describe('the history pane', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("says how many saves are kept as @virtdeck/schema's HISTORY_LIMIT, which the server keeps", async () => {
    vi.stubGlobal('fetch', (url: string) =>
      Promise.resolve(
        url.endsWith('/history')
          ? new Response('[]', { headers: { 'Content-Type': 'application/json' } })
          : new Response('<domain><name>web</name></domain>', { headers: { 'Content-Type': 'application/xml' } }),
      ),
    );
    render(<DefinitionHistory guest={guestSummary('web')} />);
    expect((await screen.findByTestId('history')).textContent).toContain('(the last 7 saves)');
  });
});
