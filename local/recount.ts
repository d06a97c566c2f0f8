import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { QUARANTINE_PREFIX, TRADES_PREFIX } from '../schema/layout';
import { OBJECT_SUFFIX } from '../schema/object-keys';
import { QUERY_PARAMETERS, queryContext } from './answers';
import { CURATED_FOLDER, type CuratedScan, curatedVwapScan, VWAP_QUERY_NAME } from './curated-files';
import { DuckDbLake } from './duckdb-lake';
import { exactPricesOf } from './exact-prices';
import { checkRecords, countLake, type LakeCount, type RecordCheck } from './lake-count';
import type { LakeObject } from './lake-mirror';
import { readSentRecords, SENT_RECORDS_FILE } from './sent-records';
import { oneDecimal } from './summary';

/**
 * Recounts what a kept run (`npm run local -- --keep DIR`) landed, from the files alone:
 * `npx tsx local/recount.ts DIR` prints the lake's and the curated zone's side of the summary line.
 * The objects are in DIR/lake/ under their S3 keys, as the run copied them from s3rver (whose own
 * files are in DIR/peers/s3/); the curated table's Parquet files in DIR/curated/trades/data/; what
 * the producer sent, record by record, in DIR/sent-records.csv.gz, against which the objects are
 * checked identity by identity as the run checked them (`LOST:` and `UNEXPECTED:` lines, exit 1).
 */

/** What a kept run's curated files hold. */
export interface CuratedRecount {
  /** Rows of the curated files. */
  readonly curated: number;
  /** What a VWAP of the busiest active trade date reads of them (the day the run's query asked about). */
  readonly vwap: CuratedScan;
  /** The objects compared with the records the producer sent; absent when DIR has no record of them. */
  readonly records?: RecordCheck;
}

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

/** Counts the kept objects and curated files as the run counted them. */
export async function recount(directory: string): Promise<LakeCount & CuratedRecount> {
  const objects = keptObjects(directory);
  const lake = await DuckDbLake.open(
    join(directory, 'lake'),
    objects.filter(({ key }) => key.startsWith(TRADES_PREFIX)).flatMap(({ body }) => exactPricesOf(body)),
  );
  try {
    const counted = await countLake(lake, objects);
    const sentFile = join(directory, SENT_RECORDS_FILE);
    const records = existsSync(sentFile) ? await checkRecords(lake, readSentRecords(sentFile)) : undefined;
    const curatedFolder = join(directory, CURATED_FOLDER);
    await lake.openCurated(curatedFolder);
    const today = new Date().toISOString().slice(0, 10);
    const [day = today] = QUERY_PARAMETERS[VWAP_QUERY_NAME]?.(await queryContext(lake, today)) ?? [];
    return {
      ...counted,
      curated: await lake.curatedRows(),
      vwap: await curatedVwapScan(lake.connection, curatedFolder, day),
      records,
    };
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
        const { records } = count;
        for (const loss of records?.losses ?? []) process.stdout.write(`LOST: ${loss}\n`);
        for (const surprise of records?.surprises ?? []) process.stdout.write(`UNEXPECTED: ${surprise}\n`);
        if (records === undefined) {
          process.stderr.write(
            `${directory} has no ${SENT_RECORDS_FILE} (kept by an older run): the records are counted, not checked one by one\n`,
          );
        }
        process.stdout.write(
          `written=${count.written} quarantined=${count.quarantined} duplicates=${count.duplicates} objects=${objects} bytes_per_trade=${oneDecimal(count.bytesPerTrade)} curated=${count.curated} curated_bytes_per_trade_vwap=${oneDecimal(count.vwap.bytesPerTrade)}${records === undefined ? '' : ` lost=${records.lost} unexpected=${records.unexpected}`}\n`,
        );
        if (records !== undefined && records.lost + records.unexpected > 0) process.exitCode = 1;
      },
      (error: unknown) => {
        process.stderr.write(`recount failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      },
    );
  }
}
