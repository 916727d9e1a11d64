import type { Duplex } from 'node:stream';
import type { Driver } from '../drivers/Driver.js';
import { KeyedMutex } from '../guests/KeyedMutex.js';
import { encodePng, parsePpm, shrink } from './png.js';
import { strokesFor } from './usKeymap.js';

/** The guests' screens, whatever driver runs them: the display stream, screenshots, typing. */
export class GuestDisplays {
  private readonly typing = new KeyedMutex();

  constructor(private readonly driver: Pick<Driver, 'graphicsConsole'>) {}

  /** A byte stream to the guest's VNC display (QEMU asks the viewer for the password, if any). */
  async open(name: string): Promise<Duplex> {
    return (await this.driver.graphicsConsole(name)).open();
  }

  /** Whether a viewer will be asked for a password (the ticket answer says so). */
  async needsPassword(name: string): Promise<boolean> {
    return (await this.driver.graphicsConsole(name)).password !== undefined;
  }

  /** A PNG of what the screen shows now, at most `maxWidth` pixels wide. */
  async screenshot(name: string, maxWidth?: number): Promise<Buffer> {
    const image = parsePpm(await (await this.driver.graphicsConsole(name)).screendump());
    return encodePng(maxWidth === undefined ? image : shrink(image, maxWidth));
  }

  /** Types the text on the guest's keyboard (US layout); two texts for one guest do not interleave. */
  async typeText(name: string, text: string): Promise<void> {
    const strokes = strokesFor(text);
    const graphics = await this.driver.graphicsConsole(name);
    await this.typing.run(name, () => graphics.type(strokes));
  }
}
