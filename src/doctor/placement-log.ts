/**
 * Node placement from ONNX Runtime's verbose session log: stderr text → which execution provider got which
 * nodes. ORT prints the block in `VerifyEachNodeIsAssignedToAnEp` (onnxruntime/core/framework/session_state.cc,
 * v1.30: "Node placements", then either " All nodes placed on [EP]. Number of nodes: N" when one provider got
 * everything, or per provider " Node(s) placed on [EP]. Number of nodes: N" followed by one "  OpType (name)"
 * line per node). Each session prints one block; a log may hold several.
 */

/** The nodes one provider got, summed over every block in the log. */
export interface ProviderPlacement {
  /** ORT's provider name, e.g. "CUDAExecutionProvider". */
  readonly provider: string;
  readonly nodeCount: number;
  /** Node count per op type; empty when ORT only said "All nodes placed on" (it lists no nodes then). */
  readonly opTypes: Readonly<Record<string, number>>;
}

export interface PlacementSummary {
  /** Placement blocks found (one per session created with verbose logging). */
  readonly sessions: number;
  readonly providers: readonly ProviderPlacement[];
}

const MESSAGE = /VerifyEachNodeIsAssignedToAnEp\] (.*)$/;
const PROVIDER_LINE = /^ (All nodes|Node\(s\)) placed on \[([^\]]+)\]\. Number of nodes: (\d+)$/;
const NODE_LINE = /^ {2}(\S+) \((.*)\)$/;

/**
 * Parses every placement block in `log`.
 * @example
 * parsePlacementLog("... VerifyEachNodeIsAssignedToAnEp] Node placements\n" +
 *   "... VerifyEachNodeIsAssignedToAnEp]  All nodes placed on [CPUExecutionProvider]. Number of nodes: 3");
 * // { sessions: 1, providers: [{ provider: "CPUExecutionProvider", nodeCount: 3, opTypes: {} }] }
 */
export function parsePlacementLog(log: string): PlacementSummary {
  const byProvider = new Map<string, { nodeCount: number; opTypes: Record<string, number> }>();
  let sessions = 0;
  let current: { opTypes: Record<string, number> } | undefined;
  for (const line of log.split(/\r?\n/)) {
    const message = MESSAGE.exec(line)?.[1];
    if (message === undefined) continue;
    if (message === "Node placements") {
      sessions++;
      current = undefined;
      continue;
    }
    const provider = PROVIDER_LINE.exec(message);
    if (provider !== null) {
      const [, , name, count] = provider;
      const entry = byProvider.get(name) ?? { nodeCount: 0, opTypes: {} };
      entry.nodeCount += Number(count);
      byProvider.set(name, entry);
      current = entry;
      continue;
    }
    const node = NODE_LINE.exec(message);
    if (node !== null && current !== undefined)
      current.opTypes[node[1]] = (current.opTypes[node[1]] ?? 0) + 1;
  }
  return {
    sessions,
    providers: [...byProvider].map(([provider, { nodeCount, opTypes }]) => ({
      provider,
      nodeCount,
      opTypes,
    })),
  };
}

/** Op types whose nodes ORT put on its CPU provider, with counts, most frequent first. */
export function cpuPlacedOps(summary: PlacementSummary): { opType: string; count: number }[] {
  const cpu = summary.providers.find((p) => p.provider === "CPUExecutionProvider");
  if (cpu === undefined) return [];
  const listed = Object.entries(cpu.opTypes).map(([opType, count]) => ({ opType, count }));
  // "All nodes placed on [CPU…]" lists no nodes: report the count without op types rather than nothing.
  if (listed.length === 0 && cpu.nodeCount > 0) return [{ opType: "(all nodes)", count: cpu.nodeCount }];
  return listed.sort((a, b) => b.count - a.count || a.opType.localeCompare(b.opType));
}
