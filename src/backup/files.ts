import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Puts every stored media file (`ab/ab12…`, named by its SHA-256) of `from` into `to`: a hard link where both
 * are on one filesystem — the files never change once written, so a link is as good as a copy and costs no
 * space — else a copy. Uploads in progress (`tmp/`) are not media yet and stay behind.
 */
export function linkMedia(from: string, to: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  if (!existsSync(from)) return { files, bytes };
  for (const prefix of readdirSync(from)) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const name of readdirSync(join(from, prefix))) {
      if (!SHA256.test(name) || !name.startsWith(prefix)) continue;
      mkdirSync(join(to, prefix), { recursive: true });
      const source = join(from, prefix, name);
      const target = join(to, prefix, name);
      try {
        linkSync(source, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        copyFileSync(source, target);
      }
      files += 1;
      bytes += statSync(target).size;
    }
  }
  return { files, bytes };
}
