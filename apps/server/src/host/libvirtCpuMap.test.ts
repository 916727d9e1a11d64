import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CpuMapError, parseLibvirtCpuMap, readLibvirtCpuMap } from './libvirtCpuMap.js';
import { decodeHostCpuModelAsLibvirt, libvirtFeatureName, parseCpuExpansion, parseCpuModels } from './parseProbe.js';

/** A CPU map of our own, laid out as libvirt's is: index.xml including vendors, features and one file per model. */
const files: Record<string, string> = {
  'index.xml': `<cpus>
  <arch name='ppc64'><include filename='ppc64_POWER9.xml'/></arch>
  <arch name='x86'>
    <include filename='x86_vendors.xml'/>
    <include filename='x86_features.xml'/>
    <!-- models, oldest first -->
    <include filename='x86_generic64.xml'/>
    <include filename='x86_rhel.xml'/>
    <include filename='x86_Old.xml'/>
    <include filename='x86_Opteron.xml'/>
    <include filename='x86_Zen.xml'/>
    <include filename='x86_Lake.xml'/>
  </arch>
</cpus>`,
  'x86_vendors.xml': `<cpus><vendor name='Intel' string='GenuineIntel'/><vendor name='AMD' string='AuthenticAMD'/></cpus>`,
  'x86_features.xml': `<cpus>
  <feature name='fpu'><cpuid eax_in='0x01' edx='0x00000001'/></feature>
  <feature name='vme'><cpuid eax_in='0x01' edx='0x00000002'/></feature>
  <feature name='pni'><cpuid eax_in='0x01' ecx='0x00000001'/></feature>
  <feature name='pclmuldq'><cpuid eax_in='0x01' ecx='0x00000002'/></feature>
  <feature name='avx'><cpuid eax_in='0x01' ecx='0x10000000'/></feature>
  <feature name='hypervisor'><cpuid eax_in='0x01' ecx='0x80000000'/></feature>
  <feature name='svm'><cpuid eax_in='0x80000001' ecx='0x00000004'/></feature>
  <feature name='lahf_lm'><cpuid eax_in='0x80000001' ecx='0x00000001'/></feature>
  <feature name='invtsc' migratable='no'><cpuid eax_in='0x80000007' edx='0x00000100'/></feature>
</cpus>`,
  'x86_generic64.xml': `<cpus><model name='generic64'><decode host='on' guest='on'/><feature name='fpu'/><feature name='pni'/></model></cpus>`,
  'x86_rhel.xml': `<cpus><model name='rhel64'><decode host='off' guest='off'/><feature name='fpu'/></model></cpus>`,
  'x86_Old.xml': `<cpus><model name='Old'><signature family='15' model='6'/><vendor name='AMD'/><feature name='fpu'/><feature name='pni'/><feature name='svm'/></model></cpus>`,
  'x86_Opteron.xml': `<cpus><model name='Opteron'><decode host='on' guest='on'/><signature family='15' model='6'/><vendor name='AMD'/>
    <feature name='fpu'/><feature name='pni'/><feature name='avx'/><feature name='lahf_lm'/><feature name='svm'/></model></cpus>`,
  'x86_Zen.xml': `<cpus><model name='Zen'><decode host='on' guest='on'/><signature family='23' model='1'/><signature family='23' model='49' stepping='0-1,4'/><vendor name='AMD'/>
    <feature name='fpu'/><feature name='pni'/><feature name='pclmuldq'/><feature name='avx'/><feature name='lahf_lm'/><feature name='svm' removed='yes'/></model></cpus>`,
  'x86_Lake.xml': `<cpus><model name='Lake'><signature family='6' model='94'/><vendor name='Intel'/><feature name='fpu'/><feature name='pni'/><feature name='avx'/></model></cpus>`,
};
const map = () => parseLibvirtCpuMap(async (file) => files[file] ?? Promise.reject(new Error(`no ${file}`)));

/** A static expansion reply of `host`/`max` with the features on (QEMU's names). */
const host = (vendor: string, family: number, model: number, stepping: number, on: string[]) =>
  parseCpuExpansion({ model: { name: 'base', props: { vendor, family, model, stepping, 'model-id': 'x', ...Object.fromEntries(on.map((f) => [f, true])), 'x-off': false } } });
/** query-cpu-definitions: the models this QEMU has under the accelerator, with what blocks each. */
const definitions = (blocked: Record<string, string[]> = {}, names = ['generic64', 'rhel64', 'Old', 'Opteron', 'Zen', 'Lake']) =>
  parseCpuModels(names.map((name) => ({ name, 'unavailable-features': blocked[name] ?? [], static: false, 'migration-safe': true, deprecated: false })));

describe("libvirt's CPU map", () => {
  it('reads the x86 models in order, with vendor, signatures, decode flags and features, and the features in order', async () => {
    const m = await map();
    expect(m.features).toEqual(['fpu', 'vme', 'pni', 'pclmuldq', 'avx', 'hypervisor', 'svm', 'lahf_lm', 'invtsc']);
    expect(m.models.map((model) => model.name)).toEqual(['generic64', 'rhel64', 'Old', 'Opteron', 'Zen', 'Lake']);
    const [generic, rhel, old, , zen] = m.models;
    expect(generic?.vendor).toBeUndefined();
    expect([rhel?.decodeHost, rhel?.decodeGuest, old?.decodeGuest]).toEqual([false, false, true]);
    expect(zen).toMatchObject({ vendor: 'AuthenticAMD', signatures: [{ family: 23, model: 1, steppings: [] }, { family: 23, model: 49, steppings: [[0, 1], [4, 4]] }] });
    // svm, marked removed='yes', is no longer part of Zen
    expect([...(zen?.features ?? [])]).toEqual(['fpu', 'pni', 'pclmuldq', 'avx', 'lahf_lm']);
    expect(m.digest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('says which file is wrong and how', async () => {
    const broken = (name: string, text: string) => parseLibvirtCpuMap(async (file) => (file === name ? text : (files[file] ?? '')));
    await expect(broken('x86_Zen.xml', `<cpus><model name='Zen'><vendor name='Cyrix'/></model></cpus>`)).rejects.toThrow(
      "x86_Zen.xml: model Zen names vendor 'Cyrix', which x86_vendors.xml does not define",
    );
    await expect(broken('x86_Lake.xml', `<cpus><model name='Lake'><signature family='six' model='94'/></model></cpus>`)).rejects.toThrow(CpuMapError);
    await expect(broken('x86_Lake.xml', `<cpus><model name='Lake'><signature family='6' model='94' stepping='a-b'/></model></cpus>`)).rejects.toThrow("stepping 'a-b'");
    await expect(broken('index.xml', `<cpus><arch name='arm'/></cpus>`)).rejects.toThrow('index.xml: no <arch name="x86">');
  });

  it('is absent where libvirt is not installed', async () => {
    expect(await readLibvirtCpuMap('/nonexistent/cpu_map')).toBeUndefined();
  });
});

describe('host-model decoded as libvirt decodes it', () => {
  it('names the model needing the fewest features on or off, even one that must turn a feature off, and a generic model has no vendor to differ in', async () => {
    // An AMD host of a family no model has, without pni (SSE3): every model must disable pni.
    const h = host('AuthenticAMD', 25, 17, 1, ['fpu', 'vme', 'hypervisor', 'lahf-lm', 'invtsc', 'kvmclock']);
    expect(decodeHostCpuModelAsLibvirt(h, await map(), definitions())).toEqual({
      model: 'generic64',
      vendor: 'AuthenticAMD',
      // libvirt's order (the map's), QEMU's spelling (lahf-lm); kvmclock is no CPU map feature
      features: [
        { name: 'vme', policy: 'require' },
        { name: 'hypervisor', policy: 'require' },
        { name: 'lahf-lm', policy: 'require' },
        { name: 'invtsc', policy: 'require' },
        { name: 'pni', policy: 'disable' },
      ],
    });
  });

  it("prefers a model with the host's family/model signature over a shorter list, and a newer model on a tie", async () => {
    const m = await map();
    // 15/6 is Opteron's and Old's signature: Opteron (4 features, newer than Old's 4) wins over generic64's 3
    const opteronHost = host('AuthenticAMD', 15, 6, 1, ['fpu', 'pni', 'vme', 'hypervisor', 'lahf-lm']);
    const opteron = decodeHostCpuModelAsLibvirt(opteronHost, m, definitions());
    expect(opteron?.model).toBe('Opteron');
    expect(opteron?.features).toEqual([
      { name: 'vme', policy: 'require' },
      { name: 'hypervisor', policy: 'require' },
      { name: 'avx', policy: 'disable' },
      { name: 'svm', policy: 'disable' },
    ]);
    expect(decodeHostCpuModelAsLibvirt(host('AuthenticAMD', 17, 1, 1, ['fpu', 'pni', 'vme', 'hypervisor']), m, definitions())?.model).toBe('generic64');
    // Old (+lahf_lm -svm) and Opteron (-avx -svm) tie at two: the newer (later in the map) stays
    expect(decodeHostCpuModelAsLibvirt(host('AuthenticAMD', 15, 6, 1, ['fpu', 'pni', 'lahf-lm']), m, definitions())?.model).toBe('Opteron');
    // A signature with steppings matches only those steppings: Zen (3 off) for stepping 4, generic64 (none) for 2
    expect(decodeHostCpuModelAsLibvirt(host('AuthenticAMD', 23, 49, 4, ['fpu', 'pni']), m, definitions())?.model).toBe('Zen');
    expect(decodeHostCpuModelAsLibvirt(host('AuthenticAMD', 23, 49, 2, ['fpu', 'pni']), m, definitions())).toEqual({ model: 'generic64', vendor: 'AuthenticAMD', features: [] });
  });

  it("disables what QEMU says blocks its own version of the model, and leaves out models QEMU lacks, decode guest='off' and other vendors", async () => {
    const m = await map();
    const zenHost = host('AuthenticAMD', 23, 1, 2, ['fpu', 'pni', 'pclmulqdq', 'avx', 'lahf-lm']);
    expect(decodeHostCpuModelAsLibvirt(zenHost, m, definitions({ Zen: ['avx', 'pclmulqdq', 'xsave'] }))?.features).toEqual([
      { name: 'pclmulqdq', policy: 'disable' },
      { name: 'avx', policy: 'disable' },
    ]);
    expect(decodeHostCpuModelAsLibvirt(zenHost, m, definitions({}, ['generic64', 'rhel64', 'Lake']))?.model).toBe('generic64');
    // rhel64 would need nothing but fpu... and is never named; Lake is Intel's
    const fpuOnly = host('AuthenticAMD', 5, 1, 1, ['fpu']);
    expect(decodeHostCpuModelAsLibvirt(fpuOnly, m, definitions({}, ['rhel64', 'Lake']))).toBeUndefined();
    expect(decodeHostCpuModelAsLibvirt(host('GenuineIntel', 6, 94, 3, ['fpu', 'pni', 'avx']), m, definitions())?.model).toBe('Lake');
  });

  it("drops Intel's broken TSX (Haswell 6/60) before decoding", async () => {
    const m = await parseLibvirtCpuMap(async (file) =>
      file === 'x86_features.xml'
        ? files[file]!.replace('</cpus>', "<feature name='hle'><cpuid eax_in='0x07' ebx='0x00000010'/></feature><feature name='rtm'><cpuid eax_in='0x07' ebx='0x00000800'/></feature></cpus>")
        : (files[file] ?? ''),
    );
    const tsx = ['fpu', 'pni', 'avx', 'hle', 'rtm'];
    expect(decodeHostCpuModelAsLibvirt(host('GenuineIntel', 6, 60, 3, tsx), m, definitions())?.features).toEqual([]);
    expect(decodeHostCpuModelAsLibvirt(host('GenuineIntel', 6, 94, 3, tsx), m, definitions())?.features.map((f) => f.name)).toEqual(['hle', 'rtm']);
  });
});

/**
 * This host as recorded (src/testing/recordCpuExpansions.ts): QEMU 7.2's answers under KVM
 * (an "AMD EPYC", family 25 model 17, without SSE3 under KVM) and TCG, and what libvirt 9.0's
 * `virsh domcapabilities` said host-model is, decoded against the installed libvirt 9.0 CPU map.
 */
describe('host-model of a recorded host against the installed libvirt CPU map', () => {
  interface Recorded {
    definitions: unknown;
    host: Record<string, unknown> & { on: string[] };
    libvirt: { model: string; features: Array<{ name: string; policy: string }> };
  }
  const fixture = async (name: string) =>
    JSON.parse(await readFile(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8')) as { libvirt: string; kvm: Recorded; tcg: Recorded };
  const decode = async (recorded: Recorded) => {
    const cpuMap = await readLibvirtCpuMap();
    if (!cpuMap) throw new Error("libvirt's CPU map (/usr/share/libvirt/cpu_map, package libvirt-daemon) is not installed: DESIGN.md's set-up installs libvirt 9.0");
    const { on, ...scalars } = recorded.host;
    const expansion = parseCpuExpansion({ model: { name: 'base', props: { ...scalars, ...Object.fromEntries(on.map((f) => [f, true])) } } });
    const decoded = decodeHostCpuModelAsLibvirt(expansion, cpuMap, parseCpuModels(recorded.definitions));
    return decoded && { model: decoded.model, features: decoded.features.map((f) => ({ name: libvirtFeatureName(f.name), policy: f.policy })) };
  };

  it('AMD EPYC under KVM: kvm64 with what libvirt lists (not Opteron_G2, which QEMU’s own models suggest)', async () => {
    const recorded = await fixture('amd-epyc-kvm.json');
    expect(recorded.kvm.libvirt.model).toBe('kvm64');
    expect(await decode(recorded.kvm)).toEqual(recorded.kvm.libvirt);
  });

  it('AMD EPYC under TCG: EPYC with what libvirt lists', async () => {
    const recorded = await fixture('amd-epyc-kvm.json');
    expect(recorded.tcg.libvirt.model).toBe('EPYC');
    expect(await decode(recorded.tcg)).toEqual(recorded.tcg.libvirt);
  });
});
