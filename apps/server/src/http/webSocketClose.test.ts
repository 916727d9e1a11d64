import { describe, expect, it } from 'vitest';
import { closeReason, MAX_CLOSE_REASON_BYTES } from './webSocketClose.js';

describe('closeReason', () => {
  it('keeps a short reason as it is', () => {
    expect(closeReason('the guest is not running')).toBe('the guest is not running');
  });

  it('cuts a long one at a character boundary, never inside a UTF-8 sequence or a surrogate pair', () => {
    for (const unit of ['a', 'é', '漢', '🐧']) {
      for (let count = 100; count < 140; count++) {
        const reason = closeReason(unit.repeat(count));
        expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
        expect(Buffer.from(reason).toString('utf8')).toBe(reason);
        if (Buffer.byteLength(unit.repeat(count)) > MAX_CLOSE_REASON_BYTES) expect(reason).toMatch(/…$/);
        expect(reason.replace(/…$/, '')).toBe(unit.repeat(reason.replace(/…$/, '').length / unit.length));
      }
    }
  });
});
