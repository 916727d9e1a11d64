/**
 * Splits the command line `virsh domxml-to-native qemu-argv` prints into its words: libvirt
 * quotes a word with single quotes when it must (`'\''` for a quote inside), separates words
 * with spaces and may continue a line with a backslash. Leading `NAME=value` words are the
 * environment libvirt sets, not QEMU's argv, and are left out.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (quoted) {
      if (c === "'") quoted = false;
      else word += c;
      continue;
    }
    if (c === "'") {
      quoted = true;
      word ??= '';
    } else if (c === '\\' && line[i + 1] === '\n') {
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (c === ' ' || c === '\n' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  const firstArg = words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  return firstArg < 0 ? [] : words.slice(firstArg);
}
