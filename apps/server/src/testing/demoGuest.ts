import { inject } from 'vitest';

/** What scripts/lib/integrationSetup.ts provides to the integration projects. */
export interface DemoGuest {
  kernel: string;
  initrd: string;
  cmdline: string;
  readyMarker: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    demoGuest: DemoGuest;
  }
}

/** The demo guest built by the integration set-up (kernel, initramfs, ready marker). */
export const demoGuest = (): DemoGuest => inject('demoGuest');
