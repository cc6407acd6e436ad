// Canonical NDJSON history (SPEC §2) -> normalized tab-separated tables, the raw records every
// SQL database loads (bench/sql/*/schema.sql). Only what the records say is written here; the
// per-deal state (current stage, amount, close time, last touch, ...) is derived in SQL by each
// database (derive.sql), inside its measured load time. Three things are resolved here and not
// in SQL, because they are bookkeeping of the record stream rather than metric logic:
//   - the department tree as a closure table dept_tree(ancestor, descendant) (each department
//     is its own ancestor), so "a department includes its sub-departments" is a plain join;
//   - task_update records folded into their task (latest `at` wins);
//   - a deal's stage at creation written as its first stage change (SPEC §1).
// Missing values are '' (text) and 0 (times); no NULLs, so every database reads the same bytes.
// Times are UTC microseconds; amounts integer kopecks (minor units).
import fs from 'node:fs';
import readline from 'node:readline';
import path from 'node:path';

export function parseMicros(text) {
  // RFC 3339 with an optional fraction: Date.parse keeps milliseconds, the fraction's
  // microseconds are added back.
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`bad time ${text}`);
  const m = /\.(\d+)/.exec(text);
  const micros = m ? Number((m[1] + '000000').slice(3, 6)) : 0;
  return ms * 1000 + micros;
}

export function parseKopecks(text) {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(text));
  if (!m) throw new Error(`bad amount ${text}`);
  const value = Number(m[2]) * 100 + Number(((m[3] ?? '') + '00').slice(0, 2));
  return m[1] ? -value : value;
}

const clean = (v) => String(v ?? '').replace(/[\t\n\\]/g, ' ');

class Table {
  constructor(dir, name) {
    this.file = path.join(dir, `${name}.tsv`);
    this.parts = [];
    this.fd = fs.openSync(this.file, 'w');
    this.rows = 0;
  }
  add(...values) {
    this.parts.push(values.map(clean).join('\t'));
    this.rows++;
    if (this.parts.length >= 65536) this.flush();
  }
  flush() {
    if (this.parts.length) fs.writeSync(this.fd, this.parts.join('\n') + '\n');
    this.parts = [];
  }
  close() {
    this.flush();
    fs.closeSync(this.fd);
  }
}

export const TABLES = ['stages', 'users', 'dept_tree', 'deals', 'deal_fields', 'deal_updates',
  'stage_changes', 'activities', 'tasks'];

// Reads `ndjson`, writes dir/<table>.tsv; returns {workspace, rows: {table: count}, pipelines}.
export async function normalize(ndjson, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const t = Object.fromEntries(TABLES.map((name) => [name, new Table(dir, name)]));
  const parents = new Map();
  const tasks = new Map();
  const taskUpdates = [];
  const pipelines = [];
  let workspace = {};
  let seq = 0;
  const lines = readline.createInterface({ input: fs.createReadStream(ndjson), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    seq++;
    const r = JSON.parse(line);
    switch (r.type) {
      case 'workspace':
        workspace = r;
        break;
      case 'department':
        parents.set(r.id, r.parent_id ?? '');
        break;
      case 'user':
        t.users.add(r.id, r.department_id ?? '');
        break;
      case 'pipeline': {
        pipelines.push({ id: r.id, entity: r.entity, stages: r.stages });
        const open = r.stages.filter((s) => s.semantic === 'open').length;
        let position = 0;
        r.stages.forEach((s, ord) => {
          const pos = s.semantic === 'open' ? position++ : s.semantic === 'won' ? open : -1;
          t.stages.add(s.id, r.id, ord, pos, s.semantic);
        });
        break;
      }
      case 'deal': {
        const created = parseMicros(r.created_at);
        t.deals.add(r.id, r.entity ?? 'deal', parseKopecks(r.amount ?? '0'), r.responsible_id ?? '',
          created, r.company_id ?? '', r.contact_id ?? '', r.source ?? '');
        t.stage_changes.add(r.id, seq, created, r.stage_id);
        for (const [name, value] of Object.entries(r.fields ?? {})) {
          for (const v of Array.isArray(value) ? value : [value]) {
            if (v !== null) t.deal_fields.add(r.id, name, v);
          }
        }
        break;
      }
      case 'deal_update': {
        const at = parseMicros(r.at);
        for (const [name, value] of Object.entries(r.set ?? {})) {
          if (name === 'fields') {
            for (const [field, v] of Object.entries(value ?? {})) {
              // One row per value of a multi-list; a cleared field is one row with cleared = 1.
              if (v === null) t.deal_updates.add(r.id, seq, at, `fields.${field}`, '', 1);
              else for (const one of Array.isArray(v) ? v : [v]) t.deal_updates.add(r.id, seq, at, `fields.${field}`, one, 0);
            }
          } else if (name === 'amount') {
            t.deal_updates.add(r.id, seq, at, name, value === null ? 0 : parseKopecks(value), 0);
          } else {
            t.deal_updates.add(r.id, seq, at, name, value ?? '', value === null ? 1 : 0);
          }
        }
        break;
      }
      case 'stage_change':
        t.stage_changes.add(r.deal_id, seq, parseMicros(r.at), r.to);
        break;
      case 'activity':
        t.activities.add(r.id, r.deal_id ?? '', r.user_id ?? '', r.kind, parseMicros(r.at));
        break;
      case 'task':
        tasks.set(r.id, { deal: r.deal_id ?? '', created: parseMicros(r.created_at),
          completed: r.completed_at ? parseMicros(r.completed_at) : 0, completedAt: 0 });
        break;
      case 'task_update':
        taskUpdates.push(r);
        break;
      default:
        break;  // goals, companies, contacts: not read by the benchmark's metrics
    }
  }
  taskUpdates.sort((a, b) => parseMicros(a.at) - parseMicros(b.at));
  for (const u of taskUpdates) {
    const task = tasks.get(u.id);
    if (task && u.set && 'completed_at' in u.set) {
      task.completed = u.set.completed_at ? parseMicros(u.set.completed_at) : 0;
    }
  }
  for (const task of tasks.values()) t.tasks.add(task.deal, task.created, task.completed);
  for (const id of parents.keys()) {
    for (let a = id, guard = 0; a && guard < 64; a = parents.get(a), guard++) t.dept_tree.add(a, id);
  }
  const rows = {};
  for (const [name, table] of Object.entries(t)) {
    table.close();
    rows[name] = table.rows;
  }
  return { workspace, rows, pipelines };
}
