import assert from "node:assert/strict";
import { test } from "node:test";
import { drawPairs, type PairPool } from "../../src/proxy/draw-pairs.js";
import { seededUniform } from "../../src/seeded-uniform.js";

/** A pool of `categories` × `images` where each pair is present with probability 0.3, else verified absent. */
function pool(categories: number, images: number, seed: number): PairPool {
  const next = seededUniform(seed);
  const cats = Array.from({ length: categories }, (_, i) => `c${String(i).padStart(3, "0")}`);
  const present = new Map<string, string[]>(cats.map((c) => [c, []]));
  const absent = new Map<string, string[]>(cats.map((c) => [c, []]));
  for (let i = 0; i < images; i++)
    for (const c of cats) (next() < 0.3 ? present : absent).get(c)?.push(`img${i}`);
  return { source: "test", categories: cats, present, absent };
}

const options = { seed: 7, target: 300, cap: 4, negativeCap: 3, negativeFraction: 0.25 };

test("drawPairs: one sample per (image, category), caps per category, negatives only verified absent", () => {
  const p = pool(120, 60, 1);
  const { pairs, positives, negatives, shortfall } = drawPairs(p, options);
  assert.equal(pairs.length, 300);
  assert.equal(shortfall, 0);
  assert.equal(negatives, Math.round(300 * 0.25));
  assert.equal(positives, 300 - negatives);
  assert.equal(new Set(pairs.map((q) => `${q.image}|${q.category}`)).size, pairs.length);
  const perCategory = new Map<string, { pos: number; neg: number }>();
  for (const q of pairs) {
    const c = perCategory.get(q.category) ?? { pos: 0, neg: 0 };
    if (q.negative) c.neg++;
    else c.pos++;
    perCategory.set(q.category, c);
    const list = (q.negative ? p.absent : p.present).get(q.category) ?? [];
    assert.ok(list.includes(q.image), `${q.image} ${q.category} ${q.negative}`);
  }
  for (const [c, n] of perCategory) {
    assert.ok(n.pos <= options.cap, `${c} has ${n.pos} positives`);
    assert.ok(n.neg <= options.negativeCap, `${c} has ${n.neg} negatives`);
  }
});

test("drawPairs: the same seed gives the same pairs; another seed gives others", () => {
  const p = pool(50, 40, 2);
  assert.deepEqual(drawPairs(p, options), drawPairs(p, options));
  assert.notDeepEqual(drawPairs(p, options).pairs, drawPairs(p, { ...options, seed: 8 }).pairs);
});

test("drawPairs: a small pool gives what it holds, keeps the negative share, and reports the shortfall", () => {
  const p = pool(5, 10, 3);
  const r = drawPairs(p, { ...options, negativeFraction: 0.4 });
  const held = p.categories.reduce((n, c) => n + Math.min(options.cap, p.present.get(c)?.length ?? 0), 0);
  assert.ok(held > 5 && held < 300, `${held}`);
  assert.equal(r.positives, held);
  // Negatives keep their share of what was drawn: round(positives · 0.4 / 0.6).
  assert.equal(r.negatives, Math.round((held * 0.4) / 0.6));
  assert.equal(r.shortfall, 300 - held - r.negatives);
});

test("drawPairs: negatives spread over categories before any category gets a second one", () => {
  const p = pool(40, 30, 4);
  const r = drawPairs(p, { ...options, target: 40, negativeFraction: 0.45 });
  const negCategories = r.pairs.filter((q) => q.negative).map((q) => q.category);
  assert.equal(new Set(negCategories).size, negCategories.length);
});
