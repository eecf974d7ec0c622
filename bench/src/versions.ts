// Installed versions, read from package.json files (some packages do not export ./package.json).
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function packageVersion(req: NodeJS.Require, name: string): string {
  let dir = dirname(req.resolve(name));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json for ${name}`);
    dir = up;
  }
}
