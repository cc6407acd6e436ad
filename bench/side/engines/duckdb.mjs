// DuckDB through @duckdb/node-api, in memory, in-process, 2 threads.
import { DuckDBInstance } from '@duckdb/node-api';
import { valuesList } from './tsv.mjs';

export async function open() {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const db = await instance.connect();
  const version = (await db.runAndReadAll('SELECT version()')).getRows()[0][0];
  return {
    name: 'duckdb',
    version,
    threads: 2,
    async exec(sql) {
      for (const statement of sql.split(/;\s*\n/)) if (statement.trim()) await db.run(statement);
    },
    async loadTsv(table, file) {
      await db.run(`COPY ${table} FROM '${file}' (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '', AUTO_DETECT false)`);
    },
    async loadRows(table, rows) {
      await db.run(`INSERT INTO ${table} VALUES ${valuesList(rows)}`);
    },
    async query(sql) {
      return (await db.runAndReadAll(sql)).getRows();
    },
    // What DuckDB's buffer manager holds: the runner's own resident size would count what the
    // engines before it left behind.
    async residentBytes() {
      const rows = (await db.runAndReadAll('SELECT sum(memory_usage_bytes) FROM duckdb_memory()')).getRows();
      return Number(rows[0][0]);
    },
    async close() { db.closeSync?.(); },
  };
}
