// Characters after which a POSIX shell would not read a word literally. Same set as
// libvirt's virBufferEscapeShell, so our line reads like `virsh domxml-to-native qemu-argv`.
const SHELL_SPECIAL = /[\r\t\n !"#$&'()*;<>?[\\\]^`{|}~]/;

/** Quotes one word for a POSIX shell, only when it has to be quoted. */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (!SHELL_SPECIAL.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line as one shell-quoted line, emulator first, like
 * `virsh domxml-to-native qemu-argv` prints it. For showing and copying only: virtdeck
 * itself always starts QEMU with the argv array, never through a shell.
 */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
