/**
 * JSON text that Python's `json.dump` wrote → parsed value. Python writes the bare tokens `NaN`, `Infinity` and
 * `-Infinity` for non-finite floats, which JSON does not allow; they are parsed here into the JS numbers so
 * that validation can name the entry and field that holds them (the leaderboard rejects such files).
 */

/** Where a non-finite token sits in the text (1-based line and column). */
export interface NonFiniteToken {
  readonly token: "NaN" | "Infinity" | "-Infinity";
  readonly line: number;
  readonly column: number;
}

export interface PythonJsonResult {
  readonly value: unknown;
  /** Non-finite tokens found outside strings; empty for standard JSON. */
  readonly nonFiniteTokens: readonly NonFiniteToken[];
}

const SENTINEL = "\u0000gritloc-nonfinite:";
const TOKENS = ["-Infinity", "Infinity", "NaN"] as const;

/** Replaces bare non-finite tokens (outside strings) with sentinel strings; records where they were. */
function replaceNonFinite(text: string): { text: string; tokens: NonFiniteToken[] } {
  const parts: string[] = [];
  const tokens: NonFiniteToken[] = [];
  let inString = false;
  let line = 1;
  let lineStart = 0;
  let copiedUpTo = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
      continue;
    }
    if (ch === 34) inString = true;
    else if (ch === 10 /* \n */) {
      line++;
      lineStart = i + 1;
    } else if (ch === 45 /* - */ || ch === 73 /* I */ || ch === 78 /* N */) {
      const token = TOKENS.find((t) => text.startsWith(t, i));
      if (token !== undefined) {
        tokens.push({ token, line, column: i - lineStart + 1 });
        parts.push(text.slice(copiedUpTo, i), JSON.stringify(SENTINEL + token));
        i += token.length - 1;
        copiedUpTo = i + 1;
      }
    }
  }
  parts.push(text.slice(copiedUpTo));
  return { text: parts.join(""), tokens };
}

/**
 * Parses JSON that may contain Python's non-finite tokens. Standard JSON takes the fast path
 * (`JSON.parse`); only when that fails is the text scanned for the tokens.
 *
 * @throws SyntaxError when the text is not JSON even with the tokens allowed.
 * @example
 * parsePythonJson('[{"confidence": NaN}]').nonFiniteTokens; // [{ token: "NaN", line: 1, column: 16 }]
 */
export function parsePythonJson(text: string): PythonJsonResult {
  try {
    return { value: JSON.parse(text), nonFiniteTokens: [] };
  } catch (error) {
    const replaced = replaceNonFinite(text);
    if (replaced.tokens.length === 0) throw error;
    const value = JSON.parse(replaced.text, (_key, v: unknown) =>
      typeof v === "string" && v.startsWith(SENTINEL) ? Number(v.slice(SENTINEL.length)) : v,
    );
    return { value, nonFiniteTokens: replaced.tokens };
  }
}
