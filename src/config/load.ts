import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { UserError } from '../core/errors';
import { configSchema, type Config } from './schema';

/** Raised when the configuration is invalid; `problems` name each key and what is expected. */
export class ConfigError extends UserError {
  constructor(readonly problems: string[], source: string) {
    super('invalid_config', `Invalid configuration (${source}):\n  ${problems.join('\n  ')}`, { problems });
  }
}

export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const key = i.path.length ? i.path.join('.') : '(root)';
    if (i.code === 'unrecognized_keys') {
      const base = i.path.length ? `${key}.` : '';
      return i.keys.map((k) => `${base}${k}: unknown key (check the spelling; see 'smartview config schema')`).join('\n  ');
    }
    return `${key}: ${i.message}`;
  });
}

/**
 * Environment overrides: SMARTVIEW_<PATH> where nesting is `__`, e.g. SMARTVIEW_SERVER__PORT=9000,
 * SMARTVIEW_STORE__ENGINE=postgres, SMARTVIEW_STORE__POSTGRES_URL=… (camelCase keys are written in
 * SNAKE_CASE). Values are parsed as JSON when they look like JSON (numbers, booleans, arrays).
 */
export function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('SMARTVIEW_') || raw === undefined) continue;
    const rest = name.slice('SMARTVIEW_'.length);
    // CLI and test-harness variables, not config keys:
    if (['CONFIG', 'TOKEN', 'URL', 'ADMIN_PASSWORD'].includes(rest) || rest.startsWith('TEST') || rest.startsWith('SKIP_')) continue;
    const keys = rest.split('__').map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
    let cursor: Record<string, unknown> = out;
    keys.forEach((k, idx) => {
      if (idx === keys.length - 1) cursor[k] = parseEnvValue(raw);
      else cursor = (cursor[k] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

function parseEnvValue(raw: string): unknown {
  const t = raw.trim();
  if (/^(true|false|null|-?\d+(\.\d+)?|\[.*\]|\{.*\})$/s.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return raw; // not JSON after all (e.g. "[abc"): keep the text and let the schema judge it
    }
  }
  return raw;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export function parseConfig(input: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues), source);
  return result.data;
}

export interface LoadOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: Record<string, unknown>;
}

/** Reads the YAML file (if any), applies SMARTVIEW_* env and explicit overrides, validates. */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.SMARTVIEW_CONFIG;
  let fromFile: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UserError('config_unreadable', `Cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    let doc: unknown;
    try {
      doc = YAML.parse(text);
    } catch (err) {
      throw new ConfigError([`(file): not valid YAML: ${(err as Error).message}`], file);
    }
    if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
      throw new ConfigError(['(root): expected a mapping of keys to values'], file);
    }
    fromFile = (doc ?? {}) as Record<string, unknown>;
  }
  const merged = deepMerge(deepMerge(fromFile, envOverrides(env)), opts.overrides ?? {});
  const config = parseConfig(merged, file ? `${file} + environment` : 'environment');
  if (file && !path.isAbsolute(config.dataDir)) config.dataDir = path.resolve(path.dirname(file), config.dataDir);
  return config;
}

export function sqlitePath(config: Config): string {
  return config.store.sqlitePath ?? path.join(config.dataDir, 'smartview.db');
}
