// Reads a tab-separated table written by normalize.mjs in batches of typed rows: columns
// named in `columns` ending in ':n' are integers, the others text.
import fs from 'node:fs';
import readline from 'node:readline';

export async function readTsv(file, columns, onBatch) {
  const numeric = columns.map((c) => c.endsWith(':n'));
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let batch = [];
  for await (const line of lines) {
    const parts = line.split('\t');
    batch.push(parts.map((v, i) => (numeric[i] ? Number(v) : v)));
    if (batch.length >= 50000) {
      onBatch(batch);
      batch = [];
    }
  }
  if (batch.length) onBatch(batch);
}

// Rows as the text of a SQL VALUES list (numbers as they are, text quoted).
export function valuesList(rows) {
  const literal = (v) => (typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
  return rows.map((row) => `(${row.map(literal).join(', ')})`).join(', ');
}
