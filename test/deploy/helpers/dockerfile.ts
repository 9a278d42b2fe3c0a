/**
 * Reads the repository's Dockerfile (dockerfile-ast, the parser of the VS Code Docker
 * language service) and replays its build outside Docker: no engine runs here, so the test
 * runs the very commands the image runs instead — the sources it copies, `npm run build`,
 * `npm prune --omit=dev`, the runtime stage's `COPY --from=build`, its ENV and CMD.
 *
 * Two steps cannot be replayed as written, and are replaced honestly:
 * - `npm ci` (a fresh install compiles better-sqlite3 for ~2 min): the checkout's
 *   node_modules, installed by `npm ci` from the same package-lock.json, is hard-linked in
 *   (npm's hidden lockfile copied, since npm rewrites it in place);
 * - `apt-get` and the runtime stage's `mkdir`/`chown` need root inside an image: skipped.
 * Any other instruction the replay does not know fails the test, so the Dockerfile and
 * this replay cannot drift apart silently.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Copy, type Env, type Healthcheck, type Instruction, type JSONInstruction } from 'dockerfile-ast';

export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

export interface ImageSpec {
  stages: Stage[];
  /** The final stage's exec-form CMD. */
  cmd: string[];
  env: Record<string, string>;
  healthcheck: { flags: Record<string, string>; cmd: string[] };
  user?: string;
  stopSignal?: string;
  volumes: string[];
  workdir: string;
}

const jsonArgs = (i: JSONInstruction): string[] => i.getJSONStrings().map((s) => s.getJSONValue());

export function readDockerfile(file: string): ImageSpec {
  const dockerfile = DockerfileParser.parse(readFileSync(file, 'utf8'));
  const stages: Stage[] = [];
  for (const i of dockerfile.getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      const args = i.getArguments().map((a) => a.getValue());
      stages.push({ image: args[0]!, name: args[2] ?? String(stages.length), instructions: [] });
    } else stages.at(-1)!.instructions.push(i);
  }
  const last = stages.at(-1)!;
  const spec: ImageSpec = { stages, cmd: [], env: {}, healthcheck: { flags: {}, cmd: [] }, volumes: [], workdir: '/' };
  for (const i of last.instructions) {
    const k = i.getKeyword();
    if (k === 'CMD') spec.cmd = jsonArgs(i as JSONInstruction);
    else if (k === 'ENV') for (const p of (i as Env).getProperties()) spec.env[p.getName()] = p.getValue() ?? '';
    else if (k === 'USER') spec.user = i.getArgumentsContent() ?? undefined;
    else if (k === 'STOPSIGNAL') spec.stopSignal = i.getArgumentsContent() ?? undefined;
    else if (k === 'WORKDIR') spec.workdir = i.getArgumentsContent()!;
    else if (k === 'VOLUME') spec.volumes.push(...jsonArgs(i as JSONInstruction));
    else if (k === 'HEALTHCHECK') {
      const h = i as Healthcheck;
      for (const f of h.getFlags()) spec.healthcheck.flags[f.getName()] = f.getValue() ?? '';
      const text = h.getArgumentsContent() ?? '';
      spec.healthcheck.cmd = JSON.parse(text.replace(/^CMD\s+/, '')) as string[];
    }
  }
  return spec;
}

/** Hard-links `from` into `to` (fast, no space), with npm's hidden lockfile as a real copy. */
function linkNodeModules(from: string, to: string): void {
  execFileSync('cp', ['-al', from, to]);
  const hidden = path.join(to, '.package-lock.json');
  rmSync(hidden, { force: true });
  try {
    copyFileSync(path.join(from, '.package-lock.json'), hidden);
  } catch {
    /* no hidden lockfile: npm rebuilds its view from package-lock.json */
  }
}

/** Where an image path lands in the replay: the stage's WORKDIR is `root`. */
function local(root: string, workdir: string, p: string): string {
  const abs = path.posix.resolve(workdir, p);
  if (!abs.startsWith(workdir)) throw new Error(`the replay keeps everything under WORKDIR ${workdir}: ${p}`);
  return path.join(root, path.posix.relative(workdir, abs));
}

export interface Replayed {
  /** stage name → the folder that stands for its WORKDIR. */
  dirs: Record<string, string>;
  /** Commands skipped as needing root in an image (reported by the test). */
  skipped: string[];
}

/** Runs every stage of `spec` into `into/<stage>`, with `context` as the build context. */
export function replayBuild(spec: ImageSpec, context: string, into: string): Replayed {
  const dirs: Record<string, string> = {};
  const skipped: string[] = [];
  for (const stage of spec.stages) {
    const root = path.join(into, stage.name);
    mkdirSync(root, { recursive: true });
    dirs[stage.name] = root;
    let workdir = '/';
    for (const i of stage.instructions) {
      const k = i.getKeyword();
      const text = i.getArgumentsContent() ?? '';
      if (k === 'WORKDIR') workdir = text;
      else if (k === 'COPY') {
        const copy = i as Copy;
        const from = copy.getFromFlag()?.getValue();
        const args = copy.getArguments().map((a) => a.getValue());
        const dest = args.pop()!;
        for (const src of args) {
          const source = from ? local(dirs[from]!, workdir, src) : path.join(context, src);
          const target = dest.endsWith('/') ? path.join(local(root, workdir, dest), path.basename(src)) : local(root, workdir, dest);
          mkdirSync(path.dirname(target), { recursive: true });
          if (path.basename(source) === 'node_modules') linkNodeModules(source, target);
          else cpSync(source, target, { recursive: true });
        }
      } else if (k === 'RUN') {
        if (/^npm ci\b/.test(text)) linkNodeModules(path.join(context, 'node_modules'), path.join(root, 'node_modules'));
        else if (/^(apt-get|mkdir -p \/app\/data && chown)\b/.test(text)) skipped.push(text);
        else execFileSync('sh', ['-c', text], { cwd: root, stdio: 'pipe', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
      } else if (!['ENV', 'USER', 'VOLUME', 'EXPOSE', 'HEALTHCHECK', 'STOPSIGNAL', 'CMD', 'ARG', 'LABEL'].includes(k)) {
        throw new Error(`the Dockerfile replay does not know ${k}: teach test/deploy/helpers/dockerfile.ts`);
      }
    }
  }
  return { dirs, skipped };
}
