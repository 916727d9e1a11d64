import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './KeyedMutex.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedMutex', () => {
  it('runs tasks on one key one after another, in order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (label: string, ms: number) => async () => {
      log.push(`${label} begins`);
      await delay(ms);
      log.push(`${label} ends`);
      return label;
    };
    const results = await Promise.all([mutex.run('a', task('first', 20)), mutex.run('a', task('second', 1))]);
    expect(results).toEqual(['first', 'second']);
    expect(log).toEqual(['first begins', 'first ends', 'second begins', 'second ends']);
  });

  it('runs tasks on different keys at the same time', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    await Promise.all([
      mutex.run('a', async () => {
        log.push('a begins');
        await delay(20);
        log.push('a ends');
      }),
      mutex.run('b', async () => {
        log.push('b begins');
        await delay(1);
        log.push('b ends');
      }),
    ]);
    expect(log).toEqual(['a begins', 'b begins', 'b ends', 'a ends']);
  });

  it('goes on with the next task after a failure and forgets idle keys', async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run('a', () => Promise.reject(new Error('boom')));
    const next = mutex.run('a', () => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
    await delay(0);
    expect(mutex.isBusy('a')).toBe(false);
  });
});
