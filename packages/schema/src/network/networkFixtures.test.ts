import { parseNetwork, validateNetwork } from '../index.js';
import { describeGoldenFixtures } from '../testing/goldenFixtures.js';

/** Golden network definitions (fixtures/networks/), one invalid file per rule of the network parser. */
describeGoldenFixtures('network fixtures', new URL('../../fixtures/networks/', import.meta.url), {
  validate: validateNetwork,
  parse: (text) => parseNetwork(text).document,
});
