/**
 * Validates Kubernetes manifests with no cluster, in two passes:
 * 1. against the Kubernetes API's JSON schemas, as compiled by the kubernetes-models
 *    packages (kubernetes-models 4.5.1 for the core API; @kubernetes-models/prometheus-operator
 *    4.4.4, generated from the operator's CRDs, for ServiceMonitor): types, required
 *    fields, enums, formats;
 * 2. for unknown fields, which those schemas let through (a misspelt `readinessProbe` would
 *    be silently ignored by the API server): each manifest is type-checked by the TypeScript
 *    compiler as an object literal of the package's interface for its kind, so every key
 *    not in the API is an excess-property error, located by its path.
 */
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface KindModel {
  module: string;
  name: string;
}

/** apiVersion/kind → the model's module and class (interface: `I` + class). */
const MODELS: Record<string, KindModel> = {
  'v1/ConfigMap': { module: 'kubernetes-models/v1/ConfigMap', name: 'ConfigMap' },
  'v1/Secret': { module: 'kubernetes-models/v1/Secret', name: 'Secret' },
  'v1/Service': { module: 'kubernetes-models/v1/Service', name: 'Service' },
  'v1/Namespace': { module: 'kubernetes-models/v1/Namespace', name: 'Namespace' },
  'apps/v1/Deployment': { module: 'kubernetes-models/apps/v1/Deployment', name: 'Deployment' },
  'policy/v1/PodDisruptionBudget': { module: 'kubernetes-models/policy/v1/PodDisruptionBudget', name: 'PodDisruptionBudget' },
  'autoscaling/v2/HorizontalPodAutoscaler': { module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', name: 'HorizontalPodAutoscaler' },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
    name: 'ServiceMonitor',
  },
};

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
}

/** Where a manifest came from, for messages. */
export interface Located {
  source: string;
  doc: Manifest;
}

const modelOf = (doc: Manifest): KindModel => {
  const m = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!m) throw new Error(`no schema known for ${doc.apiVersion} ${doc.kind}: add it to helpers/kube-validate.ts`);
  return m;
};

/** Pass 1: the JSON schema of each manifest's kind. Returns one message per failure. */
export async function schemaErrors(docs: Located[]): Promise<string[]> {
  const errors: string[] = [];
  for (const { source, doc } of docs) {
    const { module, name } = modelOf(doc);
    const Model = ((await import(module)) as Record<string, new (d: unknown) => { validate(): void }>)[name]!;
    try {
      new Model(doc).validate();
    } catch (err) {
      errors.push(`${source} ${doc.kind}/${doc.metadata.name}: ${(err as Error).message}`);
    }
  }
  return errors;
}

/** Pass 2: keys the Kubernetes API does not have. Returns one message per unknown key. */
export function unknownFieldErrors(docs: Located[]): string[] {
  const file = path.join(ROOT, 'test/deploy/__manifests__.ts');
  const lines = docs.map(({ doc }, i) => {
    const { module, name } = modelOf(doc);
    return `import type { I${name} as T${i} } from '${module}';\nexport const m${i}: T${i} = ${JSON.stringify(doc, null, 1)};`;
  });
  const text = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    // Which manifest: the index of the `export const mN` the error falls in.
    const at = d.start === undefined ? -1 : text.slice(0, d.start).split('export const m').length - 2;
    const where = docs[at] ? `${docs[at].source} ${docs[at].doc.kind}/${docs[at].doc.metadata.name}` : file;
    return `${where}: ${message}`;
  });
}
