/**
 * GRIT concept groups: a lemma2groups JSON file (lemma → [group, …]) → `Lemma2Groups`, plus the 24 groups that
 * `evaluate.py` reports (its `GROUPS` list, in its order).
 */
import { GritlocError } from "../errors.js";
import { describeValue, isJsonObject, parseJsonText, readInputFile } from "./json-file.js";
import { formatProblemList } from "./problem-list.js";

/** The 24 concept groups the official metrics report (`acc.<group>.agg.loc`); other names are ignored. */
export const GRIT_CONCEPT_GROUPS = [
  "people",
  "body_parts",
  "birds",
  "animals",
  "plants",
  "furniture",
  "structure",
  "clothing",
  "clothing_accessories",
  "vehicles",
  "transport_infrastructure",
  "musical_instruments",
  "food",
  "beverages",
  "technology",
  "bathroom_objects",
  "kitchen_objects",
  "household_objects",
  "stationery",
  "sports_equipment",
  "places",
  "tools",
  "brands",
  "natural_landscape",
] as const;

export type GritConceptGroup = (typeof GRIT_CONCEPT_GROUPS)[number];

/** lemma → its concept groups. A Map, so lemmas such as "constructor" cannot collide with object keys. */
export type Lemma2Groups = ReadonlyMap<string, readonly string[]>;

/**
 * Parses the JSON of a lemma2groups file: an object mapping each lemma to a list of group names.
 *
 * @throws GritlocError E_SAMPLES_INVALID listing every malformed entry.
 * @example
 * parseLemma2Groups({ dog: ["animals"] }, "lemma2groups.json").get("dog"); // ["animals"]
 */
export function parseLemma2Groups(json: unknown, fileName: string): Lemma2Groups {
  if (!isJsonObject(json)) {
    throw new GritlocError(
      "E_SAMPLES_INVALID",
      `${fileName}: expected an object mapping lemma → [group, …], got ${describeValue(json)}`,
    );
  }
  const problems: string[] = [];
  const map = new Map<string, readonly string[]>();
  for (const [lemma, groups] of Object.entries(json)) {
    if (Array.isArray(groups) && groups.every((g) => typeof g === "string")) map.set(lemma, groups);
    else
      problems.push(
        `${fileName}: lemma ${JSON.stringify(lemma)}: expected a list of group names, got ${describeValue(groups)}`,
      );
  }
  if (problems.length > 0) {
    throw new GritlocError("E_SAMPLES_INVALID", formatProblemList(`in ${fileName}`, problems), {
      details: problems,
    });
  }
  return map;
}

/**
 * Loads a lemma2groups file (the `--lemma2groups` input of `evaluate.py`).
 *
 * @throws GritlocError E_NOT_FOUND or E_SAMPLES_INVALID.
 * @example
 * const lemma2groups = await loadLemma2Groups("grit/lemma2groups.json");
 */
export async function loadLemma2Groups(path: string): Promise<Lemma2Groups> {
  const text = (await readInputFile(path, "lemma2groups file")).toString("utf8");
  return parseLemma2Groups(parseJsonText(text, path, "E_SAMPLES_INVALID"), path);
}
