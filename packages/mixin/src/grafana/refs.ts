// References Grafana resolves when it reads a provisioning file: `${NAME}` (an environment variable)
// and `$__file{path}` (a file's trimmed content, how secrets get in). Every other `$` is escaped.

/** A `${NAME}` reference Grafana replaces with an environment variable when it reads the file. */
export class EnvRef {
  constructor(readonly name: string) {}
}
export const env = (name: string): EnvRef => new EnvRef(name);

/** A `$__file{path}` reference Grafana replaces with the file's trimmed content when it reads the file. */
export class FileRef {
  constructor(readonly path: string) {
    if (/[{}$]/.test(path)) throw new Error(`${path}: a $__file{} path cannot contain { } or $`);
  }
}
export const file = (path: string): FileRef => new FileRef(path);

/** Environment variables the provisioning reads (docker-compose.yml sets them). */
export const PROVISIONING_ENV = {
  /** Where Grafana-managed alerts are handed over: an Alertmanager (the compose one by default). */
  alertmanagerUrl: 'GENAI_METER_ALERTMANAGER_URL',
} as const;
