import type { Diagnostic } from '../diagnostics.js';
import type { Domain } from '../model/domain.js';
import type { XmlElement } from '../xml/tree.js';

/** What the warning says each use is, whatever the server does with it. */
export const HOST_PASSTHROUGH_WHAT = 'options and programs that reach the host unchecked';

/**
 * Every use of what reaches the host without a check by libvirt or virtdeck: each <qemu:arg> and
 * <qemu:env> (libvirt marks such a guest tainted, custom-argv) and an ethernet interface's
 * <script> and <downscript> (programs QEMU runs on the host). Valid libvirt, so a warning on its
 * line; a server that turns host passthrough off also refuses to start them (@virtdeck/qemu).
 */
export function validateHostPassthrough(domain: Domain, out: Diagnostic[]): void {
  const warn = (node: XmlElement, message: string) => out.push({ severity: 'warning', scope: 'document', code: 'host-passthrough', message, range: node.nameRange });
  for (const arg of domain.qemuCommandline?.args ?? []) {
    warn(arg.node, `<qemu:arg value='${shown(arg.value)}'>: ${HOST_PASSTHROUGH_WHAT}. QEMU gets it as it is; neither libvirt nor virtdeck can tell what it opens, runs or changes.`);
  }
  for (const env of domain.qemuCommandline?.env ?? []) {
    warn(env.node, `<qemu:env name='${shown(env.name)}'>: ${HOST_PASSTHROUGH_WHAT}. QEMU's environment gets it as it is; neither libvirt nor virtdeck can tell what it changes.`);
  }
  for (const iface of domain.devices.interfaces) {
    if (iface.type !== 'ethernet') continue;
    for (const [element, script] of [['script', iface.script], ['downscript', iface.downscript]] as const) {
      if (script === undefined) continue;
      warn(script.node, `<${element} path='${shown(script.path ?? '')}'>: ${HOST_PASSTHROUGH_WHAT}. QEMU runs this program on the host when it ${element === 'script' ? 'opens' : 'closes'} the tap.`);
    }
  }
}

/** A value as the message quotes it: a long one is cut (the line shows it whole). */
function shown(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
