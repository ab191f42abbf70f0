/**
 * Test helper: a minimal 16-bit PNG (grey or RGB) written by hand, so the stored samples are known exactly
 * (sharp's own 16-bit PNG writing converts the samples it is given).
 */
import { crc32, deflateSync } from "node:zlib";

/** PNG bytes for `samples` (row-major, `channels` per pixel): colour type 0 (grey) or 2 (RGB), depth 16. */
export function png16(width: number, height: number, channels: 1 | 3, samples: Uint16Array): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, "latin1");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([16, channels === 1 ? 0 : 2, 0, 0, 0], 8);
  const rowBytes = width * channels * 2;
  const scanlines = Buffer.alloc(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * channels; i++) {
      scanlines.writeUInt16BE(samples[y * width * channels + i], y * (rowBytes + 1) + 1 + i * 2);
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(scanlines)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
