/**
 * Manifest validation: a parsed JSON value → typed fields, collecting every problem with its JSON path
 * (e.g. `sources.coco.archive.sha256`) before failing once with E_MANIFEST_INVALID.
 */
import { countNoun } from "../count-noun.js";
import { GritlocError } from "../errors.js";

/** A remote file as a manifest declares it. `null` size/sha256 = not yet recorded (the first download measures them). */
export interface RemoteFile {
  readonly url: string;
  /** Expected size in bytes, or null when not yet recorded. */
  readonly size: number | null;
  /** Expected lower-case hex sha256, or null when not yet recorded. */
  readonly sha256: string | null;
  /** Expected lower-case hex md5, where the publisher gives only md5 (optional; null/absent = not checked). */
  readonly md5?: string | null;
  /** Provenance of the values, or why they are null. */
  readonly note?: string;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return JSON.stringify(value.length > 50 ? `${value.slice(0, 47)}...` : value);
  return `${String(value)} of type ${typeof value}`;
}

/** Reads fields of one manifest, remembering every problem; `finish` throws if there was any. */
export class ManifestReader {
  readonly problems: string[] = [];

  constructor(private readonly origin: string) {}

  report(path: string, text: string): void {
    this.problems.push(`${path}: ${text}`);
  }

  object(value: unknown, path: string): Record<string, unknown> | null {
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
    this.report(path, `expected an object, got ${describe(value)}`);
    return null;
  }

  string(value: unknown, path: string): string {
    if (typeof value === "string" && value.length > 0) return value;
    this.report(path, `expected a non-empty string, got ${describe(value)}`);
    return "";
  }

  optionalString(value: unknown, path: string): string | undefined {
    if (value === undefined) return undefined;
    return this.string(value, path);
  }

  literal<T extends string | number>(value: unknown, allowed: readonly T[], path: string): T {
    if (allowed.includes(value as T)) return value as T;
    this.report(
      path,
      `expected ${allowed.map((a) => JSON.stringify(a)).join(" or ")}, got ${describe(value)}`,
    );
    return allowed[0] as T;
  }

  /** An absolute http(s) URL; `placeholder` (e.g. "{file}") must appear in it when given. */
  url(value: unknown, path: string, placeholder?: string): string {
    const text = this.string(value, path);
    if (text === "") return text;
    let parsed: URL | null = null;
    try {
      parsed = new URL(text.replaceAll("{", "").replaceAll("}", ""));
    } catch {
      parsed = null;
    }
    if (parsed === null || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      this.report(path, `expected an absolute http:// or https:// URL, got ${describe(text)}`);
    } else if (placeholder !== undefined && !text.includes(placeholder)) {
      this.report(path, `expected a URL template containing ${placeholder}, got ${describe(text)}`);
    }
    return text;
  }

  nullableSize(value: unknown, path: string): number | null {
    if (value === null) return null;
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
    this.report(
      path,
      `expected a size in bytes (integer ≥ 0) or null when not yet recorded, got ${describe(value)}`,
    );
    return null;
  }

  nullableSha256(value: unknown, path: string): string | null {
    if (value === null) return null;
    if (typeof value === "string" && /^[0-9a-f]{64}$/.test(value)) return value;
    this.report(
      path,
      `expected 64 lower-case hex digits or null when not yet recorded, got ${describe(value)}`,
    );
    return null;
  }

  nullableMd5(value: unknown, path: string): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value === "string" && /^[0-9a-f]{32}$/.test(value)) return value;
    this.report(path, `expected 32 lower-case hex digits or null, got ${describe(value)}`);
    return null;
  }

  /** A relative path prefix such as "coco/test2015/" (no leading slash, no "..", ends with "/"). */
  prefix(value: unknown, path: string): string {
    const text = this.string(value, path);
    if (text !== "" && (!text.endsWith("/") || text.startsWith("/") || text.split("/").includes(".."))) {
      this.report(path, `expected a relative folder ending in "/" without "..", got ${describe(text)}`);
    }
    return text;
  }

  remoteFile(value: unknown, path: string): RemoteFile {
    const o = this.object(value, path) ?? {};
    const note = this.optionalString(o.note, `${path}.note`);
    const md5 = this.nullableMd5(o.md5, `${path}.md5`);
    return {
      url: this.url(o.url, `${path}.url`),
      size: this.nullableSize(o.size, `${path}.size`),
      sha256: this.nullableSha256(o.sha256, `${path}.sha256`),
      ...(md5 === null ? {} : { md5 }),
      ...(note === undefined ? {} : { note }),
    };
  }

  /** Throws E_MANIFEST_INVALID listing every problem (with `details: string[]`). */
  finish(): void {
    if (this.problems.length === 0) return;
    const shown = this.problems.slice(0, 20).map((p) => `  - ${p}`);
    if (this.problems.length > 20) shown.push(`  … and ${this.problems.length - 20} more`);
    throw new GritlocError(
      "E_MANIFEST_INVALID",
      `${this.origin} is not a valid manifest (${countNoun(this.problems.length, "problem")}):\n` +
        `${shown.join("\n")}\nFix the file, or start from a copy of the one in data-manifests/.`,
      { details: [...this.problems] },
    );
  }
}
