#!/bin/sh
# First process of the installer-demo ISO (rdinit=/banner-init): puts a banner and a shell on
# the VGA screen, then hands over to the demo guest's own /init, whose console stays the
# serial port. The screen's shell is what the graphical console's keyboard reaches.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
# Ctrl+Alt+Del on the keyboard reboots at once (PID 1 is a script that ignores SIGINT).
echo 1 > /proc/sys/kernel/ctrl-alt-del
printf '\033[2J\033[H\n\n    @BANNER@\n\n    Type on this screen; the serial console is ttyS0.\n\n' > /dev/tty1
setsid sh -c 'exec sh -i </dev/tty1 >/dev/tty1 2>&1' &
exec /init
