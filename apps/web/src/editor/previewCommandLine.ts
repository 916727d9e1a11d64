import type { Domain } from '@virtdeck/schema';
import type { HostInfo } from '../api/types';
import type { CommandLinePreview } from './protocol';

// PENDING(buildArgv in @virtdeck/qemu): replaced once the qemu package exports it.
export function previewCommandLine(_domain: Domain, _host: HostInfo): CommandLinePreview | { error: string } {
  return { error: 'the command line builder is not available yet' };
}
