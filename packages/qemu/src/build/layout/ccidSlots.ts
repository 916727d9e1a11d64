/** CCID slots of smartcards: the definition's, then the lowest free slot of controller 0. */
import type { Smartcard } from '@virtdeck/schema';

export interface CcidSlot {
  controller: number;
  slot: number;
}

export function assignCcidSlots(cards: readonly Smartcard[]): Map<object, CcidSlot> {
  const ccid = new Map<object, CcidSlot>();
  const used = new Set<string>();
  for (const card of cards) {
    const a = card.address?.type === 'ccid' ? (card.address as { controller?: number; slot?: number }) : undefined;
    if (a?.slot !== undefined) {
      ccid.set(card, { controller: a.controller ?? 0, slot: a.slot });
      used.add(`${a.controller ?? 0}:${a.slot}`);
    }
  }
  for (const card of cards) {
    if (ccid.has(card)) continue;
    let slot = 0;
    while (used.has(`0:${slot}`)) slot++;
    used.add(`0:${slot}`);
    ccid.set(card, { controller: 0, slot });
  }
  return ccid;
}
