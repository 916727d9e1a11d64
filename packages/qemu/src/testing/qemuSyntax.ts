/**
 * Test support: reads argv the way QEMU does, so tests can check what QEMU would see.
 * Not exported from the package.
 */

/**
 * Splits a key=value option value like QEMU's QemuOpts parser: a single comma ends a
 * pair, a doubled comma is a literal comma, the first '=' of a pair separates the key.
 * A leading pair without '=' is the implied value (returned under the key '').
 */
export function parseKeyValue(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let current = '';
  const flush = (): void => {
    const eq = current.indexOf('=');
    if (eq < 0) pairs.push(['', current]);
    else pairs.push([current.slice(0, eq), current.slice(eq + 1)]);
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ',') {
      if (text[i + 1] === ',') {
        current += ',';
        i++;
        continue;
      }
      flush();
      continue;
    }
    current += c;
  }
  flush();
  return pairs;
}

/** Options of qemu-system-x86_64 that take no argument (every other option takes one). */
const FLAGS_WITHOUT_ARGUMENT = new Set([
  '-S',
  '-no-user-config',
  '-nodefaults',
  '-no-shutdown',
  '-no-reboot',
  '-no-hpet',
  '-no-acpi',
  '-enable-kvm',
  '-nographic',
  '-daemonize',
  '-snapshot',
  '-full-screen',
  '-usb',
]);

export interface ParsedOption {
  flag: string;
  value?: string;
}

/** Groups argv (emulator first) into options the way QEMU's command-line loop does. */
export function parseArgv(argv: readonly string[]): ParsedOption[] {
  const options: ParsedOption[] = [];
  for (let i = 1; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    if (!flag.startsWith('-')) throw new Error(`argv[${i}] ${JSON.stringify(flag)} is not an option`);
    if (FLAGS_WITHOUT_ARGUMENT.has(flag)) {
      options.push({ flag });
      continue;
    }
    if (i + 1 >= argv.length) throw new Error(`option ${flag} lacks its argument`);
    options.push({ flag, value: argv[++i] });
  }
  return options;
}
