import { acceleratorUsability, type HostCapabilities } from '@virtdeck/qemu';
import { ACCELERATORS } from '@virtdeck/schema';
import type { HostInfo } from '../api.js';

/**
 * `GET /api/host`: the probed capabilities, plus every accelerator a definition can name
 * with whether this host can use it and, when not, a reason a person can act on (the one a
 * start would refuse with: @virtdeck/qemu's acceleratorUsability); `caution`
 * says what guests showed of one that opens (see host/acceleratorObservations.ts).
 */
export function hostInfo(caps: HostCapabilities, caution: (accelerator: string) => string | undefined = () => undefined): HostInfo {
  return {
    ...caps,
    accelerators: Object.values(ACCELERATORS).map((info) => {
      const usable = acceleratorUsability(info.name, caps);
      const seen = usable.usable ? caution(info.name) : undefined;
      return seen ? { ...info, ...usable, caution: seen } : { ...info, ...usable };
    }),
  };
}
