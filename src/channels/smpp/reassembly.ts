/**
 * Joins the parts of concatenated inbound SMS. In-memory only: parts already acknowledged to the SMSC but still
 * waiting for their siblings are lost on a restart.
 */
import { type Concat, MAX_CONCAT_PARTS } from './encoding.ts';

export interface InboundPart {
  from: string;
  to: string;
  concat: Concat;
  text: string;
}

export type AddResult = { complete: true; text: string } | { complete: false };

export interface Reassembler {
  /**
   * Throws RangeError when `concat` is not a valid part (seq outside 1..total, total above 255). A second copy of
   * a part already held is ignored, first copy wins.
   */
  add(part: InboundPart): AddResult;
  /** Drops incomplete groups older than ttl; returns how many. Call it periodically. */
  sweep(): number;
}

/**
 * Open (incomplete) groups kept at once; beyond this the oldest is dropped. Groups normally complete within
 * seconds, so a team inbox never comes near it; the cap is there so a flood of never-finished messages (up to
 * 255 parts of up to 160 characters each) stays around 80 MB at worst instead of growing until the next sweep.
 */
export const MAX_OPEN_GROUPS = 1_000;
/** Completed messages remembered (for ttl) to recognise a re-delivery; beyond this the oldest is forgotten. */
export const MAX_REMEMBERED_COMPLETIONS = 1_000;

interface Group {
  startedAt: number;
  /** Index = seq - 1. */
  texts: (string | undefined)[];
  received: number;
}

interface Completion {
  completedAt: number;
  texts: string[];
}

export function createReassembler(options: { ttlMs: number; now?: () => number }): Reassembler {
  const { ttlMs, now = Date.now } = options;
  // Maps iterate in insertion order, so the first entry is always the oldest.
  const open = new Map<string, Group>();
  const completed = new Map<string, Completion>();
  const expired = (since: number): boolean => now() - since > ttlMs;

  function add(part: InboundPart): AddResult {
    const { ref, total, seq } = part.concat;
    if (!Number.isInteger(seq) || seq < 1 || seq > total || total > MAX_CONCAT_PARTS) {
      throw new RangeError(`part ${seq} of ${total}`);
    }
    const key = JSON.stringify([part.from, part.to, ref, total]);
    if (isRedelivery(key, seq, part.text)) return { complete: false };

    const group = openGroup(key, total);
    if (group.texts[seq - 1] !== undefined) return { complete: false };
    group.texts[seq - 1] = part.text;
    group.received++;
    if (group.received < total) return { complete: false };

    open.delete(key);
    const texts = group.texts as string[];
    remember(key, texts);
    return { complete: true, text: texts.join('') };
  }

  /**
   * A part of a message already emitted. The text must match too: senders reuse 8-bit refs after 256 messages,
   * and a genuinely new message under a recycled key must not be swallowed.
   */
  function isRedelivery(key: string, seq: number, text: string): boolean {
    const done = completed.get(key);
    if (!done) return false;
    if (expired(done.completedAt)) {
      completed.delete(key);
      return false;
    }
    return done.texts[seq - 1] === text;
  }

  /** A stale group under the same key is a recycled ref, not this message: start afresh rather than mix them. */
  function openGroup(key: string, total: number): Group {
    const existing = open.get(key);
    if (existing && !expired(existing.startedAt)) return existing;
    open.delete(key);
    if (open.size >= MAX_OPEN_GROUPS) dropOldest(open);
    const group: Group = { startedAt: now(), texts: new Array<string | undefined>(total).fill(undefined), received: 0 };
    open.set(key, group);
    return group;
  }

  function remember(key: string, texts: string[]): void {
    completed.delete(key);
    if (completed.size >= MAX_REMEMBERED_COMPLETIONS) dropOldest(completed);
    completed.set(key, { completedAt: now(), texts });
  }

  function sweep(): number {
    let dropped = 0;
    for (const [key, group] of open) {
      if (!expired(group.startedAt)) continue;
      open.delete(key);
      dropped++;
    }
    for (const [key, done] of completed) {
      if (expired(done.completedAt)) completed.delete(key);
    }
    return dropped;
  }

  return { add, sweep };
}

function dropOldest(map: Map<string, unknown>): void {
  const oldest = map.keys().next();
  if (!oldest.done) map.delete(oldest.value);
}
