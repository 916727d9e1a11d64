import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actionBody, isoInstallBody, parseInput, tagsBody, templateBody } from './input.js';

const messageOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('parseInput says what is wrong in words', () => {
  it('names the input and keeps the rule\'s own sentence', () => {
    expect(messageOf(() => parseInput(templateBody, { name: 'a/b' }, 'new guest'))).toBe("New guest: the name contains '/'");
  });

  it('says a missing field is missing, and a wrong kind of value what it should be', () => {
    expect(messageOf(() => parseInput(templateBody, {}, 'new guest'))).toBe("New guest: 'name' is missing");
    expect(messageOf(() => parseInput(actionBody, { escalateAfterMs: '5s' }, 'shutdown options'))).toBe("Shutdown options: 'escalateAfterMs' should be a number, not text");
  });

  it('names a field the input does not take', () => {
    expect(messageOf(() => parseInput(templateBody, { name: 'x', nmae: 'y' }, 'new guest'))).toBe("New guest: 'nmae' is not a field of the new guest");
  });

  it('says bounds and choices plainly, with the schema\'s own units', () => {
    expect(messageOf(() => parseInput(actionBody, { escalateAfterMs: 5 }, 'shutdown options'))).toBe("Shutdown options: 'escalateAfterMs' should be at least 100");
    expect(messageOf(() => parseInput(z.object({ running: z.enum(['0', '1']) }), { running: 'yes' }, 'definition request'))).toBe(`Definition request: 'running' should be one of "0", "1"`);
    const iso = { name: 'w', iso: { pool: 'default', volume: 'x.iso' }, os: 'linux', memoryMiB: 8, vcpus: 1, disk: { pool: 'default', sizeGiB: 1 }, network: { type: 'user' } };
    expect(messageOf(() => parseInput(isoInstallBody, iso, 'install request'))).toBe("Install request: 'memoryMiB' should be at least 16 MiB");
  });

  it('says where in a list', () => {
    expect(messageOf(() => parseInput(tagsBody, { tags: ['ok', 7] }, 'tags'))).toBe("Tags: 'tags.1' should be text, not 7");
  });

  it('never shows zod\'s own wording', () => {
    const inputs: unknown[] = [null, 1, 'x', [], { name: 1 }, { name: null }, { name: 'x', extra: [] }];
    for (const input of inputs) expect(messageOf(() => parseInput(templateBody, input, 'new guest'))).not.toMatch(/Invalid input|expected|received|Unrecognized|Too (small|big)/);
  });
});
