// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { navigate } from '../router';
import { arrivedGuestXml, loadGuestXml, prefetchGuestXml } from './guestXmlPrefetch';

describe('the definition asked for as the page opens', () => {
  const asked: string[] = [];
  afterEach(() => {
    vi.unstubAllGlobals();
    asked.length = 0;
  });
  /** The server's answer names how many times it was asked, so a reused answer shows. */
  const serve = () =>
    vi.stubGlobal('fetch', (url: string) => {
      asked.push(url);
      return Promise.resolve(new Response(`<domain><!-- answer ${asked.length} --></domain>`, { headers: { 'Content-Type': 'application/xml' } }));
    });
  const signal = () => new AbortController().signal;

  it("is that guest's editor's first load, and only its first", async () => {
    serve();
    prefetchGuestXml('local', 'demo');
    expect(asked).toEqual(['/api/domains/demo/xml']);
    expect(await loadGuestXml('local', 'demo', signal())).toBe('<domain><!-- answer 1 --></domain>');
    expect(asked).toHaveLength(1);
    expect(await loadGuestXml('local', 'demo', signal())).toBe('<domain><!-- answer 2 --></domain>');
  });

  it("is not another guest's, nor the same name on another host", async () => {
    serve();
    prefetchGuestXml('local', 'demo');
    expect(await loadGuestXml('rack1', 'demo', signal())).toBe('<domain><!-- answer 2 --></domain>');
    expect(asked).toEqual(['/api/domains/demo/xml', '/api/hosts/rack1/domains/demo/xml']);
    // Taking another guest's spends it too: a later visit reads afresh.
    expect(await loadGuestXml('local', 'demo', signal())).toBe('<domain><!-- answer 3 --></domain>');
  });

  it('is dropped when the page goes elsewhere before the editor has taken it', async () => {
    serve();
    location.hash = '#/guest/demo/xml';
    prefetchGuestXml('local', 'demo');
    navigate({ page: 'dashboard' });
    navigate({ page: 'guest', host: 'local', name: 'demo', tab: 'xml' });
    expect(await loadGuestXml('local', 'demo', signal())).toBe('<domain><!-- answer 2 --></domain>');
  });

  it('is there for the first render once it has arrived, and for that guest only', async () => {
    serve();
    prefetchGuestXml('local', 'demo');
    expect(arrivedGuestXml('local', 'demo')).toBeUndefined();
    await vi.waitFor(() => expect(arrivedGuestXml('local', 'demo')).toBe('<domain><!-- answer 1 --></domain>'));
    expect(arrivedGuestXml('rack1', 'demo')).toBeUndefined();
    expect(arrivedGuestXml('local', 'other')).toBeUndefined();
    // Looking does not spend it; taking it does.
    expect(await loadGuestXml('local', 'demo', signal())).toBe('<domain><!-- answer 1 --></domain>');
    expect(arrivedGuestXml('local', 'demo')).toBeUndefined();
  });
});
