// Reading request bodies field by field: lenient about encodings the official clients use (numbers as strings,
// "True"/"False"), strict about meaning, and every error names its field.
import { badRequest } from './errors.js';

/** Bounds of every input: a string's length, a list's (or map's) entries. Beyond them: a 400 naming the field. */
export const MAX_STRING = 64 * 1024;
export const MAX_ITEMS = 1000;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class BodyReader {
  constructor(readonly body: JsonObject, private readonly where = '') {}

  has(field: string): boolean {
    return this.body[field] !== undefined;
  }

  private fail(field: string, expected: string): never {
    const got = JSON.stringify(this.body[field]);
    throw badRequest(`Invalid field '${this.where}${field}': expected ${expected}, got ${got}`);
  }

  requireString(field: string): string {
    const value = this.optString(field);
    if (value === undefined || value === '') throw badRequest(`Missing required field '${this.where}${field}'`);
    return value;
  }

  optString(field: string): string | undefined {
    const value = this.body[field];
    if (value === undefined) return undefined;
    if (value === null) return '';
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') this.fail(field, 'a string');
    if (value.length > MAX_STRING) throw badRequest(`Invalid field '${this.where}${field}': longer than ${MAX_STRING} characters`);
    return value;
  }

  /** A string that may be null on the wire (run_command, entrypoint …). */
  optNullableString(field: string): string | null | undefined {
    const value = this.body[field];
    if (value === null) return null;
    return this.optString(field);
  }

  optInt(field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    return toInt(value, min, max) ?? this.fail(field, `an integer from ${min} to ${max}`);
  }

  optBool(field: string): boolean | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    return toBool(value) ?? this.fail(field, 'true or false');
  }

  optEnum<T extends string>(field: string, values: readonly T[], normalize = (s: string) => s): T | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') {
      const found = values.find((v) => v === normalize(value));
      if (found) return found;
    }
    return this.fail(field, `one of ${values.join(', ')}`);
  }

  optList<T>(field: string, item: (value: Json, where: string) => T): T[] | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) this.fail(field, 'a list');
    if (value.length > MAX_ITEMS) throw badRequest(`Invalid field '${this.where}${field}': more than ${MAX_ITEMS} items`);
    return value.map((v, i) => item(v, `${this.where}${field}[${i}].`));
  }

  optStringList(field: string): string[] | undefined {
    return this.optList(field, (v, where) => {
      if (typeof v !== 'string') throw badRequest(`Invalid field '${where.slice(0, -1)}': expected a string`);
      if (v.length > MAX_STRING) throw badRequest(`Invalid field '${where.slice(0, -1)}': longer than ${MAX_STRING} characters`);
      return v;
    });
  }

  optStringMap(field: string): Record<string, string> | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) this.fail(field, 'an object of strings');
    if (Object.keys(value).length > MAX_ITEMS) throw badRequest(`Invalid field '${this.where}${field}': more than ${MAX_ITEMS} entries`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) out[k] = v === null ? '' : String(v);
    return out;
  }

  /** A nested object, read with its own reader. */
  static of(value: Json, where: string): BodyReader {
    if (!isObject(value)) throw badRequest(`Invalid field '${where.slice(0, -1)}': expected an object`);
    return new BodyReader(value, where);
  }
}

/** The object without its undefined fields: an update names only what the body named. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function toInt(value: unknown, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/** true/false, and the spellings Python clients send: True/False, "1"/"0". */
export function toBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
  }
  return undefined;
}
