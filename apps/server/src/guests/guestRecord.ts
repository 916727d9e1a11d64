import { validateDomain, type Domain, type GuestCondition } from '@virtdeck/schema';
import type { DomainSummary, GuestState, StateReason } from '../api.js';
import { domainFacts, type DomainFacts } from './domainFacts.js';
import { EventLog } from './EventLog.js';
import type { GuestRuntime } from './GuestRuntime.js';
import { DEFAULT_LIFECYCLE_ACTIONS } from './lifecycle.js';
import { RunDir } from './RunDir.js';
import { StatusWriter } from './statusFile.js';

/** One guest of the embedded driver: its definition, its state and, while QEMU exists, its runtime. */
export interface Guest {
  name: string;
  /** The saved definition, as on disk. */
  xml: string;
  /** Its model, when it is valid (a start then need not parse it again). */
  domain: Domain | undefined;
  facts: DomainFacts;
  autostart: boolean;
  /**
   * Why its file in domains/ is not a usable definition (a symlink, binary, cut short, naming
   * another guest…): the guest lists as `broken` with this as its error, and only Delete, or a
   * save that replaces the file, works on it.
   */
  problem?: string;
  /** State, reason, since and error change only through GuestStates.transition. */
  readonly state: GuestState;
  readonly reason: StateReason;
  readonly since: string;
  readonly error?: string;
  runtime?: GuestRuntime;
  run: RunDir;
  status: StatusWriter;
  events: EventLog;
}

export interface ParsedDefinition {
  domain: Domain | undefined;
  facts: DomainFacts;
}

export function newGuest(stateDir: string, name: string, xml: string, parsed: ParsedDefinition, autostart: boolean): Guest {
  const run = new RunDir(stateDir, name);
  return {
    name,
    xml,
    domain: parsed.domain,
    facts: parsed.facts,
    autostart,
    state: 'shutoff',
    reason: 'defined',
    since: new Date().toISOString(),
    run,
    status: new StatusWriter(run.statusFile),
    events: new EventLog(run.eventsLog),
  };
}

/** A stored definition's model and facts; one that no longer validates still lists, with what can be read. */
export function parseDefinition(xml: string): ParsedDefinition {
  const { domain, valid } = validateDomain(xml);
  return { domain: valid ? domain : undefined, facts: domain ? domainFacts(domain) : UNKNOWN_FACTS };
}

/** What is known of a guest whose definition file cannot be read as one: nothing. */
export const UNKNOWN_FACTS: DomainFacts = { accelerator: 'unknown', vcpus: 0, memoryKiB: 0, actions: DEFAULT_LIFECYCLE_ACTIONS, balloon: false, interfaces: [], macs: [], tags: [] };

/** A QEMU still running from before its file went bad keeps its state until it ends. */
function isBroken(guest: Guest): boolean {
  return guest.problem !== undefined && !guest.runtime;
}

/** What the rules of @virtdeck/schema's GUEST_RULES look at: the state the API shows, and whether QEMU exists. */
export function conditionOf(guest: Guest): GuestCondition {
  return { state: isBroken(guest) ? 'broken' : guest.state, qemu: guest.runtime !== undefined };
}

export function toSummary(guest: Guest): DomainSummary {
  const running = guest.runtime?.facts ?? guest.facts;
  const broken = isBroken(guest);
  const summary: DomainSummary = {
    name: guest.name,
    state: conditionOf(guest).state,
    reason: broken ? 'bad-file' : guest.reason,
    accelerator: running.accelerator,
    vcpus: running.vcpus,
    memoryKiB: running.memoryKiB,
    since: guest.since,
    autostart: guest.autostart,
    active: guest.runtime !== undefined,
    pendingChanges: guest.runtime !== undefined && guest.runtime.xml !== guest.xml,
    tags: guest.facts.tags,
  };
  if (guest.runtime) summary.pid = guest.runtime.pid;
  const error = broken ? guest.problem : (guest.error ?? guest.problem);
  if (error) summary.error = error;
  if (guest.facts.title) summary.title = guest.facts.title;
  if (guest.facts.description) summary.description = guest.facts.description;
  if (running.display) summary.display = running.display;
  if (guest.runtime?.hint) summary.hint = guest.runtime.hint;
  return summary;
}
