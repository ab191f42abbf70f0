/**
 * Finding the browser that renders figures to PNG: `$GRITLOC_CHROMIUM`, else Debian's `/usr/bin/chromium` (or
 * a few common Chrome/Chromium locations) → an executable path, or E_TOOL_MISSING saying how to install one.
 */
import { accessSync, constants } from "node:fs";
import { GritlocError } from "../errors.js";

/** Tried in order when `GRITLOC_CHROMIUM` is not set. */
const CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The chromium executable to drive.
 * @throws GritlocError E_TOOL_MISSING naming the paths tried and the install command.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.GRITLOC_CHROMIUM;
  const tried = override !== undefined && override !== "" ? [override] : CANDIDATES;
  const found = tried.find(isExecutable);
  if (found !== undefined) return found;
  const where = tried.length === 1 ? `${tried[0]} (from GRITLOC_CHROMIUM)` : `any of ${tried.join(", ")}`;
  throw new GritlocError(
    "E_TOOL_MISSING",
    `Rendering figures to PNG needs chromium, but no executable was found at ${where}. ` +
      "Install it with `apt-get install chromium` (Debian/Ubuntu), or point GRITLOC_CHROMIUM at a " +
      "Chromium or Chrome executable. HTML output (figureHtml, report.html) works without it.",
    { details: { tried } },
  );
}
