// A throwaway database server run by one of the scripts/ (postgres.sh, clickhouse.sh): started
// fresh in `dir` on `port`, stopped by close(); rss() is the server's resident memory.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function startServer(scriptName, dir, port) {
  const script = path.join(root, 'scripts', scriptName);
  execFileSync(script, ['stop', dir], { stdio: 'ignore' });
  execFileSync('rm', ['-rf', dir]);
  execFileSync(script, ['start', dir, port], { stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    rss: () => Number(execFileSync(script, ['rss', dir]).toString()),
    stop: () => execFileSync(script, ['stop', dir], { stdio: 'ignore' }),
  };
}
