import { describe, expect, it } from 'vitest';
import type { SnapshotSummary } from '../../api/types';
import { guestSummary } from '../../testing/guestSummary';
import { revertLoss } from './SnapshotsPane';
import { snapshotTree, type SnapshotNode } from './snapshotTree';

const snapshot = (name: string, minute: number, parent?: string, extra: Partial<SnapshotSummary> = {}): SnapshotSummary => ({
  name,
  createdAt: `2026-12-03T08:${String(minute).padStart(2, '0')}:00.000Z`,
  state: 'shutoff',
  current: false,
  memory: false,
  disks: ['vda'],
  ...(parent === undefined ? {} : { parent }),
  ...extra,
});

/** The tree as nested names, for comparing. */
const shape = (nodes: SnapshotNode[]): unknown[] => nodes.map((n) => (n.children.length ? [n.snapshot.name, shape(n.children)] : n.snapshot.name));

describe('the snapshot tree', () => {
  it('hangs each snapshot from its parent, oldest first, whatever order the list came in', () => {
    const list = [snapshot('c', 3, 'a'), snapshot('b', 2, 'a'), snapshot('a', 1), snapshot('d', 4, 'b'), snapshot('other-root', 5)];
    expect(shape(snapshotTree(list))).toEqual([['a', [['b', ['d']], 'c']], 'other-root']);
  });

  it('shows a snapshot whose parent is missing, or whose parents loop, as a root instead of losing it', () => {
    expect(shape(snapshotTree([snapshot('orphan', 1, 'gone')]))).toEqual(['orphan']);
    expect(shape(snapshotTree([snapshot('x', 1, 'y'), snapshot('y', 2, 'x')]))).toEqual(['x', 'y']);
  });
});

describe('what a revert loses', () => {
  it('names the snapshot, the disks, the memory and the definition', () => {
    const running = guestSummary('web', { state: 'running' });
    expect(revertLoss(running, snapshot('warm', 1, undefined, { memory: true, state: 'running' }))).toMatch(
      /^The guest's current state since 'warm' \(.+\) is lost: everything written to its disks and, if it runs, its memory\. It resumes running where it was then\. Its definition goes back to the one of that time\.$/,
    );
    expect(revertLoss(running, snapshot('cold', 1))).toContain('and it is forced off now (this snapshot holds no memory)');
    expect(revertLoss(guestSummary('web', { state: 'shutoff' }), snapshot('cold', 1))).not.toContain('forced off');
  });
});
