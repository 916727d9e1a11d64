import { describe, expect, it } from 'vitest';
import { commandErrors, commandOutput, markerCommands, quoteVirshArgument, sessionCommandLine } from './virshSession.js';

/**
 * virsh's own argument parser (vshCommandStringGetArg, libvirt 9.0) as documented in
 * virsh(1) and its source: blanks and `;` end an argument, `'…'` is literal, `"…"` and a
 * bare backslash escape. Here to check that what quoteVirshArgument writes reads back as
 * one argument, unchanged; the integration test sends the same through a real virsh.
 */
function virshParse(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    if (line[i] === ';' || line[i] === '#') throw new Error(`a command separator or comment at ${i}`);
    let arg = '';
    let single = false;
    let double = false;
    for (; i < line.length; i++) {
      const c = line[i] as string;
      if (!single && !double && (c === ' ' || c === ';')) break;
      if (!double && c === "'") single = !single;
      else if (!single && c === '\\') arg += line[++i] ?? '';
      else if (!single && c === '"') double = !double;
      else arg += c;
    }
    if (single || double) throw new Error('an open quote');
    args.push(arg);
  }
  return args;
}

const AWKWARD = ['plain', 'with space', "it's", "''", '"double"', 'semi;colon', '$(id)', '`id`', '#hash', 'back\\slash', '\\', "\\'", '--all', '', ' lead and trail ', "a'b\"c;d $(e) \\f #g"];

describe('an argument written into a virsh session', () => {
  it.each(AWKWARD)('reads back as one argument, unchanged: %j', (argument) => {
    const quoted = quoteVirshArgument(argument);
    expect(quoted).toBeDefined();
    expect(virshParse(`dominfo --domain ${quoted as string}`)).toEqual(['dominfo', '--domain', argument]);
  });

  it('is refused when the line editor or the parser would take it for something else', () => {
    // A newline ends the command, a tab asks for completions, bytes of 128 and up are Meta keys in the C locale.
    for (const argument of ['new\nline', 'carriage\rreturn', 'tab\there', 'nul\0', 'esc\x1b[A', 'del\x7f', 'naïve', 'emoji 🙂']) {
      expect(quoteVirshArgument(argument), JSON.stringify(argument)).toBeUndefined();
    }
    expect(sessionCommandLine(['dumpxml', '--domain', 'naïve'])).toBeUndefined();
    expect(sessionCommandLine([])).toBeUndefined();
    expect(sessionCommandLine(['dumpxml', '--domain', "it's"])).toBe(String.raw`'dumpxml' '--domain' 'it'\''s'`);
  });
});

describe("a session's answer", () => {
  const marker = 'VD0123456789ab1f';
  const { err, out } = markerCommands(marker);
  const tail = `virsh # ${err}\nvirsh # ${out}\n`;

  it('marks its end with a marker that only echo prints in one piece', () => {
    expect(err).toBe("echo --err 'VD''0123456789ab1f'");
    expect(out).toBe("echo 'VD''0123456789ab1f'");
    expect(virshParse(out.slice(5))).toEqual([marker]);
    expect(`virsh # ${out}\n`).not.toContain(marker);
  });

  it("is what the command printed, between the line editor's echo of it and the markers' commands", () => {
    const xml = "<domain type='qemu'>\n  <name>virsh # not a prompt</name>\n</domain>\n";
    expect(commandOutput(`virsh # 'dumpxml' '--domain' 'a'\n${xml}${tail}`, marker)).toBe(xml);
    // A long command line is echoed with carriage returns where a terminal would wrap it.
    expect(commandOutput(`virsh # 'dumpxml' '--domain' '${'x'.repeat(72)}\r${'x'.repeat(60)}'\nrunning (booted)\n\n${tail}`, marker)).toBe('running (booted)\n\n');
    // Output without a final newline runs into the next prompt.
    expect(commandOutput(`virsh # 'echo' 'a'\na${tail}`, marker)).toBe('a');
    expect(commandOutput(`virsh # 'list' '--name'\n${tail}`, marker)).toBe('');
  });

  it('is refused when it is not of that shape (the session is then given up for the command)', () => {
    expect(commandOutput(`'dumpxml'\n<domain/>\n${tail}`, marker)).toBeUndefined();
    expect(commandOutput(`virsh # 'dumpxml'\n<domain/>\nvirsh # ${out}\n`, marker)).toBeUndefined();
    expect(commandOutput(`virsh # 'dumpxml'\n<domain/>\n${tail.replace('ab1f', 'ab1e')}`, marker)).toBeUndefined();
    expect(commandOutput('virsh # ', marker)).toBeUndefined();
  });

  it("fails with libvirt's errors, not with a reconnection note", () => {
    expect(commandErrors("error: failed to get domain 'x'\n")).toBe("error: failed to get domain 'x'");
    expect(commandErrors('error: Reconnected to the hypervisor\n')).toBe('');
    expect(commandErrors('\n')).toBe('');
  });
});
