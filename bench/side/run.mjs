// The side-by-side benchmark and differential check (issue: Voronka against DuckDB, SQLite,
// PostgreSQL and ClickHouse on the same records and the same questions).
//
//   node bench/side/run.mjs [--size S|M|L | --deals N] [--engines voronka,sqlite,duckdb,...]
//                           [--runs R] [--check-only] [--work DIR]
//
// 1. `voronka demo --seed 1 --end-date 2026-10-31` writes the canonical history (NDJSON);
// 2. normalize.mjs turns it into the raw tables every database loads (bench/sql/*/schema.sql);
// 3. Voronka (bench/side/voronka_side.cc, in-process) loads the NDJSON and answers the
//    overview requests; each database loads the tables, derives per-deal state in SQL
//    (derive.sql), adds its indexes, and answers the same questions in SQL (bench/sql);
// 4. every answer is compared with Voronka's: the first mismatch stops the run and prints the
//    metric, the filter and both answers (exit status 1);
// 5. per engine: load time, resident memory, median of R (>= 5) warm runs per query and the
//    ratio to Voronka; the machine and its measured memory read bandwidth.
// --check-only runs each query once (the differential test in `make test`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { normalize, TABLES } from './normalize.mjs';
import { buildChecks, sqlMap, difference, fillSql } from './workload.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const SIZES = { S: 20000, M: 200000, L: 1000000 };
const COLUMNS = {
  stages: ['id', 'pipeline_id', 'ord:n', 'position:n', 'semantic'],
  users: ['id', 'department_id'],
  dept_tree: ['ancestor', 'descendant'],
  deals: ['id', 'entity', 'amount:n', 'responsible_id', 'created_at:n', 'company_id', 'contact_id', 'source'],
  deal_fields: ['deal_id', 'name', 'value'],
  deal_updates: ['deal_id', 'seq:n', 'happened_at:n', 'name', 'value', 'cleared:n'],
  stage_changes: ['deal_id', 'seq:n', 'happened_at:n', 'to_stage'],
  activities: ['id', 'deal_id', 'user_id', 'kind', 'happened_at:n'],
  tasks: ['deal_id', 'created_at:n', 'completed_at:n'],
};

function parseArgs(argv) {
  const o = { deals: SIZES.S, size: 'S', engines: ['voronka', 'sqlite', 'duckdb', 'postgres', 'clickhouse'],
    runs: 5, checkOnly: false, work: path.join(root, 'build/side'), endDate: '2026-10-31' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') { o.size = argv[++i]; o.deals = SIZES[o.size]; if (!o.deals) throw new Error(`--size S, M or L`); }
    else if (a === '--deals') { o.deals = Number(argv[++i]); o.size = `${o.deals} deals`; }
    else if (a === '--engines') o.engines = argv[++i].split(',');
    else if (a === '--runs') o.runs = Math.max(5, Number(argv[++i]));
    else if (a === '--check-only') o.checkOnly = true;
    else if (a === '--work') o.work = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.engines.includes('voronka')) o.engines.unshift('voronka');
  return o;
}

// UTC microseconds of local midnight of `date` (YYYY-MM-DD) in time zone `zone`.
function localMidnightUs(date, zone) {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  const offsetAt = (ms) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(ms));
    const v = Object.fromEntries(parts.map((p) => [p.type, Number(p.value)]));
    return Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second) - ms;
  };
  let ms = guess - offsetAt(guess);
  ms = guess - offsetAt(ms);
  return ms * 1000;
}

function addMonths(date, n) {
  const [y, m] = date.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`;
}

// The overview's periods: the last month of the history, the month before, 24 months.
function periods(endDate, zone, forgottenDays) {
  const next = new Date(Date.parse(`${endDate}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
  const to = next.endsWith('-01') ? next : addMonths(next, 1);
  const day = (date) => ({ date, us: localMidnightUs(date, zone) });
  return {
    to: day(to), from: day(addMonths(to, -1)), prevFrom: day(addMonths(to, -2)),
    trendFrom: day(addMonths(to, -24)),
    asOf: { iso: `${to}T00:00:00Z`, us: Date.parse(`${to}T00:00:00Z`) * 1000 },
    buckets: Array.from({ length: 24 }, (_, i) => {
      const start = addMonths(to, i - 24);
      return [start.slice(0, 7), localMidnightUs(start, zone), localMidnightUs(addMonths(start, 1), zone)];
    }),
    forgottenUs: forgottenDays * 86400 * 1e6,
    timeZone: zone,
  };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function machine() {
  const cpu = os.cpus()[0]?.model ?? '?';
  return `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${cpu}, ` +
    `${os.type()} ${os.release()}, node ${process.version}`;
}

function sqlText(engine, file) {
  for (const dir of [engine, 'ansi']) {
    const p = path.join(root, 'bench/sql', dir, `${file}.sql`);
    if (fs.existsSync(p)) return fs.readFileSync(p, 'utf8');
  }
  throw new Error(`no bench/sql/${engine}/${file}.sql`);
}

async function openEngine(name, work) {
  const module = await import(`./engines/${name}.mjs`);
  return module.open(work);
}

function ms(since) { return Number(process.hrtime.bigint() - since) / 1e6; }

async function runDatabase(name, o, tsvDir, p, checks, voronka, report) {
  const rssBefore = process.memoryUsage().rss;
  fs.mkdirSync(path.join(o.work, name), { recursive: true });
  const db = await openEngine(name, path.join(o.work, name));
  try {
    const started = process.hrtime.bigint();
    await db.exec(sqlText(name, 'schema'));
    for (const table of TABLES) await db.loadTsv(table, path.join(tsvDir, `${table}.tsv`), COLUMNS[table]);
    await db.loadRows('buckets', p.buckets);
    await db.exec(sqlText(name, 'derive'));
    await db.exec(sqlText(name, 'indexes'));
    const loadMs = ms(started);
    const resident = (await db.residentBytes()) ?? (process.memoryUsage().rss - rssBefore);
    const entry = { engine: name, version: db.version, threads: db.threads, load_seconds: loadMs / 1000,
      resident_bytes: resident, times: {} };
    console.log(`${name} ${db.version}: loaded in ${(loadMs / 1000).toFixed(1)} s, resident ` +
      `${(resident / 1e6).toFixed(0)} MB, ${db.threads} thread(s)`);
    for (const check of checks) {
      const texts = check.sql.map((part) => fillSql(sqlText(name, part.file), part.params));
      const parts = [];
      for (const text of texts) parts.push(await db.query(text));
      const got = sqlMap(check, parts);
      const expected = voronka.answers[check.id];
      const diff = difference(check, expected, got);
      if (diff) {
        console.error(`\nMISMATCH ${name} vs voronka\n  metric: ${check.metric} (${check.id})\n` +
          `  filter: ${check.filter}\n  row: ${diff.key}\n  voronka: ${JSON.stringify(diff.voronka)}\n` +
          `  ${name}: ${JSON.stringify(diff.sql)}\n  voronka answer: ${JSON.stringify(expected)}\n` +
          `  ${name} answer: ${JSON.stringify(got)}\n  request: ${JSON.stringify(check.request)}\n` +
          `  SQL:\n${texts.join('\n;\n')}`);
        process.exit(1);
      }
      if (!o.checkOnly) {
        const times = [];
        for (let r = 0; r < o.runs; r++) {
          const t = process.hrtime.bigint();
          for (const text of texts) await db.query(text);
          times.push(ms(t));
        }
        entry.times[check.id] = median(times);
      }
    }
    const sum = (e) => checks.reduce((s, c) => s + (e.times[c.id] ?? 0), 0);
    console.log(`${name}: ${checks.length} answers equal to Voronka's` +
      (o.checkOnly ? '' : `; overview set ${sum(entry).toFixed(1)} ms (Voronka ${sum(report.engines[0]).toFixed(2)} ms)`));
    report.engines.push(entry);
  } finally {
    await db.close();
  }
}

function printTable(report, checks) {
  const engines = report.engines;
  const groups = [...new Set(checks.map((c) => `${c.filter}\t${c.group}`))];
  const sum = (entry, pick) => checks.filter(pick).reduce((s, c) => s + entry.times[c.id], 0);
  const lines = [];
  lines.push(`| filter | queries | ${engines.map((e) => `${e.engine}, ms`).join(' | ')} |`);
  lines.push(`|---|---|${engines.map(() => '---:').join('|')}|`);
  const row = (label, pick) => {
    const base = sum(engines[0], pick);
    lines.push(`| ${label} | ${engines.map((e, i) => {
      const v = sum(e, pick);
      return i === 0 ? v.toFixed(2) : `${v.toFixed(1)} (${(v / base).toFixed(0)}×)`;
    }).join(' | ')} |`);
  };
  for (const g of groups) row(g.replace('\t', ' | '), (c) => `${c.filter}\t${c.group}` === g);
  row('**all five** | **overview set**', () => true);
  lines.push('');
  lines.push(`| engine | version | threads | load, s | resident, MB |`);
  lines.push('|---|---|---:|---:|---:|');
  for (const e of engines) {
    lines.push(`| ${e.engine} | ${e.version} | ${e.threads} | ${e.load_seconds.toFixed(1)} | ${(e.resident_bytes / 1e6).toFixed(0)} |`);
  }
  return lines.join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const bin = process.env.VORONKA_BIN ?? path.join(root, 'build/release/src/cli/voronka');
  const side = process.env.VORONKA_SIDE ?? path.join(root, 'build/release/bench/voronka_side');
  fs.mkdirSync(o.work, { recursive: true });
  console.log(`machine: ${machine()}, ${new Date().toISOString().slice(0, 16)}Z`);
  const history = path.join(o.work, `history-${o.deals}.ndjson`);
  if (!fs.existsSync(history)) {
    execFileSync(bin, ['demo', '--seed', '1', '--deals', String(o.deals), '--end-date', o.endDate,
      '--out', `${history}.part`], { stdio: 'inherit' });
    fs.renameSync(`${history}.part`, history);
  }
  const tsvDir = path.join(o.work, `tsv-${o.deals}`);
  const normalized = await normalize(history, tsvDir);
  const ws = normalized.workspace;
  const p = periods(o.endDate, ws.time_zone ?? 'UTC', ws.forgotten_days ?? 14);
  console.log(`history: demo --seed 1 --deals ${o.deals} --end-date ${o.endDate}: ` +
    `${Object.entries(normalized.rows).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`period ${p.from.date}..${p.to.date} (compare ${p.prevFrom.date}), trend from ` +
    `${p.trendFrom.date}, as_of ${p.asOf.iso}, time zone ${ws.time_zone}`);
  const checks = buildChecks(p);
  const requestsFile = path.join(o.work, 'requests.json');
  fs.writeFileSync(requestsFile, JSON.stringify(checks.map((c) => ({ id: c.id, request: c.request }))));
  const out = execFileSync(side, ['--history', history, '--requests', requestsFile,
    '--runs', String(o.runs), ...(o.checkOnly ? ['--check-only'] : [])],
  { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'inherit'] });
  const v = JSON.parse(out.toString());
  const voronka = { answers: {} };
  const ventry = { engine: 'voronka', version: 'this tree', threads: v.threads, load_seconds: v.load_seconds,
    resident_bytes: v.resident_bytes, times: {}, bytes: 0 };
  for (const r of v.results) {
    const check = checks.find((c) => c.id === r.id);
    voronka.answers[r.id] = check.voronka(r.answer);
    ventry.times[r.id] = r.median_ms;
    ventry.bytes += r.bytes_scanned;
  }
  console.log(`voronka: ${v.records} records loaded in ${v.load_seconds.toFixed(1)} s (parse + apply), ` +
    `resident ${(v.resident_bytes / 1e6).toFixed(0)} MB, 1 thread`);
  const report = { machine: machine(), size: o.size, deals: o.deals, engines: [ventry],
    bandwidth_gbps: v.read_bandwidth_gbps };
  // A database that fails (not a mismatch: that stops the run) is reported and skipped, and
  // the figures so far are saved after each one, so a long run keeps what it measured.
  const reportFile = path.join(o.work, `report-${o.deals}.json`);
  const failed = [];
  for (const name of o.engines.filter((e) => e !== 'voronka')) {
    try {
      await runDatabase(name, o, tsvDir, p, checks, voronka, report);
    } catch (e) {
      console.error(`${name} failed: ${e.stack ?? String(e)}`);
      failed.push(name);
    }
    fs.writeFileSync(reportFile, JSON.stringify(report, null, 1));
  }
  const ran = report.engines.map((e) => e.engine);
  console.log(`\nall ${checks.length} checks agree across ${ran.join(', ')}` +
    (failed.length ? `; FAILED: ${failed.join(', ')}` : ''));
  if (failed.length) process.exitCode = 1;
  if (o.checkOnly) return;
  const total = checks.reduce((s, c) => s + ventry.times[c.id], 0);
  const floorMs = v.read_bandwidth_gbps ? ventry.bytes / (v.read_bandwidth_gbps * 1e9) * 1000 : null;
  console.log(`\nmemory read bandwidth (1 thread, measured): ${v.read_bandwidth_gbps.toFixed(1)} GB/s; ` +
    `Voronka's overview set scans ${(ventry.bytes / 1e6).toFixed(1)} MB -> floor ${floorMs.toFixed(2)} ms; ` +
    `measured ${total.toFixed(2)} ms = ${(total / floorMs).toFixed(1)}× the floor\n`);
  console.log(printTable(report, checks));
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exit(2);
});
