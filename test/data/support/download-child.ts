/**
 * Child process for the kill -9 test: downloads argv[2] to argv[3] (expected sha256 argv[4]) and exits.
 */
import { downloadFile } from "../../../src/data/download-file.js";

const [url, path, sha256] = process.argv.slice(2);
await downloadFile(url as string, path as string, { sha256: sha256 as string });
process.stdout.write("done\n");
