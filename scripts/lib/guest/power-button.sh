#!/bin/sh
# Run by busybox acpid when the ACPI power button is pressed (QMP system_powerdown, or
# `virsh shutdown`). The demo guest keeps nothing on disk, so it powers off at once.
exec poweroff -f
