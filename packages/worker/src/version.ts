import { readFileSync } from 'node:fs';

/** The service version, from the repository's root package.json. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
