import { expect, type Locator, type Page } from '@playwright/test';

/** The Monaco editor of the page's workbench. */
export const editorOf = (page: Page): Locator => page.getByTestId('xml-editor');

/** The rendered line holding `text` (Monaco renders only the lines in view). */
export const viewLine = (page: Page, text: string): Locator => editorOf(page).locator('.view-line', { hasText: text });

/** Monaco draws each marker in the overlay row at the same `top` as its text line. */
export async function markerOnLine(page: Page, text: string, severity: 'error' | 'warning'): Promise<Locator> {
  const line = viewLine(page, text).first();
  await expect(line).toBeVisible();
  const top = await line.evaluate((el) => (el as HTMLElement).style.top);
  return editorOf(page).locator(`.view-overlays > div[style*="top:${top}"] .squiggly-${severity}, .view-overlays > div[style*="top: ${top}"] .squiggly-${severity}`);
}

/** Puts the cursor at the start of the text on the line holding `text` and deletes the line's content. */
export async function clearLine(page: Page, text: string): Promise<void> {
  await viewLine(page, text).first().click();
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Delete');
}

/** The text of every rendered line, top to bottom (Monaco uses no-break spaces for indentation). */
export async function visibleText(page: Page): Promise<string> {
  const lines = await editorOf(page)
    .locator('.view-line')
    .evaluateAll((els) =>
      els
        .map((el) => ({ top: parseFloat((el as HTMLElement).style.top), text: (el.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text),
    );
  return lines.join('\n');
}

/**
 * Waits until Monaco has coloured the text in `editor` (an editor or a diff view): it shows
 * the lines first and tokenizes them a moment later, when the browser is idle.
 */
export async function waitForColours(editor: Locator): Promise<void> {
  await expect(editor.locator('.view-line span[class*="mtk"]:not(.mtk1)').first()).toBeAttached();
}
