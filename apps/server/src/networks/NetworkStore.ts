import { DefinitionFiles } from '../storage/DefinitionFiles.js';

/** Network definitions: one `networks/NAME.xml` each, as libvirt keeps them in /etc/libvirt/qemu/networks. */
export class NetworkStore extends DefinitionFiles {
  constructor(stateDir: string) {
    super(stateDir, { folder: 'networks', noun: 'network' });
  }
}
