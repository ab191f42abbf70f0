/**
 * Worker identity: host + pid + random, unique per process start, so every worker (and every resume after a
 * crash) appends to a journal file of its own.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/** This machine's name as recorded in journals. */
export function currentHost(): string {
  return hostname();
}

/** A fresh worker id, safe as a file name, e.g. "colab-1a2b-4242-9f8e7d". */
export function newWorkerId(): string {
  const host =
    currentHost()
      .replace(/[^A-Za-z0-9.-]+/g, "_")
      .slice(0, 40) || "host";
  return `${host}-${process.pid}-${randomBytes(3).toString("hex")}`;
}
