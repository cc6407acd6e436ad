// A current ClickHouse release (chDB, the npm package `chdb`: ClickHouse in-process) behind
// ClickHouse's HTTP interface on loopback, as one shard holding every table: the Debian
// package is 18.16, and this lets the report compiler's statements run on today's release too.
//
//   node scripts/chdb_http.mjs PORT DIR    serve until killed; DIR holds the data. PORT 0 takes
//                                         a free one; the first line printed names it.
//
// Requests are what src/clickhouse/client.cc sends: POST /?database=D&setting=value[&query=Q]
// with the statement as the body, or with `query` in the URL and the data as the body. The
// answer is the statement's output (TabSeparated when it asks), or status 500 with ClickHouse's
// "Code: N. DB::Exception: ..." text.
//
// A Distributed table needs a cluster of servers, which an in-process engine does not have.
// Over one shard it is a view of the shard's table that sends inserts to it, so here:
// `ENGINE = Distributed(cluster, db, T_local, key)` is made `ENGINE = Merge(db, '^T_local$')`,
// and an INSERT into such a table goes to T_local. Settings are left to their defaults (the
// statements use only insert_distributed_sync and max_bytes_before_external_group_by, neither
// of which changes an answer on one shard). Every statement is otherwise run as sent.
import http from 'node:http';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Session } = require('chdb');

const [port, dir] = process.argv.slice(2);
if (!port || !dir) {
  console.error('usage: node scripts/chdb_http.mjs PORT DIR');
  process.exit(2);
}
fs.mkdirSync(dir, { recursive: true });
const session = new Session(dir);

const kDistributed = /ENGINE\s*=\s*Distributed\(\s*\w+\s*,\s*(\w+)\s*,\s*(\w+)\s*,[^)]*(\([^)]*\))?[^)]*\)\s*$/i;
const kInsert = /^(\s*INSERT\s+INTO\s+)([\w.]+)/i;

function run(sql) {
  return session.query(sql, 'TabSeparated');
}

// The local table an INSERT into a Distributed (here Merge) table `name` goes to.
function InsertTarget(database, name) {
  const [db, table] = name.includes('.') ? name.split('.') : [database || 'default', name];
  const engine = run(`SELECT engine FROM system.tables WHERE database = '${db}' AND name = '${table}'`).trim();
  return engine === 'Merge' ? `${db}.${table}_local` : name;
}

function Translate(database, sql) {
  let out = sql.replace(kDistributed, (_, db, local) => `ENGINE = Merge('${db}', '^${local}$')`);
  const insert = out.match(kInsert);
  if (insert) out = out.replace(kInsert, (_, head, name) => head + InsertTarget(database, name));
  return out;
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const url = new URL(request.url, 'http://localhost');
    const database = url.searchParams.get('database') || '';
    const body = Buffer.concat(chunks).toString('utf8');
    const query = url.searchParams.get('query');
    const statement = query === null ? body : `${query}\n${body}`;
    try {
      run(`USE ${database || 'default'}`);
      const out = run(Translate(database, statement));
      response.writeHead(200, { 'Content-Type': 'text/tab-separated-values; charset=UTF-8' });
      response.end(out);
    } catch (error) {
      const text = String(error.message || error).replace(/^Query failed: /, '');
      response.writeHead(500, { 'Content-Type': 'text/plain; charset=UTF-8' });
      response.end(text + '\n');
    }
  });
});
server.listen(Number(port), '127.0.0.1', () => {
  const version = run('SELECT version()').trim();
  console.log(`chDB ${version} on http://127.0.0.1:${server.address().port}/`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    session.cleanup?.();
    process.exit(0);
  });
}
