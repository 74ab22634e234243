// duckdb_baseline.mjs: the four core detectors as plain SQL in DuckDB, on the contract's CSV files: what an
// analyst would run instead of claimwatch. Reads the ten tables from DIR (timed: that is part of "from
// CSV to findings"), runs queries/baseline/duckdb/*.sql with the month bound as $1..$3 and prints one line
// per detector and a last line "total SECONDS".
//   node bench/duckdb_baseline.mjs DIR YYYY-MM [THREADS]
// DuckDB reading its own database file instead (bench/speed.sh): --import FILE reads the ten tables from DIR
// into a new FILE once and runs nothing; --db FILE opens FILE read-only and runs (and times) only the queries.
//   node bench/duckdb_baseline.mjs DIR YYYY-MM [THREADS] --import FILE | --db FILE
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let mode = 'csv', file = '';
const flag = args.findIndex((a) => a === '--import' || a === '--db');
if (flag >= 0) {
  mode = args[flag].slice(2);
  file = args[flag + 1] || '';
  args.splice(flag, 2);
}
const [dir, month, threads] = args;
if (!dir || !/^\d{4}-\d{2}$/.test(month || '') || (mode !== 'csv' && !file)) {
  console.error('usage: node duckdb_baseline.mjs DIR YYYY-MM [THREADS] [--import FILE | --db FILE]');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const sqlDir = join(here, '..', 'queries', 'baseline', 'duckdb');
const [y, m] = month.split('-').map(Number);
const pad = (n) => String(n).padStart(2, '0');
const start = new Date(Date.UTC(y, m - 1, 1));
const end = new Date(Date.UTC(y, m, 1));
const look = new Date(start.getTime() - 45 * 86400000);
const ts = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} 00:00:00`;
const params = [ts(start), ts(end), ts(look)];

const tables = ['institutions', 'departments', 'physicians', 'patients', 'items', 'bundles', 'visits',
                'claim_lines', 'prescriptions', 'exam_results'];
// Column types as the contract gives them, so that nothing depends on DuckDB's guesses.
const types = {
  claim_lines: { line_id: 'VARCHAR', visit_id: 'VARCHAR', item_code: 'VARCHAR', physician_id: 'VARCHAR',
                 service_time: 'TIMESTAMP', qty: 'DECIMAL(14,3)', unit_price: 'DECIMAL(14,2)', amount: 'DECIMAL(14,2)' },
  visits: { visit_id: 'VARCHAR', patient_id: 'VARCHAR', inst_id: 'VARCHAR', dept_id: 'VARCHAR',
            physician_id: 'VARCHAR', kind: 'VARCHAR', admit_time: 'TIMESTAMP', discharge_time: 'TIMESTAMP',
            dx_code: 'VARCHAR', dx_name: 'VARCHAR' },
  items: { item_code: 'VARCHAR', category: 'VARCHAR', retest_hours: 'INTEGER' },
  exam_results: { line_id: 'VARCHAR', result: 'VARCHAR' },
  bundles: { bundle_code: 'VARCHAR', component_code: 'VARCHAR' },
};
const typeSpec = (t) => {
  const c = types[t];
  if (!c) return '';
  return `, types = {${Object.entries(c).map(([k, v]) => `'${k}': '${v}'`).join(', ')}}`;
};

if (mode === 'import' && existsSync(file)) unlinkSync(file);
const options = threads ? { threads: String(threads) } : {};
if (mode === 'db') options.access_mode = 'READ_ONLY';
const instance = await DuckDBInstance.create(mode === 'csv' ? ':memory:' : file, options);
const con = await instance.connect();
const t0 = performance.now();
if (mode !== 'db') {
  for (const t of tables) {
    const path = join(dir, `${t}.csv`).replaceAll("'", "''");
    await con.run(`CREATE TABLE ${t} AS SELECT * FROM read_csv('${path}', header = true${typeSpec(t)})`);
  }
  if (mode === 'import') await con.run('CHECKPOINT');
  const tLoad = performance.now();
  console.log(`read the CSV files${mode === 'import' ? ' into ' + file : ''}: ${((tLoad - t0) / 1000).toFixed(2)} s`);
  if (mode === 'import') process.exit(0);
}
for (const d of ['split_billing', 'split_admission', 'repeat_test', 'idle_bed']) {
  const sql = readFileSync(join(sqlDir, `${d}.sql`), 'utf8');
  const q0 = performance.now();
  const reader = await con.runAndReadAll(sql, params.slice(0, (sql.match(/\$3/) ? 3 : 2)));
  const row = reader.getRows()[0];
  console.log(`${d}: ${row[1]} findings, ${row[2]} at stake, ${((performance.now() - q0) / 1000).toFixed(2)} s`);
}
console.log(`total ${((performance.now() - t0) / 1000).toFixed(2)}`);
