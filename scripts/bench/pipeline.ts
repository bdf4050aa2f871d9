/**
 * Pipeline latency on the local stack: the time from the end of a photo's S3 upload to its thumbnail
 * being downloadable through the API (S3 notification -> SQS -> poller -> thumbnail Lambda -> DynamoDB),
 * for the 20 MP fixture photo and a 12 MP phone-like photo, 3 runs each, median printed. The stack is
 * started by scripts/local/spawn.ts exactly as `npm start` runs; the poll interval (25 ms) bounds the
 * resolution.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnStack, stopStack } from '../local/spawn';
import { ROOT } from '../manifest';

const PHOTOS = ['Kleiber_by_Lukas_Baubkus.jpg', 'kleiber_4032x3024_q92.jpg'];
const RUNS = 3;

async function main(): Promise<void> {
  const stack = await spawnStack();
  process.env.DARKROOM_STACK_FILE = stack.readyFile;
  const { api, newUser, presignedPost } = await import('../../test/support/stack');
  try {
    const user = await newUser('bench');
    console.log(`pipeline latency (local stack, upload end -> thumbnail downloadable), ${RUNS} runs each, median:`);
    for (const name of PHOTOS) {
      const data = readFileSync(join(ROOT, 'test/fixtures/photos', name));
      const latencies: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const created = await api('/images/upload', { token: user.idToken, body: { file_name: name } });
        const status = await presignedPost(created.body.upload, data, name);
        if (status !== 204) throw new Error(`upload failed: ${status}`);
        const uploaded = performance.now();
        for (;;) {
          const response = await api(`/images/download/thumbnail?image_id=${created.body.image_id}`, { token: user.idToken });
          if (response.status === 200) break;
          if (response.status !== 404 || performance.now() - uploaded > 30_000) throw new Error(`thumbnail: ${response.status}`);
          await new Promise((r) => setTimeout(r, 25));
        }
        latencies.push(performance.now() - uploaded);
      }
      latencies.sort((a, b) => a - b);
      console.log(`  ${name.padEnd(32)} ${(data.length / 1e6).toFixed(1)} MB  median ${latencies[1]!.toFixed(0)} ms  (runs: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms)`);
    }
  } finally {
    await stopStack(stack.pid, stack.dir);
  }
}

main().catch((error) => { console.error(error); process.exit(1); });
