/** The benchmark's upstream: the fake OpenAI server in its own process, printing its URL. */
import { startFakeOpenAI } from '../helpers/fake-openai.ts';

const fake = await startFakeOpenAI({ reply: 'The quick brown fox jumps over the lazy dog', chunkDelayMs: Number(process.env.CHUNK_DELAY_MS ?? 0) });
// Keep memory flat over a long run: the recorder is for tests only.
fake.requests.push = () => 0;
console.log(`UPSTREAM ${fake.url}`);
