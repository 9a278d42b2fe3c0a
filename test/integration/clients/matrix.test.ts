/**
 * Every client library works unchanged against the gateway (issue #10.6): one matrix of
 * library × feature × upstream — the official openai and Anthropic SDKs, the Vercel AI SDK
 * through its four providers, LangChain's ChatOpenAI (both modes), OpenAIEmbeddings and
 * ChatAnthropic; chat, stream, tools, structured output, embeddings and usage; against the
 * shipped gateway.yaml (its offline mock) and scripted OpenAI, Anthropic, Gemini and Cohere
 * upstreams. Each cell runs, or is a documented exception (cells.ts); the summary printed
 * at the end shows every cell.
 */
import { DRIVERS } from './drivers/index.ts';
import { FEATURES, cellOf } from './cells.ts';
import { check, type Pair } from './checks.ts';
import { Summary } from './summary.ts';
import { COLUMNS, Gateways, UPSTREAMS } from './upstreams.ts';
import type { ChatResult, StreamResult } from './driver.ts';

describe('client matrix: library × feature × upstream', function () {
  let gateways: Gateways;
  const summary = new Summary();
  before(async function () {
    this.timeout(60_000);
    gateways = await Gateways.start();
  });
  after(async () => {
    console.log(
      `\n${summary.render(
        DRIVERS.map((d) => d.label),
        UPSTREAMS,
      )}\n`,
    );
    await gateways?.stop();
  });

  for (const driver of DRIVERS)
    describe(driver.label, () => {
      for (const id of UPSTREAMS)
        describe(`→ ${id}`, () => {
          const column = COLUMNS[id];
          let pair: Pair | undefined;
          const pairOf = (): Pair => {
            if (pair) return pair;
            const client = driver.connect(gateways.root(id));
            let chat: Promise<ChatResult> | undefined;
            let stream: Promise<StreamResult> | undefined;
            return (pair = {
              client,
              endpoint: driver.endpoint,
              via: driver.structuredVia(column.chatModel),
              column,
              gateways,
              chat: () => (chat ??= client.chat(column.chatModel)),
              stream: () => (stream ??= client.stream(column.chatModel)),
            });
          };
          for (const feature of FEATURES) {
            const cell = cellOf(driver, feature, column);
            if (cell.kind === 'skip') {
              summary.record(driver.label, id, feature, 'skip', cell);
              it.skip(`${feature}: not applicable — ${cell.reason}`);
              continue;
            }
            const title = cell.kind === 'run' ? feature : `${feature} (one documented difference)`;
            it(title, async () => {
              try {
                await check(feature, pairOf(), cell);
              } catch (err) {
                summary.record(driver.label, id, feature, 'fail', cell);
                throw err;
              }
              summary.record(driver.label, id, feature, cell.kind === 'run' ? 'pass' : cell.kind, cell);
            });
          }
        });
    });
});
