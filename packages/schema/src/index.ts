/**
 * @virtdeck/schema — libvirt domain XML for the QEMU driver: a lossless, position-keeping
 * parser, the typed domain model, validation (structure as libvirt's RelaxNG schema does it,
 * semantics as libvirt's parser does) with precise ranges and quick fixes, minimal text edits,
 * and schema metadata for the editor. Pure and browser-safe (it runs in a web worker); nothing
 * here throws on user input.
 *
 * Positions: line and column from 1 (column counts UTF-16 code units), offset from 0.
 *
 * ## Parsing
 *   parseXml(text): { document, diagnostics }              the lossless tree; well-formedness only
 *   parseDomain(text): { document, domain?, diagnostics }   tree + typed model (domain absent when
 *                                                           there is no <domain> root)
 *   formatDomain(document): string  (also formatXml)        writes the tree back; lossless and stable:
 *                                                           formatDomain(parseDomain(x).document) === x
 * Tree nodes (XmlElement, XmlAttribute, XmlText, …) have `start`/`end` offsets and ranges that
 * are computed on first use (getters): a node is not a plain object, so send diagnostics (plain
 * objects) across a worker boundary, not the tree. Hostile input is bounded: documents over
 * MAX_DOCUMENT_LENGTH (4 MiB) are refused with one diagnostic, nesting stops at
 * MAX_ELEMENT_DEPTH (256, like libxml2), DOCTYPEs are reported and never read (no entity
 * expansion), and no code recurses on the tree.
 *
 * ## Validation
 *   validateDomain(text): { document, domain?, diagnostics, valid }
 *     valid === no error-severity diagnostic of scope 'document'. Well-formedness, structure (the
 *     schema table), the accelerator spelling (warning + quick fix for the 2007 spellings; a host
 *     warning for kqemu and qvm86), then semantic rules. Host checks are not here: they need host
 *     capabilities and live in @virtdeck/qemu. (SCHEMA-API.md lists domain, diagnostics, valid;
 *     `document` is added.)
 *   Every diagnostic has a `scope`: 'document' (libvirt would reject it; only these make a
 *     definition invalid) or 'host' (it cannot start here; DIAGNOSTIC_SCOPES).
 *   Diagnostic codes are the closed set DIAGNOSTIC_CODES (each with a description). At most
 *   MAX_DIAGNOSTICS (1,000) are listed, then one 'too-many-diagnostics' counting the rest
 *   (capDiagnostics(list) does the same for a list with host diagnostics added).
 *
 * ## The model (`Domain`)
 *   Every model object carries `node: XmlElement` (positions, and anything not typed). Sizes are
 *   in KiB whatever unit the XML used (`memory.kib`, `…KiB` fields); numbers are parsed (hex and
 *   octal where libvirt reads them so, as in PCI addresses); yes/no and on/off are booleans; enum
 *   fields are unions of the `as const` tables exported below; device lists are always present
 *   (empty when absent). Optional fields are undefined when the XML does not say (the key may be
 *   present with an undefined value). `domain.type` is the effective accelerator whichever
 *   spelling was used: <domain type='kvm'>, <os><type>kvm</type>, <os><type accel='kvm'>qemu</type>;
 *   `domain.typeSpelling` says which ('canonical' | 'os-type' | 'os-type-accel').
 *   diskNameIndex(dev) and defaultDriveAddress(bus, index) give the disk index and the drive
 *   address libvirt derives from a target name (vda → 0, hdc → IDE bus 1 unit 0).
 *
 * ## Edits (the form changes the XML through these; each touches only what it must)
 *   setAttributeEdit(document, element, name, value | undefined): TextEdit   (undefined removes)
 *   setTextEdit(document, element, text): TextEdit
 *   insertChildEdit(document, parent, xml, { after?, first? }?): TextEdit   (own line, sibling indentation)
 *   removeElementEdit(document, element): TextEdit                       (the whole line when alone on it)
 *   applyEdits(text, edits): string                                     (edits of one document; overlap throws)
 *   setAccelerator(document, accel): TextEdit[]                          (canonical form, rewriting 2007 spellings)
 *
 * ## Editor metadata (one schema table drives validation, completions, hover and form enums)
 *   schemaAt(document, offset): SchemaContext   what fits at a position, also in a document being
 *     typed: kind ('element' | 'attribute-name' | 'attribute-value' | 'text' | 'none'), the open
 *     element path, allowed elements / attributes / values each with a one-line doc, the typed
 *     prefix and the range a completion replaces.
 *   describeAt(document, offset): { range, markdown } | undefined   hover for names and values.
 *   DOMAIN_SCHEMA is the table itself; the enum tables below are what forms offer.
 *
 * ## Networks (libvirt's network XML, network.rng)
 *   parseNetwork(text): { document, network?, diagnostics }   as parseDomain, for a <network> root
 *   validateNetwork(text): { document, network?, diagnostics, valid }   structure (NETWORK_SCHEMA)
 *     and the checks of libvirt's network parser; every diagnostic is of scope 'document'.
 *   `network.forward` is absent for an isolated network; its mode defaults to nat as in libvirt.
 *   parseIp / inSubnet / formatIp / ipPrefix: the address arithmetic the rules and QEMU's
 *   user-mode networking share (IPv4 and IPv6 as bigint).
 *
 * ## Storage (libvirt's pool and volume XML, storagepool.rng and storagevol.rng)
 *   parsePool / validatePool, parseVolume / validateVolume: as for networks, with a <pool> or
 *   <volume> root. Pools are directories only (POOL_TYPES); sizes are bigint bytes
 *   (`capacity.bytes`), libvirt's scaled integers with bytes as the default unit.
 *
 * ## Snapshots (libvirt's domain snapshot XML, domainsnapshot.rng)
 *   parseSnapshot / validateSnapshot: as for pools, with a <domainsnapshot> root; the embedded
 *   <domain> (the definition a revert restores) is checked by the domain table.
 *   snapshotXml(input): the XML to store for a snapshot taken now (name, state, parent, memory,
 *   disks and the definition at that time).
 */
export type { Diagnostic, DiagnosticCode, DiagnosticScope, Position, QuickFix, Range, Severity, TextEdit } from './diagnostics.js';
export { DIAGNOSTIC_CODES, DIAGNOSTIC_SCOPES, MAX_DIAGNOSTICS, SEVERITIES, capDiagnostics, hasErrors, isValidDocument, sortDiagnostics } from './diagnostics.js';

export type {
  XmlAttribute,
  XmlCData,
  XmlComment,
  XmlDoctype,
  XmlDocument,
  XmlElement,
  XmlNode,
  XmlProcessingInstruction,
  XmlText,
} from './xml/tree.js';
export { attributeValue, childElements, elementAt, firstChild, getAttribute, textContent, walkElements } from './xml/tree.js';
export { MAX_DOCUMENT_LENGTH, MAX_ELEMENT_DEPTH, parseXml, type ParseXmlResult } from './xml/parseXml.js';
export { formatXml, formatXml as formatDomain } from './xml/formatXml.js';

export { parseDomain, type ParseDomainResult } from './parseDomain.js';
export { validateDomain, type ValidateDomainResult } from './validate/validateDomain.js';
export { parseNetwork, type ParseNetworkResult } from './network/parseNetwork.js';
export { validateNetwork, type ValidateNetworkResult } from './network/validateNetwork.js';
export { NETWORK_SCHEMA } from './network/schema.js';
export { NETWORK_FORWARD_MODES, DHCP_LEASE_UNITS, IP_FAMILIES, type Network, type NetworkForwardMode, type NetworkIp, type DhcpRange, type DhcpHost } from './network/model.js';
export { ipPrefix } from './network/networkRules.js';
export { parsePool, parseVolume, type ParsePoolResult, type ParseVolumeResult } from './storage/parseStorage.js';
export { validatePool, validateVolume, type ValidatePoolResult, type ValidateVolumeResult } from './storage/validateStorage.js';
export { POOL_SCHEMA, VOLUME_SCHEMA } from './storage/schema.js';
export { POOL_TYPES, VOLUME_TYPES, VOLUME_FORMATS, type PoolType, type VolumeFormat, type StoragePool, type StorageVolume, type ScaledSize } from './storage/model.js';
export { parseSnapshot, validateSnapshot, type ParseSnapshotResult, type ValidateSnapshotResult } from './snapshot/parseSnapshot.js';
export { snapshotXml, type SnapshotXmlInput } from './snapshot/snapshotXml.js';
export { SNAPSHOT_SCHEMA } from './snapshot/schema.js';
export { SNAPSHOT_STATES, SNAPSHOT_MEMORY_MODES, DISK_SNAPSHOT_MODES, type SnapshotState, type SnapshotMemoryMode, type DiskSnapshotMode, type DomainSnapshot, type SnapshotDisk } from './snapshot/model.js';
export { bitsOf, formatIp, inSubnet, netmaskPrefix, networkOf, offsetIp, parseIp, type IpFamily, type ParsedIp } from './network/ipAddress.js';

export { setAccelerator } from './edit/setAccelerator.js';
export { applyEdits, insertChildEdit, removeElementEdit, setAttributeEdit, setTextEdit, type InsertChildOptions } from './edit/edits.js';
export { escapeAttribute, escapeText, escapeXml } from './xml/entities.js';

export { schemaAt, SCHEMA_CONTEXT_KINDS, type SchemaContext, type SchemaContextKind, type SchemaItem } from './editor/schemaAt.js';
export { describeAt, type Hover } from './editor/describeAt.js';
export { DOMAIN_SCHEMA } from './schema/domainSchema.js';
export { DATATYPES, type Datatype } from './schema/datatypes.js';
export type { AttributeSpec, ChildSpec, ElementSpec, ValueSpec } from './schema/types.js';

export {
  DEFINITION_ACTIONS,
  GUEST_ACTIONS,
  GUEST_RULES,
  GUEST_STATES,
  guestCondition,
  isAllowed,
  offeredActions,
  statesFor,
  type DefinitionAction,
  type GuestAction,
  type GuestCondition,
  type GuestOperation,
  type GuestState,
} from './guest/actions.js';
export { HISTORY_LIMIT } from './guest/history.js';
export {
  ACCELERATORS,
  ACCELERATOR_SPELLINGS,
  ACCELERATOR_STATUS,
  ACCELERATOR_VALUES,
  HISTORICAL_ACCELERATORS,
  OS_TYPE_ACCELERATOR_WORDS,
  acceleratorInfo,
  acceleratorSpelling,
  isAccelerator,
  isOsTypeAcceleratorWord,
  type Accelerator,
  type AcceleratorInfo,
  type AcceleratorSpelling,
  type AcceleratorStatus,
} from './model/accelerators.js';
export {
  readAccelerator,
  type AcceleratorReading,
  type Domain,
} from './model/domain.js';
export type { Devices } from './model/devices.js';
export { QEMU_NAMESPACE, type QemuCommandline } from './model/qemuNamespace.js';
export { SIZE_UNITS, toKiB, unitMultiplier, type SizeUnit } from './model/units.js';
export { parseCpuset } from './model/cpuset.js';
export { BOOLEAN_WORDS, type EnumTable } from './model/values.js';
export { defaultDriveAddress, diskBus, diskNameIndex, type DriveSlot } from './validate/semantic/disks.js';
export { ADDRESS_TYPES, formatPciAddress, type AddressType, type PciAddress, type DriveAddress, type VirtioSerialAddress, type CcidAddress, type UsbAddress, type IsaAddress, type SpaprVioAddress, type CcwAddress, type DimmAddress, type OtherAddress, type DeviceAddress, type DeviceCommon, type BootOrder } from './model/address.js';
export { OS_TYPES, ARCHITECTURES, X86_MACHINES, FIRMWARE_KINDS, LOADER_TYPES, FIRMWARE_FORMATS, BOOT_DEVICES, FIRMWARE_FEATURES, SMBIOS_MODES, type OsType, type FirmwareFeature, type Firmware, type LoaderType, type BootDevice, type SmbiosMode, type Os } from './model/os.js';
export { MEMORY_SOURCE_TYPES, MEMORY_ACCESS_MODES, MEMORY_ALLOCATION_MODES, type MemorySourceType, type MemoryAccessMode, type MemoryAllocationMode, type MemorySize, type Memory, type MaxMemory, type MemoryBacking, type MemTune } from './model/memory.js';
export { VCPU_PLACEMENTS, CPU_MODES, CPU_MATCHES, CPU_CHECKS, CPU_FALLBACKS, CPU_FEATURE_POLICIES, CPU_CACHE_MODES, NUMA_MEMORY_MODES, NUMA_PLACEMENTS, NUMA_CELL_MEMORY_ACCESS, SCHEDULERS, CACHE_TYPES, type VcpuPlacement, type CpuMode, type CpuMatch, type CpuFeaturePolicy, type NumaMemoryMode, type Scheduler, type Vcpu, type VcpuInfo, type Iothreads, type SchedGroup, type CpuTune, type NumaTune, type NumaCell, type CpuTopology, type Cpu } from './model/cpu.js';
export { FEATURE_NAMES, HYPERV_MODES, HYPERV_FEATURES, KVM_FEATURES, IOAPIC_DRIVERS, GIC_VERSIONS, TOGGLE_STATES, type Feature, type HypervFeature, type Features } from './model/features.js';
export { CLOCK_OFFSETS, CLOCK_BASES, TIMER_NAMES, TIMER_TICKPOLICIES, TIMER_TRACKS, TIMER_MODES, type ClockOffset, type TimerName, type TimerTickPolicy, type Timer, type Clock } from './model/clock.js';
export { SYSINFO_TYPES, SMBIOS_BIOS_ENTRIES, SMBIOS_SYSTEM_ENTRIES, SMBIOS_BASEBOARD_ENTRIES, SMBIOS_CHASSIS_ENTRIES, type SysinfoType, type SysinfoEntry, type Sysinfo } from './model/sysinfo.js';
export { SECLABEL_TYPES, SECLABEL_MODELS, LAUNCH_SECURITY_TYPES, type SecLabel, type LaunchSecurity } from './model/security.js';
export { LIFECYCLE_ACTIONS, CRASH_ACTIONS, LOCKFAILURE_ACTIONS, type LifecycleAction, type CrashAction, type PowerManagement, type IdMap, type Resource } from './model/lifecycle.js';
export { CHARDEV_TYPES, CHARDEV_SOURCE_MODES, CHARDEV_PROTOCOLS, SERIAL_TARGET_TYPES, SERIAL_TARGET_MODELS, CONSOLE_TARGET_TYPES, CHANNEL_TARGET_TYPES, type CharDevType, type CharDevSource, type CharDevice } from './model/devices/chardev.js';
export { CONTROLLER_TYPES, PCI_CONTROLLER_MODELS, USB_CONTROLLER_MODELS, SCSI_CONTROLLER_MODELS, IDE_CONTROLLER_MODELS, VIRTIO_MODELS, PCI_CONTROLLER_MODEL_NAMES, type ControllerType, type Controller } from './model/devices/controller.js';
export { DISK_TYPES, DISK_DEVICES, DISK_BUSES, DISK_FORMATS, DISK_CACHE_MODES, DISK_IO_MODES, DISK_ERROR_POLICIES, DISK_RERROR_POLICIES, DISK_DISCARD_MODES, DISK_DETECT_ZEROES, NETWORK_DISK_PROTOCOLS, DISK_SOURCE_STARTUP_POLICIES, TRAY_STATES, DISK_SECRET_TYPES, ENCRYPTION_FORMATS, IOTUNE_LIMITS, type DiskType, type DiskDevice, type DiskBus, type DiskFormat, type DiskCacheMode, type NetworkDiskProtocol, type NetworkHost, type DiskAuth, type DiskSource, type BackingStore, type DiskDriver, type DiskTarget, type DiskIotune, type IotuneLimit, type Disk } from './model/devices/disk.js';
export { FILESYSTEM_TYPES, FILESYSTEM_ACCESS_MODES, FILESYSTEM_DRIVERS, type Filesystem } from './model/devices/filesystem.js';
export { VNC_SHARE_POLICIES, GRAPHICS_TYPES, LISTEN_TYPES, SPICE_CHANNEL_NAMES, SPICE_CHANNEL_MODES, type GraphicsType, type VncSharePolicy, type Graphics } from './model/devices/graphics.js';
export { HOSTDEV_MODES, HOSTDEV_TYPES, MDEV_MODELS, type HostdevType, type Hostdev } from './model/devices/hostdev.js';
export { HUB_TYPES, type Hub } from './model/devices/hub.js';
export { INPUT_TYPES, INPUT_BUSES, GRAB_TOGGLES, type InputType, type InputBus, type Input } from './model/devices/input.js';
export { INTERFACE_TYPES, NIC_MODELS, NET_TX_MODES, PCIE_NIC_MODELS, knownNicModel, MACVTAP_MODES, VIRTUALPORT_TYPES, NET_DRIVER_NAMES, LINK_STATES, type InterfaceType, type NicModel, type NetTxMode, type Interface } from './model/devices/interface.js';
export { FORM_BOOT_DEVICES, FORM_DISK_BUSES, FORM_DISK_DEVICES, FORM_DISK_FORMATS, FORM_INTERFACE_TYPES, FORM_NIC_MODELS, HOTPLUG_NIC_MODELS } from './model/formChoices.js';
export { IOMMU_MODELS, type Iommu } from './model/devices/iommu.js';
export { MEMBALLOON_MODELS, type MemBalloon } from './model/devices/memballoon.js';
export { MEMORY_DEVICE_MODELS, type MemoryDevice } from './model/devices/memoryDevice.js';
export { PANIC_MODELS, type Panic } from './model/devices/panic.js';
export { REDIRDEV_BUSES, type Redirdev } from './model/devices/redirdev.js';
export { RNG_BACKEND_MODELS, type Rng } from './model/devices/rng.js';
export { SHMEM_MODELS, type Shmem } from './model/devices/shmem.js';
export { SMARTCARD_MODES, type Smartcard } from './model/devices/smartcard.js';
export { SOUND_MODELS, SOUND_CODECS, AUDIO_TYPES, type SoundModel, type AudioType, type Sound, type Audio } from './model/devices/sound.js';
export { TPM_MODELS, TPM_BACKEND_TYPES, TPM_VERSIONS, type Tpm } from './model/devices/tpm.js';
export { VIDEO_MODELS, type VideoModel, type Video } from './model/devices/video.js';
export { type Vsock } from './model/devices/vsock.js';
export { WATCHDOG_MODELS, WATCHDOG_ACTIONS, type WatchdogModel, type Watchdog } from './model/devices/watchdog.js';
