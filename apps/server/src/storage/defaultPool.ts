import { escapeXml } from '@virtdeck/schema';

/**
 * The `default` pool, as libvirt's /var/lib/libvirt/images: the state directory's images/
 * folder, where the templates put their disks. virtdeck defines it on its first start.
 */
export function defaultPoolXml(imagesDir: string): string {
  return `<pool type='dir'>
  <name>default</name>
  <target>
    <path>${escapeXml(imagesDir)}</path>
  </target>
</pool>
`;
}
