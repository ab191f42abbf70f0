/**
 * The minified plotly.js browser bundle from the installed `plotly.js-dist-min` package (4.8 MB; the unminified
 * `plotly.js-dist` is 10 MB and made every report and Colab figure twice as large), read once as text, for
 * inlining into HTML (notebooks, reports) and into the headless page that renders PNGs. Never fetched from a CDN.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { GritlocError } from "../errors.js";

let cached: string | undefined;

/** The plotly.js source (about 4.8 MB), `</script` escaped so it can sit inside a `<script>` element. */
export function plotlySource(): string {
  if (cached !== undefined) return cached;
  let path: string;
  try {
    // plotly.js-dist-min is a browser bundle (importing it in Node fails), so it is located and read as a file.
    path = createRequire(import.meta.url).resolve("plotly.js-dist-min/plotly.min.js");
  } catch (error) {
    throw new GritlocError(
      "E_NOT_FOUND",
      "plotly.js-dist-min is not installed; run `npm install` in the gritloc package (it is a dependency).",
      { cause: error },
    );
  }
  cached = readFileSync(path, "utf8").replace(/<\/script/gi, "<\\/script");
  return cached;
}
