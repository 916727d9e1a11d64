/**
 * What can be done to a guest in each state: the one table the server enforces (it refuses
 * the rest) and the web app offers (its buttons). The states are libvirt's virDomainState
 * (shutoff, running, paused, shutdown, crashed) and virtdeck's `broken`; whether a QEMU
 * process exists is part of the condition, because a crashed guest keeps its QEMU only when
 * on_crash=preserve kept it for inspection (libvirt's qemuDomain* checks say "domain is not
 * running" or "domain is active" on the same grounds).
 */

/** `broken`: its definition file cannot be used (the summary's error says why); only Delete works. */
export const GUEST_STATES = ['shutoff', 'running', 'paused', 'shutdown', 'crashed', 'broken'] as const;
export type GuestState = (typeof GUEST_STATES)[number];

/** What is done to a guest's QEMU (POST /api/domains/NAME/ACTION). */
export const GUEST_ACTIONS = ['start', 'shutdown', 'destroy', 'reboot', 'reset', 'suspend', 'resume'] as const;
export type GuestAction = (typeof GUEST_ACTIONS)[number];

/** What is done to the guest as a whole: undefine it, save it under a new name, copy it. */
export const DEFINITION_ACTIONS = ['delete', 'rename', 'clone'] as const;
export type DefinitionAction = (typeof DEFINITION_ACTIONS)[number];

export type GuestOperation = GuestAction | DefinitionAction;

/** What the rules look at. */
export interface GuestCondition {
  state: GuestState;
  /** A QEMU process exists for the guest (it may still be starting). */
  qemu: boolean;
}

interface Rule {
  /** QEMU must exist (true) or be gone (false). */
  qemu: boolean;
  /** The states it is possible in. */
  states: readonly GuestState[];
}

/** Each operation's condition. */
export const GUEST_RULES = {
  start: { qemu: false, states: ['shutoff', 'crashed'] },
  shutdown: { qemu: true, states: ['running', 'shutdown'] },
  reboot: { qemu: true, states: ['running'] },
  // A guest powered off and kept (on_poweroff=preserve) or crashed and kept boots again.
  reset: { qemu: true, states: ['running', 'paused', 'shutdown', 'crashed'] },
  suspend: { qemu: true, states: ['running'] },
  resume: { qemu: true, states: ['paused'] },
  // Whatever QEMU is doing, even starting (a start in progress is cut short).
  destroy: { qemu: true, states: GUEST_STATES },
  delete: { qemu: false, states: GUEST_STATES },
  // As virsh domrename and virt-clone: the guest is off, and its definition is usable.
  rename: { qemu: false, states: ['shutoff', 'crashed'] },
  clone: { qemu: false, states: ['shutoff', 'crashed'] },
} as const satisfies Record<GuestOperation, Rule>;

export function isAllowed(operation: GuestOperation, guest: GuestCondition): boolean {
  const rule: Rule = GUEST_RULES[operation];
  return rule.qemu === guest.qemu && rule.states.includes(guest.state);
}

/** The states an operation on a running QEMU is possible in, for the refusal's "possible when …". */
export function statesFor(operation: GuestOperation): readonly GuestState[] {
  return GUEST_RULES[operation].states;
}

/**
 * The condition of a guest as the API lists it: its state, and whether QEMU exists, which its
 * driver says (`active`: virtdeck's own guests have a runtime, a libvirt host's guests are
 * active domains; a crashed one is either kept by on_crash or gone).
 */
export function guestCondition(guest: { state: GuestState; active: boolean }): GuestCondition {
  return { state: guest.state, qemu: guest.active };
}

/** The order of a guest's buttons. */
const BUTTON_ORDER = ['start', 'shutdown', 'reboot', 'reset', 'suspend', 'resume', 'destroy'] as const satisfies readonly GuestAction[];

/**
 * Allowed, but not a button: Reset on a paused guest (it stays paused), Shut down while the
 * guest is shutting down already, and Reset while it is (its power-off is on the way), and
 * anything but Force off while the guest is paused for a memory dump (the dump holds the
 * guest until it is written, then the guest runs on by itself, as libvirt's dump job does).
 */
function offered(action: GuestAction, guest: GuestCondition & { reason?: string }): boolean {
  if (guest.reason === 'dumping') return action === 'destroy';
  if (action === 'shutdown') return guest.state !== 'shutdown';
  if (action === 'reset') return guest.state !== 'paused' && (guest.state !== 'shutdown' || guest.reason === 'shutdown');
  return true;
}

/** The actions a guest page offers for a guest, in the order of its buttons: each one the server allows. */
export function offeredActions(guest: { state: GuestState; reason?: string; active: boolean }): GuestAction[] {
  const condition = { ...guestCondition(guest), reason: guest.reason };
  return BUTTON_ORDER.filter((action) => isAllowed(action, condition) && offered(action, condition));
}
