import { beforeEach, describe, expect, it } from 'vitest';
import type { GuestSummary } from '../api/types';
import { guestKey, isActive, selectGuestList, useGuestStore } from './guestStore';
import { guestSummary } from '../testing/guestSummary';

const guest = guestSummary;

beforeEach(() => useGuestStore.setState({ guests: {}, removed: {}, wentTo: {}, removing: {}, loaded: false }));

describe('guestStore', () => {
  it('replaces everything with each snapshot and lists guests by name', () => {
    const { replaceAll } = useGuestStore.getState();
    replaceAll([guest('web'), guest('db')]);
    expect(selectGuestList(useGuestStore.getState()).map((g) => g.name)).toEqual(['db', 'web']);
    expect(useGuestStore.getState().loaded).toBe(true);
  });

  it('replaces a guest with its new truth rather than patching it', () => {
    const store = useGuestStore.getState();
    store.replaceAll([guest('web', { error: 'QEMU failed' })]);
    store.upsert(guest('web', { state: 'running', reason: 'booted' }));
    const web = useGuestStore.getState().guests['local/web']!;
    expect(web.state).toBe('running');
    expect(web.error).toBeUndefined();
  });

  it('remembers guests removed while the page is open, also those missing from a later snapshot', () => {
    const store = useGuestStore.getState();
    store.replaceAll([guest('a'), guest('b'), guest('c')]);
    store.remove('local/a');
    store.replaceAll([guest('c')]);
    const { removed, guests } = useGuestStore.getState();
    expect(Object.keys(guests)).toEqual(['local/c']);
    expect(Object.keys(removed).sort()).toEqual(['local/a', 'local/b']);
  });

  it('forgets a removal when a guest of that name is defined again', () => {
    const store = useGuestStore.getState();
    store.replaceAll([guest('a')]);
    store.remove('local/a');
    store.upsert(guest('a'));
    expect(useGuestStore.getState().removed).toEqual({});
  });

  it('remembers where a renamed or moved guest went until a guest of the old name is defined there again', () => {
    const store = useGuestStore.getState();
    store.replaceAll([guest('old'), guest('other'), guest('travels')]);
    store.remove('local/old', { host: 'local', name: 'new' });
    store.remove('local/other');
    store.remove('local/travels', { host: 'rack1', name: 'travels' });
    expect(useGuestStore.getState().wentTo).toEqual({ 'local/old': { host: 'local', name: 'new' }, 'local/travels': { host: 'rack1', name: 'travels' } });
    expect(Object.keys(useGuestStore.getState().removed).sort()).toEqual(['local/old', 'local/other', 'local/travels']);
    store.upsert(guest('old'));
    expect(useGuestStore.getState().wentTo).toEqual({ 'local/travels': { host: 'rack1', name: 'travels' } });
  });

  it('keeps guests of the same name on different hosts apart', () => {
    const store = useGuestStore.getState();
    store.replaceAll([guest('web'), guest('web', { host: 'rack1', state: 'running' })]);
    store.remove(guestKey('rack1', 'web'));
    const { guests, removed } = useGuestStore.getState();
    expect(Object.values(guests).map((g) => `${g.host}:${g.state}`)).toEqual(['local:shutoff']);
    expect(Object.keys(removed)).toEqual(['rack1/web']);
  });

  it('does not take guests missing from the first snapshot for removed ones', () => {
    useGuestStore.setState({ guests: { old: guest('old') } });
    useGuestStore.getState().replaceAll([]);
    expect(useGuestStore.getState().removed).toEqual({});
  });

  it('counts a guest with a QEMU process as active, a crashed one whose QEMU on_crash kept included', () => {
    expect(['running', 'paused', 'shutdown'].every((state) => isActive({ state: state as GuestSummary['state'], active: true }))).toBe(true);
    expect(isActive({ state: 'shutoff', active: false })).toBe(false);
    expect(isActive({ state: 'crashed', active: true })).toBe(true);
    expect(isActive({ state: 'crashed', active: false })).toBe(false);
  });
});
