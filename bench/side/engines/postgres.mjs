// PostgreSQL 15, a throwaway server on loopback (scripts/postgres.sh), queried over the `pg`
// client; tables loaded with psql's \copy. A query runs on the leader and at most one parallel
// worker (max_parallel_workers_per_gather = 1): 2 processes for the 2 cores.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { startServer } from './server.mjs';
import { valuesList } from './tsv.mjs';

const PORT = process.env.BENCH_PG_PORT ?? '54329';

export async function open(work) {
  const server = startServer('postgres.sh', path.join(work, 'cluster'), PORT);
  const client = new pg.Client({ host: '127.0.0.1', port: Number(PORT), user: 'postgres', database: 'postgres' });
  await client.connect();
  await client.query('SET max_parallel_workers_per_gather = 1');
  const version = (await client.query('SHOW server_version')).rows[0].server_version;
  return {
    name: 'postgres',
    version,
    threads: 2,
    async exec(sql) {
      await client.query(sql);
      if (/CREATE INDEX/i.test(sql)) await client.query('VACUUM ANALYZE');
    },
    async loadTsv(table, file) {
      execFileSync('psql', ['-h', '127.0.0.1', '-p', PORT, '-U', 'postgres', '-q', '-v', 'ON_ERROR_STOP=1',
        '-c', `\\copy ${table} FROM '${file}'`], { stdio: ['ignore', 'ignore', 'inherit'] });
    },
    async loadRows(table, rows) {
      await client.query(`INSERT INTO ${table} VALUES ${valuesList(rows)}`);
    },
    async query(sql) {
      return (await client.query({ text: sql, rowMode: 'array' })).rows;
    },
    residentBytes() { return server.rss(); },
    async close() {
      await client.end();
      server.stop();
    },
  };
}
