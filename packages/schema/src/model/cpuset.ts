/**
 * libvirt's CPU/node set syntax: `0-3,8,^2` — ranges, single numbers, `^` excludes.
 * Returns the sorted members, or undefined when the text is not a valid set.
 */
export function parseCpuset(text: string, limit = 4096): number[] | undefined {
  const include = new Set<number>();
  const exclude = new Set<number>();
  const parts = text.split(',');
  for (const raw of parts) {
    const part = raw.trim();
    const negate = part.startsWith('^');
    const body = negate ? part.slice(1) : part;
    const match = /^([0-9]+)(?:-([0-9]+))?$/.exec(body);
    if (match === null) return undefined;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first || last >= limit) return undefined;
    if (negate && match[2] !== undefined) return undefined;
    for (let n = first; n <= last; n++) (negate ? exclude : include).add(n);
  }
  const members = [...include].filter((n) => !exclude.has(n)).sort((a, b) => a - b);
  return members;
}
