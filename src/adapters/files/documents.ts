/** A document file (a model, a feature spec, a classification): JSON by its name, else YAML. */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { invalid } from '../../app/shared/errors.ts';

/** Its parsed content; a VALIDATION error naming the file when it cannot be read or parsed. */
export function readJsonOrYaml(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw invalid(`cannot read the ${what} ${file}: ${(e as Error).message}`, [
      { at: file, reason: 'unreadable' },
    ]);
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw invalid(
      `the ${what} ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
      [{ at: file, reason: (e as Error).message }],
    );
  }
}
