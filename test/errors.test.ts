import assert from "node:assert/strict";
import { test } from "node:test";
import { GritlocError, invalidOption, isGritlocError } from "../src/errors.js";

test("invalidOption names the parameter, the expectation and what was received", () => {
  const error = invalidOption("width", "positive integer", -1);
  assert.equal(error.code, "E_INVALID_OPTION");
  assert.equal(error.message, "Expected positive integer for width but received -1 of type number");
});

test("isGritlocError recognises errors by name and code, also as plain objects from workers", () => {
  const error = new GritlocError("E_CHECKSUM", "bad bytes", { cause: new Error("x") });
  assert.ok(error.cause instanceof Error);
  assert.ok(isGritlocError(error, "E_CHECKSUM"));
  assert.ok(!isGritlocError(error, "E_DOWNLOAD"));
  assert.ok(isGritlocError({ name: "GritlocError", code: "E_DOWNLOAD", message: "m" }, "E_DOWNLOAD"));
  assert.ok(!isGritlocError(new Error("plain")));
});
