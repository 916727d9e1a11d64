import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatCommandLine, shellQuote } from './formatCommandLine.js';

/** Lets a real POSIX shell split the line back into words. */
function shellSplit(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `set -- ${line}; for a in "$@"; do printf '%s\\0' "$a"; done`]);
  const words = out.toString('utf8').split('\0');
  words.pop();
  return words;
}

describe('formatCommandLine', () => {
  it('leaves plain words alone and quotes only what a shell would misread', () => {
    expect(formatCommandLine(['/usr/bin/qemu-system-x86_64', '-name', 'guest=a,debug-threads=on', '-S'])).toBe(
      '/usr/bin/qemu-system-x86_64 -name guest=a,debug-threads=on -S',
    );
    expect(formatCommandLine(['-device', '{"driver":"e1000"}'])).toBe(`-device '{"driver":"e1000"}'`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('round-trips hostile words through a real shell', () => {
    const argv = [
      '/usr/bin/qemu-system-x86_64',
      '-append',
      `console=ttyS0 x='$(reboot)' "q" \`id\` ; rm -rf / & |`,
      '-smbios',
      'type=11,value=a\nb\tc\\d',
      '-name',
      "guest=o'neil,,x",
      '',
      '*',
      '~',
    ];
    expect(shellSplit(formatCommandLine(argv))).toEqual(argv);
  });
});
