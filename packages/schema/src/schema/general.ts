/** The children of <domain> outside <devices>: identity, resources, boot, CPU, clock, lifecycle, security. */
import { NUMA_MEMORY_MODES, NUMA_PLACEMENTS, VCPU_PLACEMENTS } from '../model/cpu.js';
import { CRASH_ACTIONS, LIFECYCLE_ACTIONS, LOCKFAILURE_ACTIONS } from '../model/lifecycle.js';
import { clockSpec } from './clock.js';
import { ON_OFF, onOff, YES_NO, yesNo } from './common.js';
import { cpuSpec, cputuneSpec } from './cpu.js';
import { featuresSpec } from './features.js';
import { throttlegroupsSpec } from './iotune.js';
import { memoryBackingSpec } from './memory.js';
import { osSpec } from './os.js';
import { launchSecuritySpec, seclabelSpec } from './security.js';
import { sized, textOf } from './shorthands.js';
import { sysinfoSpec } from './sysinfo.js';
import { attr, data, element, many, must, one, oneOf, required } from './types.js';

export const generalSchema = {
  name: must(textOf('the guest name, unique on the host', data('nonEmpty'))),
  uuid: one(textOf('a globally unique id (generated when absent)', data('uuid'))),
  genid: one(element('the VM generation id (Windows), generated when empty', { text: data('uuid'), textOptional: true })),
  title: one(textOf('a short title', data('nonEmpty'))),
  description: one(element('a human-readable description', { text: data('string'), textOptional: true })),
  metadata: one(element('application metadata in your own XML namespaces; kept as is', { anyContent: true })),
  memory: one(sized('the maximum memory at boot', { dumpCore: onOff('include guest memory in core dumps') })),
  maxMemory: one(sized('the memory hot-plug limit', { slots: required('hot-plug slots', data('uint')) })),
  currentMemory: one(sized('the memory actually given at start (balloon target)')),
  memoryBacking: one(memoryBackingSpec),
  vcpu: one(
    element('the maximum number of vCPUs', {
      text: data('countCPU'),
      attributes: {
        placement: attr('how vCPUs are placed on host CPUs', oneOf(VCPU_PLACEMENTS)),
        cpuset: attr('host CPUs the vCPUs may run on', data('cpuset')),
        current: attr('vCPUs online at start', data('countCPU')),
      },
    }),
  ),
  vcpus: one(
    element('the state of each vCPU', {
      children: {
        vcpu: many(
          element('one vCPU', {
            attributes: {
              id: required('the vCPU id', data('uint')),
              enabled: required('online at start', oneOf(YES_NO)),
              hotpluggable: yesNo('can be unplugged'),
              order: attr('order of onlining', data('uint')),
            },
          }),
        ),
      },
    }),
  ),
  iothreads: one(textOf('the number of I/O threads', data('uint'))),
  iothreadids: one(
    element('the I/O threads by id', {
      children: {
        iothread: many(
          element('one I/O thread', {
            attributes: {
              id: required('the id (from 1)', data('uint')),
              thread_pool_min: attr('minimum worker threads', data('uint')),
              thread_pool_max: attr('maximum worker threads', data('uint')),
            },
            children: {
              poll: one(
                element('adaptive polling of the event loop', {
                  attributes: {
                    max: attr('the longest poll, in nanoseconds', data('ulong')),
                    grow: attr('factor the poll time grows by', data('ulong')),
                    shrink: attr('divisor the poll time shrinks by', data('ulong')),
                  },
                }),
              ),
            },
          }),
        ),
      },
    }),
  ),
  defaultiothread: one(
    element('the default event loop thread', {
      attributes: { thread_pool_min: attr('minimum worker threads', data('uint')), thread_pool_max: attr('maximum worker threads', data('uint')) },
    }),
  ),
  blkiotune: one(
    element('block I/O weights of the guest', {
      children: {
        weight: one(textOf('relative weight, 100–1000', data('weight'))),
        device: many(
          element('limits for one host device', {
            children: {
              path: must(textOf('the host device', data('absPath'))),
              weight: one(textOf('relative weight', data('weight'))),
              read_iops_sec: one(textOf('read operations per second', data('uint'))),
              write_iops_sec: one(textOf('write operations per second', data('uint'))),
              read_bytes_sec: one(textOf('read bytes per second', data('ulong'))),
              write_bytes_sec: one(textOf('write bytes per second', data('ulong'))),
            },
          }),
        ),
      },
    }),
  ),
  memtune: one(
    element('host memory limits of the guest', {
      children: {
        hard_limit: one(sized('the most memory the guest process may use')),
        soft_limit: one(sized('the memory limit under host memory pressure')),
        min_guarantee: one(sized('memory guaranteed to the guest')),
        swap_hard_limit: one(sized('memory plus swap limit')),
      },
    }),
  ),
  cputune: one(cputuneSpec),
  numatune: one(
    element('host NUMA placement of guest memory', {
      children: {
        memory: one(
          element('memory placement of the whole guest', {
            attributes: {
              mode: attr('the allocation policy', oneOf(NUMA_MEMORY_MODES)),
              placement: attr('static (nodeset) or auto (numad)', oneOf(NUMA_PLACEMENTS)),
              nodeset: attr('host NUMA nodes', data('cpuset')),
            },
            constraints: [{ kind: 'forbids', when: '@placement=auto', names: ['@nodeset'], message: "With placement='auto' numad chooses the nodes: remove nodeset." }],
          }),
        ),
        memnode: many(
          element('placement of one guest NUMA node', {
            attributes: {
              cellid: required('the guest node', data('uint')),
              mode: required('the allocation policy', oneOf(NUMA_MEMORY_MODES)),
              nodeset: required('host NUMA nodes', data('cpuset')),
            },
          }),
        ),
      },
    }),
  ),
  resource: one(
    element('resource partitioning', {
      children: {
        partition: one(textOf('the cgroup partition', data('absPath'))),
        fibrechannel: one(element('Fibre Channel application id', { attributes: { appid: required('the id', data('nonEmpty')) } })),
      },
    }),
  ),
  throttlegroups: one(throttlegroupsSpec),
  sysinfo: many(sysinfoSpec),
  os: must(osSpec),
  bootloader: one(element('a host-side boot loader (Xen)', { text: data('string'), textOptional: true })),
  bootloader_args: one(textOf('boot loader arguments', data('string'))),
  features: one(featuresSpec),
  cpu: one(cpuSpec),
  clock: one(clockSpec),
  on_poweroff: one(textOf('what to do when the guest powers off', oneOf(LIFECYCLE_ACTIONS))),
  on_reboot: one(textOf('what to do when the guest reboots', oneOf(LIFECYCLE_ACTIONS))),
  on_crash: one(textOf('what to do when the guest crashes', oneOf(CRASH_ACTIONS))),
  on_lockfailure: one(textOf('what to do when a lock is lost', oneOf(LOCKFAILURE_ACTIONS))),
  pm: one(
    element('guest power management (ACPI S3/S4)', {
      children: {
        'suspend-to-mem': one(element('S3: suspend to RAM', { attributes: { enabled: yesNo('allow it') } })),
        'suspend-to-disk': one(element('S4: suspend to disk', { attributes: { enabled: yesNo('allow it') } })),
      },
    }),
  ),
  perf: one(
    element('host perf events collected for the guest', {
      children: { event: many(element('one perf event', { attributes: { name: required('the event', data('string')), enabled: required('collect it', oneOf(YES_NO)) } }), 1) },
    }),
  ),
  idmap: one(
    element('user and group id mapping (containers)', {
      children: {
        uid: many(element('a user id range', { attributes: { start: required('first id in the guest', data('uint')), target: required('first id on the host', data('uint')), count: required('how many', data('uint')) } })),
        gid: many(element('a group id range', { attributes: { start: required('first id in the guest', data('uint')), target: required('first id on the host', data('uint')), count: required('how many', data('uint')) } })),
      },
    }),
  ),
  seclabel: many(seclabelSpec),
  keywrap: one(
    element('s390 key wrapping', {
      children: {
        cipher: many(element('a wrapping cipher', { attributes: { name: required('aes or dea', oneOf({ aes: 'AES', dea: 'DEA/TDEA' })), state: required('on or off', oneOf(ON_OFF)) } }), 1),
      },
    }),
  ),
  launchSecurity: one(launchSecuritySpec),
} satisfies Record<string, ReturnType<typeof one>>;
