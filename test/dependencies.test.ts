import * as fs from 'node:fs';
import * as path from 'node:path';

// What `npm ci` installs, as package.json and package-lock.json decide it. npm 11.19.1 (this
// machine's) runs no dependency's install script unless package.json's `allowScripts` approves it,
// and warns about every one not decided: each must be a decision, made once, here.
const ROOT = path.join(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

/** The name of a package at a lock path such as `node_modules/a/node_modules/@scope/b`. */
function packageName(lockPath: string): string {
  return lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

const withInstallScripts = [
  ...new Set(
    Object.entries(lock.packages)
      .filter(([lockPath, entry]) => lockPath !== '' && entry.hasInstallScript === true)
      .map(([lockPath]) => packageName(lockPath)),
  ),
].sort();

describe('dependencies', () => {
  it('pins every direct dependency to an exact version', () => {
    const ranged = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(
      ([, version]) => !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version),
    );
    expect(ranged).toEqual([]);
  });

  it('decides, in allowScripts, the install script of every package that has one', () => {
    expect(withInstallScripts.length).toBeGreaterThan(0);
    expect(withInstallScripts.filter((name) => !(name in manifest.allowScripts))).toEqual([]);
  });

  it('decides nothing for a package that is not installed or has no install script', () => {
    expect(Object.keys(manifest.allowScripts).filter((name) => !withInstallScripts.includes(name))).toEqual([]);
  });

  // kinesalite keeps the local stream in LevelDB (local/peers.ts), and leveldown 5.6.0 ships no
  // binary for macOS on Apple silicon: there its install script builds one, or `npm start` fails.
  it('lets leveldown build its binary where none is prebuilt', () => {
    expect(manifest.allowScripts.leveldown).toBe(true);
  });

  // Only jest's watch mode uses @parcel/watcher, and protobufjs's script only prints a warning
  // about another package's versions: neither runs, so installing compiles nothing for them.
  it('runs no install script that the project does not need', () => {
    expect(manifest.allowScripts['@parcel/watcher']).toBe(false);
    expect(manifest.allowScripts.protobufjs).toBe(false);
  });
});
