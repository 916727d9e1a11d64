import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuUsePercent, HostUsage, parseMeminfo, parseProcStat } from './hostUsage.js';

const STAT = `cpu  38853 5 10727 27914 417 0 471 302 1000 0
cpu0 19520 0 5070 14264 95 0 239 145 500 0
cpu1 19333 5 5657 13649 322 0 231 157 500 0
intr 1234 0 0
ctxt 5678
`;

const MEMINFO = `MemTotal:       24567896 kB
MemFree:         1234567 kB
MemAvailable:   20567896 kB
Buffers:          100000 kB
`;

describe('parseProcStat', () => {
  it('counts the cores and sums busy and total jiffies, idle and iowait being idle and guest time not counted twice', () => {
    const { times, cores } = parseProcStat(STAT);
    expect(cores).toBe(2);
    expect(times.total).toBe(38853 + 5 + 10727 + 27914 + 417 + 0 + 471 + 302);
    expect(times.busy).toBe(times.total - 27914 - 417);
  });

  it('refuses a text without cpu lines', () => {
    expect(() => parseProcStat('intr 1\n')).toThrow('no cpu lines');
  });
});

describe('parseMeminfo', () => {
  it('reads the total and counts as used what is not available', () => {
    expect(parseMeminfo(MEMINFO)).toEqual({ totalKiB: 24567896, usedKiB: 24567896 - 20567896 });
  });

  it('names the field it misses', () => {
    expect(() => parseMeminfo('MemTotal: 1 kB\n')).toThrow('MemAvailable');
  });
});

describe('cpuUsePercent', () => {
  it('is the busy share of the jiffies in between, 0 when no time passed', () => {
    expect(cpuUsePercent({ busy: 100, total: 1000 }, { busy: 175, total: 1100 })).toBe(75);
    expect(cpuUsePercent({ busy: 100, total: 1000 }, { busy: 100, total: 1000 })).toBe(0);
  });
});

describe('HostUsage', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('samples CPU use since the previous sample, memory and the state directory’s file system', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'virtdeck-hostusage-'));
    dirs.push(dir);
    const proc = path.join(dir, 'proc');
    mkdirSync(proc);
    writeFileSync(path.join(proc, 'stat'), STAT);
    writeFileSync(path.join(proc, 'meminfo'), MEMINFO);
    const usage = new HostUsage(dir, proc);
    // 300 jiffies later, 120 of them busy: 40 %.
    writeFileSync(path.join(proc, 'stat'), STAT.replace('cpu  38853 5', 'cpu  38973 5').replace(' 27914 ', ' 28094 '));
    const sample = usage.sample();
    expect(sample.cpu).toEqual({ cores: 2, usePercent: 40 });
    expect(sample.memory).toEqual({ totalKiB: 24567896, usedKiB: 4000000 });
    // The same file system as df sees it (1 KiB blocks).
    const [total, used, free] = execFileSync('df', ['-k', '--output=size,used,avail', dir], { encoding: 'utf8' }).trim().split('\n')[1]!.trim().split(/\s+/).map(Number) as [number, number, number];
    expect(sample.disk.path).toBe(dir);
    expect(sample.disk.totalBytes / 1024).toBe(total);
    expect(Math.abs(sample.disk.usedBytes / 1024 - used)).toBeLessThan(64 * 1024);
    expect(Math.abs(sample.disk.freeBytes / 1024 - free)).toBeLessThan(64 * 1024);
  });

  it('gives the CPU use and memory that the kernel’s per-core counters (os.cpus) and free(1) give over the same time', async () => {
    // os.cpus() is libuv's reading of the cpuN lines, free(1) procps' of meminfo: neither is this parser.
    const busyMs = (cpus: os.CpuInfo[]) => cpus.reduce((sum, { times: t }) => sum + t.user + t.nice + t.sys + t.irq, 0);
    const allMs = (cpus: os.CpuInfo[]) => cpus.reduce((sum, { times: t }) => sum + t.user + t.nice + t.sys + t.irq + t.idle, 0);
    const usage = new HostUsage(os.tmpdir());
    const before = os.cpus();
    // Some busy and some idle time in the window, so that the share is neither 0 nor 100.
    const until = Date.now() + 300;
    while (Date.now() < until) Math.sqrt(Math.random());
    await new Promise((resolve) => setTimeout(resolve, 700));
    const sample = usage.sample();
    const after = os.cpus();
    const expected = ((busyMs(after) - busyMs(before)) / (allMs(after) - allMs(before))) * 100;
    // libuv counts iowait as neither busy nor idle and leaves out softirq and steal: a few points apart at most.
    expect(Math.abs(sample.cpu.usePercent - expected)).toBeLessThan(5);
    const [, total, used] = execFileSync('free', ['-k'], { encoding: 'utf8' }).split('\n')[1]!.trim().split(/\s+/).map(Number) as [number, number, number];
    expect(sample.memory.totalKiB).toBe(total);
    // free(1) reads meminfo a moment later; memory moves a little in between on a busy machine.
    expect(Math.abs(sample.memory.usedKiB - used) / total).toBeLessThan(0.02);
  });

  it('reads this machine’s /proc', () => {
    const sample = new HostUsage(os.tmpdir()).sample();
    expect(sample.cpu.cores).toBe(os.cpus().length);
    expect(sample.cpu.usePercent).toBeGreaterThanOrEqual(0);
    expect(sample.cpu.usePercent).toBeLessThanOrEqual(100);
    expect(sample.memory.totalKiB).toBe(Math.round(os.totalmem() / 1024));
    expect(sample.memory.usedKiB).toBeGreaterThan(0);
    expect(sample.memory.usedKiB).toBeLessThan(sample.memory.totalKiB);
  });
});
