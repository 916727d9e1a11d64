import { DefinitionFiles } from './DefinitionFiles.js';

/** Pool definitions: one `pools/NAME.xml` each, as libvirt keeps them in /etc/libvirt/storage. */
export class PoolStore extends DefinitionFiles {
  constructor(stateDir: string) {
    super(stateDir, { folder: 'pools', noun: 'pool', fullNoun: 'storage pool' });
  }
}
