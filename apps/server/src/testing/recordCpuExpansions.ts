/**
 * Records what this host's QEMU and libvirt say about host-model, as a fixture for
 * parseProbe.test.ts: for KVM (where it works) and TCG, query-cpu-definitions (with what
 * blocks each model) and the static expansion of `host` or `max` with migratable=off (the
 * features on, plus vendor, family, model, stepping), and the host-model of
 * `virsh domcapabilities --virttype kvm|qemu` (libvirtd must be running).
 *
 *   npx tsx apps/server/src/testing/recordCpuExpansions.ts > apps/server/src/host/fixtures/NAME.json
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { QmpStdioSession } from '../host/qmpStdio.js';

const QEMU = '/usr/bin/qemu-system-x86_64';

async function ask(accel: 'kvm' | 'tcg') {
  const child = spawn(QEMU, ['-S', '-nodefaults', '-display', 'none', '-machine', 'none', '-accel', accel, '-qmp', 'stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.pipe(process.stderr);
  const session = new QmpStdioSession(child);
  await session.start();
  const { qemu, package: pkg } = (await session.execute('query-version')) as { qemu: Record<string, number>; package: string };
  const definitions = (await session.execute('query-cpu-definitions')) as Array<Record<string, unknown>>;
  const model = { name: accel === 'kvm' ? 'host' : 'max', props: { migratable: false } };
  const { props } = ((await session.execute('query-cpu-model-expansion', { type: 'static', model })) as { model: { props: Record<string, unknown> } }).model;
  child.stdin.end(`${JSON.stringify({ execute: 'quit' })}\n`);
  return {
    qemu: `${qemu.major}.${qemu.minor}.${qemu.micro} ${pkg}`.trim(),
    definitions: definitions.map((d) => ({ name: d.name, 'unavailable-features': d['unavailable-features'] })),
    host: {
      ...Object.fromEntries(['vendor', 'family', 'model', 'stepping', 'model-id'].map((k) => [k, props[k]])),
      on: Object.keys(props).filter((k) => props[k] === true).sort(),
    },
  };
}

async function libvirt(virttype: 'kvm' | 'qemu') {
  const { stdout } = await promisify(execFile)('virsh', ['-c', 'qemu:///system', 'domcapabilities', '--emulatorbin', QEMU, '--virttype', virttype, '--arch', 'x86_64']);
  const mode = /<mode name='host-model' supported='yes'>([\s\S]*?)<\/mode>/.exec(stdout)?.[1] ?? '';
  return {
    model: /<model[^>]*>([^<]+)<\/model>/.exec(mode)?.[1],
    features: [...mode.matchAll(/<feature policy='(\w+)' name='([^']+)'\/>/g)].map((m) => ({ name: m[2], policy: m[1] })),
  };
}

const { stdout: version } = await promisify(execFile)('virsh', ['-c', 'qemu:///system', 'version']);
const record = {
  libvirt: /Using library: libvirt ([\d.]+)/.exec(version)?.[1],
  kvm: { ...(await ask('kvm')), libvirt: await libvirt('kvm') },
  tcg: { ...(await ask('tcg')), libvirt: await libvirt('qemu') },
};
process.stdout.write(`${JSON.stringify(record)}\n`);
