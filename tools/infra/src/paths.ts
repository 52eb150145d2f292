import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** Downloaded things that survive runs (Kafka's jars). */
export const CACHE_DIR = join(REPO_ROOT, '.cache');
/** State of `npm start`: broker data, logs, generated dev secrets. */
export const DATA_DIR = join(REPO_ROOT, '.data');
export const REGISTER = join(REPO_ROOT, 'tools', 'register.js');
