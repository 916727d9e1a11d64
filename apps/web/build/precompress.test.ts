import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'vite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { precompress } from './precompress.js';

describe('the web build', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-precompress-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a brotli and a gzip copy beside each script and style it puts in assets/, and none beside the page', async () => {
    const text = 'export const words = ' + JSON.stringify(Array.from({ length: 2000 }, (_, i) => `word${i % 97}`)) + ';\n';
    await writeFile(path.join(dir, 'words.js'), text);
    await writeFile(path.join(dir, 'main.js'), "import { words } from './words.js';\nimport './look.css';\ndocument.body.textContent = words.join(' ');\n");
    await writeFile(path.join(dir, 'look.css'), 'body { color: rebeccapurple; }\n'.repeat(50));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    const out = path.join(dir, 'dist');
    const result = await build({ root: dir, logLevel: 'silent', configFile: false, plugins: [precompress()], build: { outDir: out } });
    const output = (Array.isArray(result) ? result[0] : result) as { output: { fileName: string }[] };
    const assets = output.output.map((o) => o.fileName).filter((name) => name.startsWith('assets/'));
    expect(assets.some((name) => name.endsWith('.js'))).toBe(true);
    expect(assets.some((name) => name.endsWith('.css'))).toBe(true);
    for (const name of assets) {
      const original = await readFile(path.join(out, name));
      const br = await readFile(path.join(out, `${name}.br`));
      const gz = await readFile(path.join(out, `${name}.gz`));
      expect(zlib.brotliDecompressSync(br).equals(original), name).toBe(true);
      expect(zlib.gunzipSync(gz).equals(original), name).toBe(true);
    }
    await expect(readFile(path.join(out, 'index.html.br'))).rejects.toThrow(/ENOENT/);
  });
});
