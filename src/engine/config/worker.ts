/**
 * The config worker's side (a worker thread, see off-thread.ts): prepares config files and
 * later locates issues in their text, so neither a huge file nor an alias bomb ever runs
 * on the event loop that serves traffic. It keeps each prepared text until the loader
 * releases it, and never sends a text back.
 */
import { parentPort } from 'node:worker_threads';
import { prepareConfig } from './prepare.ts';
import { locateIssues } from './locate.ts';
import type { WorkerReply, WorkerRequest } from './off-thread.ts';

const texts = new Map<number, { text: string; file: string }>();

function reply(message: WorkerReply): void {
  parentPort!.postMessage(message);
}

parentPort!.on('message', function onRequest(req: WorkerRequest) {
  try {
    if (req.op === 'prepare') {
      const { text, ...prepared } = prepareConfig(req.input);
      texts.set(req.id, { text, file: req.input.file });
      reply({ id: req.id, ok: true, value: prepared });
    } else if (req.op === 'locate') {
      const held = texts.get(req.session);
      reply({ id: req.id, ok: true, value: held ? locateIssues(held.text, held.file, req.raw) : undefined });
    } else {
      texts.delete(req.session);
    }
  } catch (err) {
    reply({ id: req.id, ok: false, error: (err as Error).stack ?? String(err) });
  }
});
