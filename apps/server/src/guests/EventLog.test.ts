import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../api.js';
import { EVENT_LOG_LENGTH, EventLog } from './EventLog.js';

const event = (i: number): LifecycleEvent => ({ name: 'g', event: 'started', state: 'running', reason: 'booted', timestamp: new Date(i).toISOString(), detail: 'x'.repeat(2000) });

describe('EventLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-events-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('survives a restart, keeps the recent events and a small file', async () => {
    const file = path.join(dir, 'run', 'g', 'events.jsonl');
    const log = new EventLog(file);
    for (let i = 0; i < 500; i++) log.add(event(i));
    await log.flush();
    expect(log.recent()).toHaveLength(EVENT_LOG_LENGTH);
    expect((await readFile(file, 'utf8')).trim().split('\n').length).toBeLessThanOrEqual(2 * EVENT_LOG_LENGTH);

    const again = new EventLog(file);
    await again.load();
    const recent = again.recent();
    expect(recent.at(-1)).toEqual(event(499));
    expect(recent).toHaveLength(EVENT_LOG_LENGTH);
  });

  it('skips a line a crash cut short', async () => {
    const file = path.join(dir, 'events.jsonl');
    const log = new EventLog(file);
    log.add(event(1));
    await log.flush();
    await appendFile(file, '{"name":"g","ev');
    const again = new EventLog(file);
    await again.load();
    expect(again.recent()).toEqual([event(1)]);
    expect(await readFile(file, 'utf8')).toContain('"ev');
  });
});
