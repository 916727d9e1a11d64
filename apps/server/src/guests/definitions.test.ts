import { describe, expect, it } from 'vitest';
import type { VirtdeckError } from '../errors.js';
import { checkDefinition, withIdentity } from './definitions.js';
import { newGuest, parseDefinition } from './guestRecord.js';

const xml = (name: string, extra = '') => `<domain type='qemu'>
  <name>${name}</name>${extra}
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='user'><model type='virtio'/></interface>
  </devices>
</domain>
`;

const guestFrom = (text: string) => {
  const checked = checkDefinition(text);
  return newGuest('/nonexistent', checked.name, text, parseDefinition(text), false);
};

describe('definitions: what a define checks and fills in', () => {
  it('fills in a UUID and a MAC address as text edits, keeping the rest as written', () => {
    const { text, parsed } = withIdentity(checkDefinition(xml('alpha')), undefined, []);
    expect(text).toMatch(/<name>alpha<\/name>\n {2}<uuid>[0-9a-f-]{36}<\/uuid>\n {2}<memory unit='MiB'>64<\/memory>/);
    expect(text).toMatch(/<interface type='user'><mac address='52:54:00:[0-9a-f:]{8}'\/>\s*<model type='virtio'\/><\/interface>/);
    expect(parsed.facts.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(parsed.facts.macs).toHaveLength(1);
  });

  it('keeps the UUID of a guest on redefinition, and refuses one that changes it', () => {
    const first = guestFrom(withIdentity(checkDefinition(xml('alpha')), undefined, []).text);
    const again = withIdentity(checkDefinition(xml('alpha')), first, [first]);
    expect(again.parsed.facts.uuid).toBe(first.facts.uuid);
    const other = checkDefinition(xml('alpha', "\n  <uuid>11111111-2222-3333-4444-555555555555</uuid>"));
    expect(() => withIdentity(other, first, [first])).toThrow(/already defined with UUID/);
  });

  it("refuses another guest's UUID and never hands out a MAC that is taken", () => {
    const uuid = '11111111-2222-3333-4444-555555555555';
    const owner = guestFrom(xml('owner', `\n  <uuid>${uuid}</uuid>`).replace("<interface type='user'>", "<interface type='user'><mac address='52:54:00:00:00:01'/>"));
    expect(() => withIdentity(checkDefinition(xml('thief', `\n  <uuid>${uuid}</uuid>`)), undefined, [owner])).toThrow(/already belongs to 'owner'/);
    for (let i = 0; i < 20; i++) {
      const { parsed } = withIdentity(checkDefinition(xml(`g${i}`)), undefined, [owner]);
      expect(parsed.facts.macs).not.toContain('52:54:00:00:00:01');
    }
  });

  it('points at a name that cannot be a guest', () => {
    const bad = (() => {
      try {
        checkDefinition(xml('../escape'));
      } catch (error) {
        return error as VirtdeckError;
      }
      return undefined;
    })();
    expect(bad).toMatchObject({ code: 'invalid-xml' });
    expect(bad?.diagnostics?.[0]?.range.start.line).toBe(2);
  });
});
