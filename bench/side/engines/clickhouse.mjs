// ClickHouse, a throwaway server on loopback (scripts/clickhouse.sh), queried over its HTTP
// interface; tables loaded as TabSeparated. max_threads = 2 (the machine's cores).
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from './server.mjs';
import { valuesList } from './tsv.mjs';

const PORT = process.env.BENCH_CLICKHOUSE_PORT ?? '18123';

// The file in pieces of about `size` bytes, each ending at a line end.
async function* linePieces(file, size) {
  let pending = Buffer.alloc(0);
  for await (const chunk of fs.createReadStream(file, { highWaterMark: size })) {
    const data = Buffer.concat([pending, chunk]);
    const end = data.lastIndexOf(10) + 1;
    if (end > 0) yield data.subarray(0, end);
    pending = data.subarray(end);
  }
  if (pending.length) yield pending;
}

export async function open(work) {
  const server = startServer('clickhouse.sh', path.join(work, 'server'), PORT);
  const url = `http://127.0.0.1:${PORT}/?max_threads=2`;
  const post = async (body, query = '') => {
    const response = await fetch(url + query, { method: 'POST', body });
    const text = await response.text();
    if (!response.ok) throw new Error(`clickhouse: ${text.trim()}\n${typeof body === 'string' ? body : ''}`);
    return text;
  };
  const version = (await post('SELECT version()')).trim();
  return {
    name: 'clickhouse',
    version,
    threads: 2,
    async exec(sql) {
      for (const statement of sql.split(/;\s*\n/)) {
        if (statement.replace(/--.*$/gm, '').trim()) await post(statement);
      }
    },
    // In pieces of whole lines: one INSERT of a 1 GB table (activities at L) outlasts the HTTP
    // client's timeouts on a 2-core machine.
    async loadTsv(table, file) {
      const query = `&query=${encodeURIComponent(`INSERT INTO ${table} FORMAT TabSeparated`)}`;
      for await (const piece of linePieces(file, 64 << 20)) await post(piece, query);
    },
    async loadRows(table, rows) {
      await post(`INSERT INTO ${table} VALUES ${valuesList(rows)}`);
    },
    async query(sql) {
      const text = await post(`${sql} FORMAT JSONCompact`);
      return JSON.parse(text).data;
    },
    residentBytes() { return server.rss(); },
    async close() { server.stop(); },
  };
}
