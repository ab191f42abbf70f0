/**
 * CSV files, streamed: a path → rows of fields, one line at a time (the Open Images test box file is 77 MB,
 * so it is never held whole). RFC 4180 quoting ("a, b" and "" for a quote) within one line; Open Images
 * annotation files have no line breaks inside fields.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { GritlocError } from "../errors.js";

/** The fields of one CSV line. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * Yields `[lineNumber, fields]` for every non-empty line of `path` (1-based line numbers, for messages).
 * A missing file is E_NOT_FOUND naming it.
 */
export async function* readCsvRows(path: string): AsyncGenerator<readonly [number, string[]]> {
  const stream = createReadStream(path, { encoding: "utf8" });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new GritlocError("E_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const raw of lines) {
      lineNumber++;
      // A UTF-8 byte-order mark on the first line is not part of the first column's name.
      const line = lineNumber === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (line.trim() === "") continue;
      yield [lineNumber, splitCsvLine(line)];
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Column positions of `wanted` in a header row, or E_DATA_INVALID naming the file and the missing columns. */
export function columnIndex<const K extends string>(
  header: readonly string[],
  wanted: readonly K[],
  path: string,
): Record<K, number> {
  const index = {} as Record<K, number>;
  const missing: string[] = [];
  for (const name of wanted) {
    const i = header.indexOf(name);
    if (i < 0) missing.push(name);
    index[name] = i;
  }
  if (missing.length > 0) {
    throw new GritlocError(
      "E_DATA_INVALID",
      `${path}: the header has no column ${missing.join(", ")} (it has ${header.join(", ")}). ` +
        "Check that the manifest points at the Open Images annotation file it names.",
    );
  }
  return index;
}
