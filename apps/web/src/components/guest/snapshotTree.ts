import type { SnapshotSummary } from '../../api/types';

export interface SnapshotNode {
  snapshot: SnapshotSummary;
  children: SnapshotNode[];
}

/**
 * The snapshots as the tree their parents make, oldest first at each level. A snapshot whose
 * parent is not in the list (deleted by hand) is shown as a root rather than lost.
 */
export function snapshotTree(snapshots: readonly SnapshotSummary[]): SnapshotNode[] {
  const nodes = new Map(snapshots.map((snapshot) => [snapshot.name, { snapshot, children: [] as SnapshotNode[] }]));
  const roots: SnapshotNode[] = [];
  const byAge = [...snapshots].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  for (const snapshot of byAge) {
    const node = nodes.get(snapshot.name) as SnapshotNode;
    const parent = snapshot.parent === undefined ? undefined : nodes.get(snapshot.parent);
    if (parent === undefined || createsCycle(nodes, snapshot.name)) roots.push(node);
    else parent.children.push(node);
  }
  return roots;
}

/** Parents that lead back to the snapshot itself (a hand-edited file): it becomes a root. */
function createsCycle(nodes: Map<string, SnapshotNode>, name: string): boolean {
  const seen = new Set<string>([name]);
  let parent = nodes.get(name)?.snapshot.parent;
  while (parent !== undefined) {
    if (seen.has(parent)) return true;
    seen.add(parent);
    parent = nodes.get(parent)?.snapshot.parent;
  }
  return false;
}
