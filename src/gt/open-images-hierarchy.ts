/**
 * The Open Images class hierarchy: bbox_labels_600_hierarchy.json (`{LabelName, Subcategory: [...], Part:
 * [...]}` nested from the root "/m/0bl9f" Entity) → each class's subclasses, so a query for a parent class
 * ("Vehicle", "Carnivore") can take the boxes of every class below it. Part links (a wheel of a car) are
 * not "is a" links and are not followed.
 */
import { readFile } from "node:fs/promises";
import { GritlocError } from "../errors.js";

/** Direct subclasses (Subcategory links) of each class MID. */
export interface OpenImagesHierarchy {
  readonly children: ReadonlyMap<string, readonly string[]>;
}

function invalid(origin: string, text: string): GritlocError {
  return new GritlocError(
    "E_DATA_INVALID",
    `${origin}: ${text}. Check that the manifest points at bbox_labels_600_hierarchy.json.`,
  );
}

/**
 * Builds the hierarchy from the parsed JSON.
 * @throws GritlocError E_DATA_INVALID when a node has no LabelName or a Subcategory that is not a list.
 */
export function parseOpenImagesHierarchy(json: unknown, origin: string): OpenImagesHierarchy {
  const children = new Map<string, string[]>();
  const visit = (node: unknown, path: string): string => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) {
      throw invalid(origin, `${path} is not an object`);
    }
    const { LabelName: mid, Subcategory: subcategory, Part: part } = node as Record<string, unknown>;
    if (typeof mid !== "string" || mid === "") throw invalid(origin, `${path}.LabelName is not a string`);
    for (const [key, list] of [
      ["Subcategory", subcategory],
      ["Part", part],
    ] as const) {
      if (list !== undefined && !Array.isArray(list)) throw invalid(origin, `${path}.${key} is not a list`);
    }
    const kids = ((subcategory ?? []) as unknown[]).map((child, i) =>
      visit(child, `${path}.Subcategory[${i}]`),
    );
    // Parts are checked (and may hold Subcategory links of their own) but are not "is a" children.
    for (const [i, child] of ((part ?? []) as unknown[]).entries()) visit(child, `${path}.Part[${i}]`);
    // A class can appear under several parents (e.g. "Tomato" under fruit and vegetable): merge its children.
    const known = children.get(mid) ?? [];
    for (const kid of kids) if (!known.includes(kid)) known.push(kid);
    children.set(mid, known);
    return mid;
  };
  visit(json, "(root)");
  return { children };
}

/**
 * Reads bbox_labels_600_hierarchy.json.
 * @throws GritlocError E_NOT_FOUND for a missing file, E_DATA_INVALID for bad JSON or a bad node.
 */
export async function readOpenImagesHierarchy(path: string): Promise<OpenImagesHierarchy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new GritlocError("E_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `not valid JSON (${(error as Error).message})`);
  }
  return parseOpenImagesHierarchy(json, path);
}

/**
 * `mid` and every class below it through Subcategory links, `mid` first.
 * @example
 * descendantClasses(hierarchy, "/m/07yv9"); // ["/m/07yv9" (Vehicle), "/m/0k4j" (Car), …]
 */
export function descendantClasses(hierarchy: OpenImagesHierarchy, mid: string): string[] {
  const out = [mid];
  const seen = new Set(out);
  for (let i = 0; i < out.length; i++) {
    for (const kid of hierarchy.children.get(out[i] as string) ?? []) {
      if (!seen.has(kid)) {
        seen.add(kid);
        out.push(kid);
      }
    }
  }
  return out;
}
