/**
 * Options shared by the box pictures (single sample, grid, model comparison), checked and defaulted once.
 */
import { invalidOption } from "../errors.js";
import type { ImageDataUriOptions } from "./image-data-uri.js";

export interface BoxFigureOptions {
  /** Figure title (top left). @default none */
  readonly title?: string;
  /** Box line width in pixels. @default 3 */
  readonly lineWidth?: number;
  /** How the photo is embedded. @default "png" */
  readonly imageFormat?: "png" | "jpeg";
  /**
   * Embedded picture resolution relative to its displayed size (2 keeps it sharp in a PNG rendered with
   * `scale: 2` and on high-density screens). @default 2
   */
  readonly imageScale?: number;
}

export interface ResolvedBoxFigureOptions {
  readonly title: string | undefined;
  readonly lineWidth: number;
  readonly imageFormat: "png" | "jpeg";
  readonly imageScale: number;
}

/** Checks a positive integer option. */
export function checkPositiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw invalidOption(name, "a positive integer", value);
  }
  return value;
}

/** Applies defaults and checks every shared option. */
export function resolveBoxFigureOptions(options: BoxFigureOptions): ResolvedBoxFigureOptions {
  const { title, lineWidth = 3, imageFormat = "png", imageScale = 2 } = options;
  if (title !== undefined && typeof title !== "string") throw invalidOption("title", "a string", title);
  if (typeof lineWidth !== "number" || !(lineWidth > 0 && lineWidth <= 20)) {
    throw invalidOption("lineWidth", "a number in (0, 20]", lineWidth);
  }
  if (imageFormat !== "png" && imageFormat !== "jpeg") {
    throw invalidOption("imageFormat", '"png" or "jpeg"', imageFormat);
  }
  if (typeof imageScale !== "number" || !(imageScale > 0 && imageScale <= 8)) {
    throw invalidOption("imageScale", "a number in (0, 8]", imageScale);
  }
  return Object.freeze({ title, lineWidth, imageFormat, imageScale });
}

/** The data-URI options for an image shown in a `cell` of CSS pixels. */
export function embedOptions(
  resolved: ResolvedBoxFigureOptions,
  cell: { readonly width: number; readonly height: number },
): ImageDataUriOptions {
  return {
    format: resolved.imageFormat,
    maxSize: {
      width: Math.ceil(cell.width * resolved.imageScale),
      height: Math.ceil(cell.height * resolved.imageScale),
    },
  };
}
