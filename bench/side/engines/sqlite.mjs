// SQLite through better-sqlite3 (in-process, one thread), a file database in the work dir with
// a page cache large enough to hold it: warm runs read memory, as the others do.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { readTsv } from './tsv.mjs';

export async function open(work) {
  const file = path.join(work, 'sqlite.db');
  fs.rmSync(file, { force: true });
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -8000000');  // 8 GB: everything stays cached
  db.pragma('temp_store = MEMORY');
  return {
    name: 'sqlite',
    version: db.prepare('SELECT sqlite_version() AS v').get().v,
    threads: 1,
    async exec(sql) { db.exec(sql); },
    async loadTsv(table, file, columns) {
      const insert = db.prepare(`INSERT INTO ${table} VALUES (${columns.map(() => '?').join(',')})`);
      const many = db.transaction((rows) => { for (const row of rows) insert.run(row); });
      await readTsv(file, columns, (rows) => many(rows));
    },
    async loadRows(table, rows) {
      const insert = db.prepare(`INSERT INTO ${table} VALUES (${rows[0].map(() => '?').join(',')})`);
      db.transaction(() => { for (const row of rows) insert.run(row); })();
    },
    async query(sql) {
      return db.prepare(sql).raw(true).all();
    },
    residentBytes() { return null; },  // in the runner's own process: measured around the load
    async close() { db.close(); },
  };
}
