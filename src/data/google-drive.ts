/**
 * Google Drive downloads without a browser: a file inside a shared folder (`…/drive/folders/<id>#<path>`) →
 * its download URL, via the folder's embedded view; and a download answered with Drive's "can't scan this
 * file for viruses" page → the confirmed download (the page's form or `confirm=` link, with its cookies).
 * Only the requests change: the bytes are verified by the caller as for any other URL.
 */
import { GritlocError } from "../errors.js";
import { type HttpGetOptions, type HttpResponse, httpGet } from "./http-get.js";

/** Interstitial pages are small; more than this is not one. */
const MAX_PAGE_BYTES = 2 * 1024 * 1024;
/** A confirmed download that answers with a page again is given up after this many confirmations. */
const MAX_CONFIRMATIONS = 2;

/** A Drive download endpoint: `/uc?…id=` (drive.google.com) or `/download?…id=` (drive.usercontent). */
export function isGoogleDriveDownload(url: string): boolean {
  const u = new URL(url);
  return (u.pathname === "/uc" || u.pathname === "/download") && u.searchParams.has("id");
}

/** A file named by its path inside a shared folder: `https://drive.google.com/drive/folders/<id>#a/b.pth`. */
export function isGoogleDriveFolderFile(url: string): boolean {
  const u = new URL(url);
  return /^\/drive\/folders\/[-\w]+\/?$/.test(u.pathname) && u.hash.length > 1;
}

function driveError(url: string, problem: string, status: number | null = null): GritlocError {
  return new GritlocError(
    "E_DOWNLOAD",
    `${url}: ${problem}. Open the link in a browser to check it, or download the file by hand and pass its path ` +
      "(or a --manifest with a mirror).",
    { details: { url, status } },
  );
}

async function readPage(response: HttpResponse): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_PAGE_BYTES) {
      response.body.destroy();
      throw driveError(response.url, `answered with an HTML page larger than ${MAX_PAGE_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const unescapeHtml = (s: string) =>
  s
    .replaceAll("&amp;", "&")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">");

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, "i").exec(tag);
  return m === null ? undefined : unescapeHtml(m[1]);
}

/** `name=value` of every Set-Cookie header, for the follow-up request. */
function cookiesOf(response: HttpResponse): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const line of response.headers["set-cookie"] ?? []) {
    const pair = line.split(";", 1)[0];
    const at = pair.indexOf("=");
    if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return cookies;
}

/**
 * The download URL an interstitial page leads to: its `download-form` (action + hidden inputs, the current
 * page), a `/uc?export=download…confirm=` link (the older page), or the `download_warning` cookie's token.
 * @throws GritlocError E_DOWNLOAD with the page's own error text (quota exceeded, no access) when it has one.
 */
export function driveConfirmationUrl(
  html: string,
  pageUrl: string,
  cookies: ReadonlyMap<string, string>,
): string {
  const form = /<form\b[^>]*\bid="download-form"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (form !== null) {
    const action = attribute(form[0].slice(0, form[0].indexOf(">") + 1), "action");
    if (action !== undefined) {
      const target = new URL(action, pageUrl);
      for (const input of form[1].match(/<input\b[^>]*>/gi) ?? []) {
        const name = attribute(input, "name");
        const value = attribute(input, "value");
        if (attribute(input, "type")?.toLowerCase() === "hidden" && name !== undefined && value !== undefined)
          target.searchParams.set(name, value);
      }
      return target.href;
    }
  }
  const link = /href="(\/uc\?export=download[^"]*confirm=[^"]*)"/.exec(html);
  if (link !== null) return new URL(unescapeHtml(link[1]), pageUrl).href;
  for (const [name, value] of cookies) {
    if (name.startsWith("download_warning")) {
      const target = new URL(pageUrl);
      target.searchParams.set("confirm", value);
      return target.href;
    }
  }
  const error = /<p class="uc-error-subcaption">([\s\S]*?)<\/p>/.exec(html);
  throw driveError(
    pageUrl,
    error === null
      ? "Google Drive answered with a page that leads to no download (is the file shared with anyone with the link?)"
      : `Google Drive refused the download: ${unescapeHtml(error[1].replace(/<[^>]*>/g, "").trim())}`,
  );
}

const isHtml = (response: HttpResponse) =>
  (response.headers["content-type"] ?? "").toLowerCase().startsWith("text/html");

/**
 * A Drive download's response with the virus-scan interstitial passed: while the answer is an HTML page, its
 * confirmation is followed (same request headers, e.g. Range, plus the page's cookies). Other responses are
 * returned as they are.
 * @throws GritlocError E_DOWNLOAD when the page leads nowhere or keeps coming back.
 */
export async function passDriveInterstitial(
  response: HttpResponse,
  options: HttpGetOptions,
): Promise<HttpResponse> {
  let current = response;
  for (let confirmations = 0; current.status === 200 && isHtml(current); confirmations++) {
    const pageUrl = current.url;
    const cookies = cookiesOf(current);
    const html = await readPage(current);
    if (confirmations >= MAX_CONFIRMATIONS)
      throw driveError(pageUrl, "Google Drive still answers with a page after confirming the download");
    const next = driveConfirmationUrl(html, pageUrl, cookies);
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    current = await httpGet(next, {
      ...options,
      headers: { ...options.headers, ...(cookie === "" ? {} : { cookie }) },
    });
  }
  return current;
}

/** The child files and folders an `embeddedfolderview` page lists, by name. */
function folderEntries(html: string): Map<string, { id: string; folder: boolean }> {
  const entries = new Map<string, { id: string; folder: boolean }>();
  for (const m of html.matchAll(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi)) {
    const href = unescapeHtml(m[1]);
    // The entry's title element when there is one (the thumbnail and dates are not part of the name).
    const title = /class="flip-entry-title"[^>]*>([^<]*)</.exec(m[2]);
    const name = unescapeHtml(title === null ? m[2].replace(/<[^>]*>/g, "") : title[1]).trim();
    const file = /\/file\/d\/([-\w]{10,})\//.exec(href);
    const folder = /\/drive\/folders\/([-\w]{10,})/.exec(href);
    if (name === "" || entries.has(name)) continue;
    if (file !== null) entries.set(name, { id: file[1], folder: false });
    else if (folder !== null) entries.set(name, { id: folder[1], folder: true });
  }
  return entries;
}

/**
 * The download URL of the file at `#a/b.pth` inside the shared folder `url` names, found by listing each
 * folder on the way (`<origin>/embeddedfolderview?id=`); the URL is on the folder link's origin.
 * @throws GritlocError E_DOWNLOAD naming the missing part and what the folder holds; NetworkError (retryable)
 *   for connection failures.
 */
export async function resolveDriveFolderFile(url: string, options: HttpGetOptions = {}): Promise<string> {
  const u = new URL(url);
  const parts = decodeURIComponent(u.hash.slice(1))
    .split("/")
    .filter((p) => p !== "");
  let folderId = u.pathname.replace(/\/$/, "").split("/").pop() as string;
  for (const [i, part] of parts.entries()) {
    const listing = `${u.origin}/embeddedfolderview?id=${encodeURIComponent(folderId)}`;
    const response = await httpGet(listing, options);
    if (response.status !== 200) {
      response.body.resume();
      throw driveError(listing, `the folder listing answered HTTP ${response.status}`, response.status);
    }
    const entries = folderEntries(await readPage(response));
    const entry = entries.get(part);
    const last = i === parts.length - 1;
    if (entry === undefined || entry.folder === last)
      throw driveError(
        url,
        `no ${last ? "file" : "folder"} "${part}" in the shared folder ${parts.slice(0, i).join("/") || "(top)"}; ` +
          `it holds: ${[...entries.keys()].join(", ") || "nothing readable"}`,
      );
    if (last) return `${u.origin}/uc?export=download&id=${encodeURIComponent(entry.id)}`;
    folderId = entry.id;
  }
  throw driveError(url, "the link names no file after '#'");
}
