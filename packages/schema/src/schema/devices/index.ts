import { sized } from '../shorthands.js';
import { VIRTIO_MODELS } from '../../model/devices/controller.js';
import { HUB_TYPES } from '../../model/devices/hub.js';
import { IOMMU_MODELS } from '../../model/devices/iommu.js';
import { PANIC_MODELS } from '../../model/devices/panic.js';
import { SHMEM_MODELS } from '../../model/devices/shmem.js';
import { addressSpec, aliasSpec, driverVirtioOnly, onOff, YES_NO, yesNo } from '../common.js';
import { diskSpec } from './disk.js';
import { attr, data, element, many, must, one, oneOf, required } from '../types.js';
import { channelSpec, consoleSpec, parallelSpec, redirdevSpec, serialSpec } from './chardev.js';
import { placement } from './common.js';
import { controllerSpec } from './controller.js';
import { filesystemSpec } from './filesystem.js';
import { graphicsSpec } from './graphics.js';
import { hostdevSpec } from './hostdev.js';
import { inputSpec } from './input.js';
import { interfaceSpec } from './interface.js';
import { memballoonSpec } from './memballoon.js';
import { memoryDeviceSpec } from './memoryDevice.js';
import { rngSpec } from './rng.js';
import { smartcardSpec } from './smartcard.js';
import { audioSpec, soundSpec } from './sound.js';
import { tpmSpec } from './tpm.js';
import { videoSpec } from './video.js';
import { watchdogSpec } from './watchdog.js';

export const devicesSpec = element('the virtual hardware of the guest', {
  children: {
    emulator: one(element('the QEMU binary', { text: data('absPath') })),
    disk: many(diskSpec),
    controller: many(controllerSpec),
    lease: many(
      element('a lock manager lease', {
        children: {
          lockspace: must(element('the lockspace', { text: data('string') })),
          key: must(element('the key', { text: data('string') })),
          target: must(element('the lease file', { attributes: { path: required('the file', data('string')), offset: attr('offset', data('uint')) } })),
        },
      }),
    ),
    filesystem: many(filesystemSpec),
    interface: many(interfaceSpec),
    input: many(inputSpec),
    sound: many(soundSpec),
    audio: many(audioSpec),
    hostdev: many(hostdevSpec),
    graphics: many(graphicsSpec),
    video: many(videoSpec),
    console: many(consoleSpec),
    parallel: many(parallelSpec),
    serial: many(serialSpec),
    channel: many(channelSpec),
    smartcard: many(smartcardSpec),
    hub: many(element('a USB hub', { attributes: { type: required('usb', oneOf(HUB_TYPES)) }, children: { alias: one(aliasSpec), address: one(addressSpec) } })),
    redirdev: many(redirdevSpec),
    redirfilter: many(
      element('which USB devices may be redirected', {
        children: {
          usbdev: many(
            element('a USB device filter rule', {
              attributes: {
                allow: required('allow or deny', oneOf(YES_NO)),
                class: attr('USB class or -1', data('string')),
                vendor: attr('vendor id or -1', data('string')),
                product: attr('product id or -1', data('string')),
                version: attr('USB version or -1', data('string')),
              },
            }),
          ),
        },
      }),
    ),
    rng: many(rngSpec),
    tpm: many(tpmSpec),
    shmem: many(
      element('shared memory between guests (ivshmem)', {
        attributes: { name: required('the shared memory name', data('string')), role: attr('master or peer (migration)', oneOf({ master: 'master', peer: 'peer' })) },
        children: {
          ...placement,
          model: one(element('the ivshmem device', { attributes: { type: required('the model', oneOf(SHMEM_MODELS)) } })),
          size: one(sized('the size (default unit MiB)')),
          server: one(element('the ivshmem server', { attributes: { path: attr('its socket', data('absPath')) } })),
          msi: one(element('MSI interrupts', { attributes: { vectors: attr('vectors', data('uint')), ioeventfd: onOff('ioeventfd') } })),
        },
      }),
    ),
    memory: many(memoryDeviceSpec),
    watchdog: many(watchdogSpec),
    memballoon: one(memballoonSpec),
    nvram: one(element('the pseries NVRAM device', { children: { address: one(addressSpec) } })),
    panic: many(element('a panic notifier', { attributes: { model: attr('the panic device', oneOf(PANIC_MODELS)) }, children: { alias: one(aliasSpec), address: one(addressSpec) } })),
    iommu: one(
      element('an IOMMU', {
        attributes: { model: required('the IOMMU', oneOf(IOMMU_MODELS)) },
        children: {
          ...placement,
          driver: one(
            element('IOMMU options', {
              attributes: {
                intremap: onOff('interrupt remapping (needs ioapic driver=qemu)'),
                caching_mode: onOff('caching mode (needed for VFIO)'),
                eim: onOff('extended interrupt mode'),
                iotlb: onOff('device IOTLB'),
                aw_bits: attr('address width in bits', data('uint8')),
                dma_translation: onOff('DMA translation'),
                xtsup: onOff('x2APIC support (amd)'),
                passthrough: onOff('passthrough (amd)'),
              },
            }),
          ),
        },
      }),
    ),
    vsock: one(
      element('a virtio vsock for host-guest sockets', {
        attributes: { model: attr('the virtio variant', oneOf(VIRTIO_MODELS)) },
        children: {
          ...placement,
          cid: one(element("the guest's context id", { attributes: { auto: yesNo('choose a free CID'), address: attr('the CID (3 or more)', data('uint')) } })),
          driver: one(driverVirtioOnly),
        },
      }),
    ),
    crypto: many(element('a virtio crypto device', { anyContent: true })),
    pstore: one(element('a persistent store for guest crash logs', { anyContent: true })),
  },
});
