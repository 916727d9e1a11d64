/**
 * The JSON the API speaks, shared with the web app (type-only import of
 * `@virtdeck/server/api`), so server and browser cannot drift apart.
 */
import type { Diagnostic } from '@virtdeck/schema';

export const GUEST_STATES = ['shutoff', 'running', 'paused', 'shutdown', 'crashed'] as const;
export type GuestState = (typeof GUEST_STATES)[number];

/** Why a guest is in its state, as libvirt reports a reason with each lifecycle change. */
export const STATE_REASONS = [
  'defined', // never started
  'booted', // started by a user or autostart
  'user', // paused/resumed/shut down on request
  'destroyed', // forced off
  'shutdown', // the guest powered itself off
  'crashed', // QEMU died or the guest panicked
  'failed', // a start failed
  'reset', // reset or rebooted
  'reconnected', // found again after a server restart
  'migrated-state', // reserved for state restored from disk
] as const;
export type StateReason = (typeof STATE_REASONS)[number];

export interface GuestSummary {
  name: string;
  state: GuestState;
  reason: StateReason;
  /** Effective accelerator of the definition (`kvm`, `qemu`, …). */
  accelerator: string;
  vcpus: number;
  memoryKiB: number;
  /** QEMU's pid while a process exists. */
  pid?: number;
  /** When the state last changed (ISO 8601). */
  since: string;
  /** A failed start's or a crash's message, for the person looking at the list. */
  error?: string;
}

/** Payloads of the `GET /api/events` stream, by SSE event name. */
export interface ServerEvents {
  snapshot: GuestSummary[];
  guest: GuestSummary;
  removed: { name: string };
}

export type { ErrorBody, ErrorCode } from './errors.js';
export type { Diagnostic };
