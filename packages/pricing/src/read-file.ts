// Reads a user pricing file: JSON, or YAML when the name ends in .yaml/.yml. Throws an Error saying what is wrong.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export function readPricingFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the file: ${(err as Error).message}`);
  }
  if (/\.ya?ml$/i.test(path)) {
    // Loaded only when a YAML file is used, so JSON users never pay for the parser.
    const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    try {
      return yaml.parse(text);
    } catch (err) {
      throw new Error(`not valid YAML: ${(err as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON: ${(err as Error).message}`);
  }
}
