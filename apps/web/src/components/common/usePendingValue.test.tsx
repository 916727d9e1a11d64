// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { usePendingValue } from './usePendingValue';

afterEach(cleanup);

describe('usePendingValue', () => {
  it('shows the chosen value until the XML says something else, then the XML', async () => {
    const { result, rerender } = renderHook(({ value }) => usePendingValue(value), { initialProps: { value: 'qemu' } });
    let finish!: () => void;
    act(() => result.current[1]('kvm', new Promise<void>((resolve) => (finish = resolve))));
    expect(result.current[0]).toBe('kvm');
    rerender({ value: 'kvm' });
    finish();
    expect(result.current[0]).toBe('kvm');
    // An undo in the editor brings the old value back: the control follows the XML.
    rerender({ value: 'qemu' });
    expect(result.current[0]).toBe('qemu');
  });

  it('goes back to the XML value when the change fails', async () => {
    const { result } = renderHook(() => usePendingValue('q35'));
    let fail!: (e: Error) => void;
    act(() => result.current[1]('pc', new Promise<void>((_, reject) => (fail = reject))));
    expect(result.current[0]).toBe('pc');
    await act(async () => {
      fail(new Error('no <os>'));
      await Promise.resolve();
    });
    expect(result.current[0]).toBe('q35');
  });
});
