import { validateDomain } from '@virtdeck/schema';
import { buildArgv } from '@virtdeck/qemu';
import { describe, expect, it } from 'vitest';
import type { ApiDiagnostic, HostInfo } from '../api/types';
import hostJson from './fixtures/host.json';
import { DocumentAnalyzer } from './DocumentAnalyzer';
import { mergeDiagnostics } from './mergeDiagnostics';

const host = hostJson as unknown as HostInfo;
const definition = (type: string, devices = '') => `<domain type='${type}'>
  <name>demo</name>
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
${devices}
  </devices>
</domain>
`;

/** What the server's /api/validate answers for a valid text: the schema's diagnostics and the host's, as validateForHost merges them. */
function server(text: string): ApiDiagnostic[] {
  const { domain, diagnostics, valid } = validateDomain(text);
  if (!domain || !valid) return diagnostics;
  const hostSaid = buildArgv(domain, host, undefined, { now: 0 }).diagnostics;
  return [...diagnostics.filter((d) => !hostSaid.some((h) => h.code === d.code && h.range.start.offset === d.range.start.offset)), ...hostSaid];
}

const fixTitles = (merged: { local: ApiDiagnostic[]; server: ApiDiagnostic[] }) => [...merged.local, ...merged.server].flatMap((d) => (d.fixes ?? []).map((f) => f.title));

describe('one diagnostic and one set of fixes per problem, from the local checks and the server together', () => {
  it('shows kqemu once, as the host says it, with its two fixes', () => {
    const text = definition('kqemu');
    const merged = mergeDiagnostics(validateDomain(text).diagnostics, server(text), true);
    const kqemu = [...merged.local, ...merged.server].filter((d) => d.code === 'unsupported-accelerator');
    expect(kqemu).toHaveLength(1);
    expect(kqemu[0]?.severity).toBe('error');
    expect(fixTitles(merged)).toHaveLength(2);
  });

  it('shows a duplicate PCI address once: the document problem, not the host\'s words for it in the preview', () => {
    const address = "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>";
    const text = definition('qemu', `<interface type='user'><model type='virtio'/>${address}</interface>\n<sound model='ich6'>${address}</sound>`);
    const local = validateDomain(text).diagnostics;
    const merged = mergeDiagnostics(local, server(text), true);
    expect([...merged.local, ...merged.server].filter((d) => d.severity === 'error').map((d) => `${d.scope} ${d.code}`)).toEqual(['document address-conflict']);
    const analyzer = new DocumentAnalyzer();
    analyzer.setHost(host);
    analyzer.setText(1, text);
    // buildArgv alone would add 'sound0: PCI address 0000:00:05.0 is used twice'
    expect(buildArgv(validateDomain(text).domain!, host).diagnostics.map((d) => d.code)).toContain('address-unassignable');
    expect(analyzer.commandLine()).toMatchObject({ invalid: true, diagnostics: [] });
  });

  it('keeps the local checks over an answer for an older text', () => {
    const text = definition('kqemu');
    const merged = mergeDiagnostics(validateDomain(text).diagnostics, server(text), false);
    expect(merged.local.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning unsupported-accelerator']);
    expect(merged.server.filter((d) => d.code === 'unsupported-accelerator')).toEqual([]);
  });
});
