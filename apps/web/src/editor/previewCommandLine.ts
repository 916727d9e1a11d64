import { buildArgv, formatCommandLine } from '@virtdeck/qemu';
import type { Domain } from '@virtdeck/schema';
import type { HostInfo } from '../api/types';
import type { CommandLinePreview } from './protocol';

/**
 * The command line the text becomes on this host, as `virsh domxml-to-native` would print
 * it: no run-time sockets or pid file (the server adds those when it starts the guest).
 */
export function previewCommandLine(domain: Domain, host: HostInfo, now = Date.now()): CommandLinePreview | { error: string } {
  const built = buildArgv(domain, host, undefined, { now, hostPassthrough: host.hostPassthrough });
  if (built.argv.length === 0) {
    const reason = built.diagnostics.find((d) => d.severity === 'error');
    return { error: reason ? `line ${reason.range.start.line}: ${reason.message}` : 'the definition gives no command line' };
  }
  return { argv: built.argv, line: formatCommandLine(built.argv), diagnostics: built.diagnostics };
}
