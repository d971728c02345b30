import { eq, inArray } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { campaignFiles } from '../../db/schema/campaigns.ts';
import { chatAttachments } from '../../db/schema/chats.ts';
import { attachments } from '../../db/schema/media.ts';
import type { DomainContext } from '../context.ts';

/**
 * Files on disk under the data directory, named by their SHA-256: a picture sent to fifty customers is
 * stored once, and a name can never be chosen by a user (no path traversal). Uploads are written to
 * tmp/ first and renamed into place only once checked, so a half-written file never has a real name.
 */
export interface MediaStore {
  readonly dir: string;
  /** A fresh name in tmp/ for an upload in progress. */
  tmpPath(): string;
  pathOf(sha256: string): string;
  /** Moves a checked temp file to its content address (synchronously, so nothing can interleave with the transaction that follows). */
  adopt(tmpPath: string, sha256: string): void;
  /** Writes bytes that arrived whole (an MMS from the carrier) to a temp file. */
  writeTmp(data: Buffer): { tmpPath: string; sha256: string; size: number };
  removeTmp(tmpPath: string): void;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function createMediaStore(dir: string): MediaStore {
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const pathOf = (sha256: string): string => {
    if (!SHA256.test(sha256)) throw new Error('not a SHA-256');
    return join(dir, sha256.slice(0, 2), sha256);
  };
  return {
    dir,
    tmpPath: () => join(tmp, `upload-${randomBytes(12).toString('hex')}`),
    pathOf,
    adopt(tmpPath, sha256) {
      const target = pathOf(sha256);
      mkdirSync(join(dir, sha256.slice(0, 2)), { recursive: true });
      // Same bytes, same name: an existing file is already right, so the temp copy just goes.
      if (statSync(target, { throwIfNoEntry: false })) rmSync(tmpPath, { force: true });
      else renameSync(tmpPath, target);
    },
    writeTmp(data) {
      const tmpPath = join(tmp, `upload-${randomBytes(12).toString('hex')}`);
      writeFileSync(tmpPath, data);
      return { tmpPath, sha256: createHash('sha256').update(data).digest('hex'), size: data.length };
    },
    removeTmp(tmpPath) {
      rmSync(tmpPath, { force: true });
    },
  };
}

/** After a transaction that was to reference these files failed: delete the ones no message (customer or chat) or campaign uses. */
export function dropUnreferenced(ctx: DomainContext, store: MediaStore, sha256s: string[]): void {
  if (sha256s.length === 0) return;
  const used = new Set(
    [
      ...ctx.db
        .select({ sha256: attachments.sha256 })
        .from(attachments)
        .where(inArray(attachments.sha256, sha256s))
        .all(),
      ...ctx.db
        .select({ sha256: chatAttachments.sha256 })
        .from(chatAttachments)
        .where(inArray(chatAttachments.sha256, sha256s))
        .all(),
      ...ctx.db
        .select({ sha256: campaignFiles.sha256 })
        .from(campaignFiles)
        .where(inArray(campaignFiles.sha256, sha256s))
        .all(),
    ].map((r) => r.sha256),
  );
  for (const sha of new Set(sha256s)) if (!used.has(sha)) rmSync(store.pathOf(sha), { force: true });
}

/**
 * At start-up: temp files are leftovers of uploads cut off by a crash, and a content file no attachment
 * refers to was renamed into place just before a crash that lost its transaction. Both go.
 */
export function sweepMedia(ctx: DomainContext, store: MediaStore): { removed: number } {
  let removed = 0;
  for (const name of readdirSync(join(store.dir, 'tmp'))) {
    rmSync(join(store.dir, 'tmp', name), { force: true });
    removed += 1;
  }
  for (const shard of readdirSync(store.dir)) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const name of readdirSync(join(store.dir, shard))) {
      if (!SHA256.test(name)) continue;
      const used =
        ctx.db.select({ seq: attachments.seq }).from(attachments).where(eq(attachments.sha256, name)).limit(1).get() ??
        ctx.db
          .select({ seq: chatAttachments.seq })
          .from(chatAttachments)
          .where(eq(chatAttachments.sha256, name))
          .limit(1)
          .get() ??
        ctx.db
          .select({ seq: campaignFiles.seq })
          .from(campaignFiles)
          .where(eq(campaignFiles.sha256, name))
          .limit(1)
          .get();
      if (!used) {
        rmSync(join(store.dir, shard, name), { force: true });
        removed += 1;
      }
    }
  }
  return { removed };
}
