/**
 * Low-level scanning of XML source text: start tags (attribute positions), the extent of
 * comments, CDATA, processing instructions and DOCTYPEs, and the first place a broken
 * document stops being parseable. Pure functions over offsets; every loop advances.
 */

export interface ScannedAttribute {
  name: string;
  nameStart: number;
  nameEnd: number;
  /** offsets of the value between its quotes (equal when the value is missing) */
  valueStart: number;
  valueEnd: number;
  quote: '"' | "'" | '';
  /** end of the attribute including its closing quote */
  end: number;
}

export interface ScannedStartTag {
  name: string;
  nameStart: number;
  nameEnd: number;
  attributes: ScannedAttribute[];
  /** offset just after `>` (or where the tag was cut off) */
  end: number;
  selfClosing: boolean;
  /** false when no `>` was found before the limit */
  terminated: boolean;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/** Name characters end at whitespace, `/`, `>`, `=`, quotes and `<`. */
function isNameEnd(code: number): boolean {
  return isSpace(code) || code === 47 || code === 62 || code === 61 || code === 34 || code === 39 || code === 60;
}

/** Scans `<name attr='v' …>` starting at the `<` at `start`, never past `limit`. */
export function scanStartTag(text: string, start: number, limit: number): ScannedStartTag {
  let i = start + 1;
  const nameStart = i;
  while (i < limit && !isNameEnd(text.charCodeAt(i))) i++;
  const tag: ScannedStartTag = {
    name: text.slice(nameStart, i),
    nameStart,
    nameEnd: i,
    attributes: [],
    end: limit,
    selfClosing: false,
    terminated: false,
  };
  while (i < limit) {
    const code = text.charCodeAt(i);
    if (isSpace(code)) {
      i++;
    } else if (code === 62) {
      tag.end = i + 1;
      tag.terminated = true;
      return tag;
    } else if (code === 47 && text.charCodeAt(i + 1) === 62) {
      tag.end = i + 2;
      tag.selfClosing = true;
      tag.terminated = true;
      return tag;
    } else if (code === 60) {
      // a new tag begins: this one was never closed
      tag.end = i;
      return tag;
    } else {
      i = scanAttribute(text, i, limit, tag.attributes);
    }
  }
  return tag;
}

function scanAttribute(text: string, start: number, limit: number, out: ScannedAttribute[]): number {
  let i = start;
  while (i < limit && !isNameEnd(text.charCodeAt(i))) i++;
  if (i === start) return start + 1; // a stray character (`=`, a quote): skip it
  const attribute: ScannedAttribute = {
    name: text.slice(start, i),
    nameStart: start,
    nameEnd: i,
    valueStart: i,
    valueEnd: i,
    quote: '',
    end: i,
  };
  out.push(attribute);
  let j = i;
  while (j < limit && isSpace(text.charCodeAt(j))) j++;
  if (text.charCodeAt(j) !== 61) return i;
  j++;
  while (j < limit && isSpace(text.charCodeAt(j))) j++;
  const quote = text[j];
  if (quote !== '"' && quote !== "'") {
    attribute.valueStart = attribute.valueEnd = attribute.end = j;
    return j;
  }
  const close = text.indexOf(quote, j + 1);
  const valueEnd = close === -1 || close >= limit ? limit : close;
  attribute.quote = quote;
  attribute.valueStart = j + 1;
  attribute.valueEnd = valueEnd;
  attribute.end = Math.min(limit, valueEnd + 1);
  return attribute.end;
}

/** End (exclusive) of a `<!-- … -->`, `<![CDATA[ … ]]>` or `<? … ?>` starting at `start`, or -1. */
export function constructEnd(text: string, start: number, limit: number): number {
  let terminator: string;
  let from: number;
  if (text.startsWith('<!--', start)) {
    terminator = '-->';
    from = start + 4;
  } else if (text.startsWith('<![CDATA[', start)) {
    terminator = ']]>';
    from = start + 9;
  } else if (text.startsWith('<?', start)) {
    terminator = '?>';
    from = start + 2;
  } else if (text.startsWith('<!', start)) {
    return doctypeEnd(text, start, limit);
  } else {
    return -1;
  }
  const end = text.indexOf(terminator, from);
  return end === -1 || end + terminator.length > limit ? -1 : end + terminator.length;
}

/** End of `<!DOCTYPE … [ … ] >`, honouring the internal subset and quoted strings; -1 if unterminated. */
export function doctypeEnd(text: string, start: number, limit: number): number {
  let depth = 0;
  let i = start + 2;
  while (i < limit) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      const close = text.indexOf(ch, i + 1);
      if (close === -1 || close >= limit) return -1;
      i = close + 1;
      continue;
    }
    if (ch === '<' && text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      if (close === -1 || close >= limit) return -1;
      i = close + 3;
      continue;
    }
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (ch === '>' && depth === 0) return i + 1;
    i++;
  }
  return -1;
}

export interface ParseBarrier {
  offset: number;
  reason: 'unterminated' | 'too-deep';
}

/**
 * The first construct a streaming parser cannot get past: something left open at the end of
 * the text (a tag, comment, CDATA section, processing instruction) or an element nested deeper
 * than `maxDepth`. Everything before it parses; the editor keeps working on the part typed so far.
 */
export function findParseBarrier(text: string, maxDepth: number): ParseBarrier | undefined {
  const length = text.length;
  let depth = 0;
  let i = text.indexOf('<');
  while (i !== -1 && i < length) {
    const next = text.charCodeAt(i + 1);
    let end: number;
    if (next === 33 || next === 63) {
      end = constructEnd(text, i, length);
      if (end === -1) return { offset: i, reason: 'unterminated' };
    } else if (next === 47) {
      end = text.indexOf('>', i);
      if (end === -1) return { offset: i, reason: 'unterminated' };
      end += 1;
      depth = Math.max(0, depth - 1);
    } else {
      const tag = scanStartTag(text, i, length);
      if (!tag.terminated) return { offset: i, reason: 'unterminated' };
      if (!tag.selfClosing) {
        depth++;
        if (depth > maxDepth) return { offset: i, reason: 'too-deep' };
      }
      end = tag.end;
    }
    i = text.indexOf('<', end);
  }
  return undefined;
}
