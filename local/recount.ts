import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { QUARANTINE_PREFIX, TRADES_PREFIX } from '../schema/layout';
import { OBJECT_SUFFIX } from '../schema/object-keys';
import { DuckDbLake } from './duckdb-lake';
import { exactPricesOf } from './exact-prices';
import { countLake, type LakeCount } from './lake-count';
import type { LakeObject } from './lake-mirror';
import { oneDecimal } from './summary';

/**
 * Recounts what a kept run (`npm run local -- --keep DIR`) landed, from the objects alone:
 * `npx tsx local/recount.ts DIR` prints the lake's side of the summary line. The objects are in
 * DIR/lake/ under their S3 keys, as the run copied them from s3rver (whose own files are in
 * DIR/peers/s3/).
 */

/** The objects under DIR/lake/, with their keys. */
export function keptObjects(directory: string): LakeObject[] {
  const root = join(directory, 'lake');
  const objects: LakeObject[] = [];
  for (const prefix of [TRADES_PREFIX, QUARANTINE_PREFIX]) {
    const folder = join(root, prefix);
    let paths: string[];
    try {
      paths = readdirSync(folder, { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const path of paths.sort()) {
      const file = join(folder, path);
      if (!path.endsWith(OBJECT_SUFFIX) || !statSync(file).isFile()) continue;
      objects.push({ key: relative(root, file).split(sep).join('/'), body: readFileSync(file) });
    }
  }
  return objects;
}

/** Counts the kept objects as the run counted them. */
export async function recount(directory: string): Promise<LakeCount> {
  const objects = keptObjects(directory);
  const lake = await DuckDbLake.open(
    join(directory, 'lake'),
    objects.filter(({ key }) => key.startsWith(TRADES_PREFIX)).flatMap(({ body }) => exactPricesOf(body)),
  );
  try {
    return await countLake(lake, objects);
  } finally {
    lake.close();
  }
}

if (require.main === module) {
  const directory = process.argv[2];
  if (directory === undefined) {
    process.stderr.write('usage: npx tsx local/recount.ts DIR   (a folder kept with npm run local -- --keep DIR)\n');
    process.exitCode = 2;
  } else {
    void recount(directory).then(
      (count) => {
        const objects = count.tradeObjects + count.quarantineObjects;
        process.stdout.write(
          `written=${count.written} quarantined=${count.quarantined} duplicates=${count.duplicates} objects=${objects} bytes_per_trade=${oneDecimal(count.bytesPerTrade)}\n`,
        );
      },
      (error: unknown) => {
        process.stderr.write(`recount failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      },
    );
  }
}
