#!/bin/sh
# PID 1 of the virtdeck demo guest, run by the kernel from the initramfs with the serial port
# as /dev/console. PID 1 must never exit (the kernel would panic), so it ends in a loop.
# @READY_MARKER@ is replaced when the initramfs is built.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# busybox acpid writes its pid file and log here and fails to start without them.
mkdir -p /var/run /var/log /tmp /root

# Drivers the kernel has as modules, dependencies first (the order is computed at build time).
while read -r module; do
  insmod "/lib/modules/$module.ko" || echo "init: could not load $module"
done < /lib/modules/load-order

# The ACPI power button (modules button + evdev) reaches acpid as an input event; acpid then
# runs /etc/acpi/PWRF/00000080, which powers off. QMP system_powerdown presses this button.
acpid

ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
  # Networking is optional and must not delay the ready marker: DHCP runs in the background
  # and gives up after about five seconds without an answer.
  udhcpc -i eth0 -n -t 5 -T 1 -s /usr/share/udhcpc/default.script >/dev/null 2>&1 &
fi

echo "@READY_MARKER@"

# A shell on the console with job control: setsid starts a new session and cttyhack makes the
# real console device (ttyS0) its controlling terminal. Restarted whenever it exits.
while :; do
  setsid cttyhack sh -l
  echo "init: the shell exited; starting a new one"
done
