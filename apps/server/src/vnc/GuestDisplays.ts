import type { Duplex } from 'node:stream';
import type { Driver } from '../drivers/Driver.js';
import { KeyedMutex } from '../guests/KeyedMutex.js';
import { encodePng, readScreendump, shrink } from './png.js';
import { strokesFor } from './usKeymap.js';

/** A guest's display is found by its host and its name. */
export interface DisplayOf {
  host: string;
  name: string;
}

/** The guests' screens, whatever driver runs them: the display stream, screenshots, typing. */
export class GuestDisplays {
  private readonly typing = new KeyedMutex();

  /** `driverOf` gives the driver of a host id, and refuses one that does not exist. */
  constructor(private readonly driverOf: (host: string) => Pick<Driver, 'graphicsConsole'>) {}

  /** A byte stream to the guest's VNC display (QEMU asks the viewer for the password, if any). */
  async open({ host, name }: DisplayOf): Promise<Duplex> {
    return (await this.driverOf(host).graphicsConsole(name)).open();
  }

  /** Whether a viewer will be asked for a password (the ticket answer says so). */
  async needsPassword({ host, name }: DisplayOf): Promise<boolean> {
    return (await this.driverOf(host).graphicsConsole(name)).password !== undefined;
  }

  /** A PNG of what the screen shows now, at most `maxWidth` pixels wide. */
  async screenshot({ host, name }: DisplayOf, maxWidth?: number): Promise<Buffer> {
    const image = readScreendump(await (await this.driverOf(host).graphicsConsole(name)).screendump());
    return encodePng(maxWidth === undefined ? image : shrink(image, maxWidth));
  }

  /** Types the text on the guest's keyboard (US layout); two texts for one guest do not interleave. */
  async typeText({ host, name }: DisplayOf, text: string): Promise<void> {
    const strokes = strokesFor(text);
    const graphics = await this.driverOf(host).graphicsConsole(name);
    await this.typing.run(`${host}\0${name}`, () => graphics.type(strokes));
  }
}
