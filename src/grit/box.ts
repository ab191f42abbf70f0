/**
 * Boxes: `[x1, y1, x2, y2]` in source-image pixels (x = column, y = row).
 */

export type BoxXyxy = readonly [x1: number, y1: number, x2: number, y2: number];
