import { describe, expect, it } from 'vitest';
import { hostPassthroughSetting, loadConfig } from './config.js';

describe('VIRTDECK_HOST_PASSTHROUGH', () => {
  it('is on by default only for a server bound to this machine', () => {
    for (const host of ['127.0.0.1', '127.0.0.53', '::1', 'localhost']) expect(hostPassthroughSetting(undefined, host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'virt.example.org']) expect(hostPassthroughSetting(undefined, host), host).toBe(false);
    expect(loadConfig({}).hostPassthrough).toBe(true);
    expect(loadConfig({ HOST: '0.0.0.0' }).hostPassthrough).toBe(false);
    expect(loadConfig({ HOST: '0.0.0.0', VIRTDECK_HOST_PASSTHROUGH: '' }).hostPassthrough).toBe(false);
  });

  it('is what it says when set, wherever the server listens', () => {
    expect(loadConfig({ HOST: '0.0.0.0', VIRTDECK_HOST_PASSTHROUGH: 'on' }).hostPassthrough).toBe(true);
    expect(loadConfig({ VIRTDECK_HOST_PASSTHROUGH: 'off' }).hostPassthrough).toBe(false);
  });

  it('refuses any other value, naming it, rather than guess', () => {
    for (const value of ['yes', 'ON', '1', 'true', ' off']) {
      expect(() => loadConfig({ VIRTDECK_HOST_PASSTHROUGH: value }), value).toThrow(`VIRTDECK_HOST_PASSTHROUGH must be 'on' or 'off', not '${value}'`);
    }
  });
});
