import type { HostCapabilities } from '@virtdeck/qemu';

/**
 * Host capabilities as the server uses them. The first call waits for the probe; later calls
 * answer at once with the last result and, when it is older than `maxAgeMs`, refresh it in
 * the background (the probe re-checks the binaries and /dev/kvm and re-probes a changed
 * binary). So a start never waits for those checks, and a change on the host is seen by the
 * next call but one.
 */
export function cachedCapabilities(probe: () => Promise<HostCapabilities>, maxAgeMs = 2000): () => Promise<HostCapabilities> {
  let last: { value: HostCapabilities; at: number } | undefined;
  let inflight: Promise<HostCapabilities> | undefined;
  const refresh = () =>
    (inflight ??= probe()
      .then((value) => {
        last = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        inflight = undefined;
      }));
  return () => {
    if (!last) return refresh();
    if (Date.now() - last.at > maxAgeMs) refresh().catch(() => undefined);
    return Promise.resolve(last.value);
  };
}
