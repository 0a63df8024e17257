import type { JsonPatchOp } from '../cluster.js';
import { K8sError } from '../errors.js';
import { clone } from './names.js';

type Json = unknown;
const isObj = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return clone(patch);
  const out: Record<string, Json> = isObj(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

// Lists Kubernetes merges by a key instead of replacing (the patchMergeKey of the API types we model).
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  conditions: 'type',
  tolerations: 'key',
};

/** Strategic merge patch for the fields we model: keyed lists merge by key, `$patch: replace|delete` honoured. */
export function strategicMergePatch(target: Json, patch: Json, field = ''): Json {
  if (!isObj(patch)) {
    if (Array.isArray(patch) && Array.isArray(target) && MERGE_KEYS[field]) {
      return mergeList(target, patch, MERGE_KEYS[field]!);
    }
    return clone(patch);
  }
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  const { $patch: _d, $retainKeys: _r, ...rest } = patch;
  if (directive === 'replace') return clone(rest);
  const out: Record<string, Json> = isObj(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(rest)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete out[key];
    else {
      const merged = strategicMergePatch(out[key], value, key);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    }
  }
  return out;
}

function mergeList(target: Json[], patch: Json[], key: string): Json[] {
  const out = target.map((v) => clone(v));
  for (const item of patch) {
    if (!isObj(item) || item[key] === undefined) {
      out.push(clone(item));
      continue;
    }
    const at = out.findIndex((v) => isObj(v) && v[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicMergePatch(out[at], item);
    else out.push(strategicMergePatch({}, item));
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw invalid(`path "${path}" must start with "/"`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function invalid(message: string): K8sError {
  return new K8sError('invalid', `the JSON patch could not be applied: ${message}`, { status: 422 });
}

/** RFC 6902 JSON patch (add, remove, replace, test, move, copy). */
export function jsonPatch(target: Json, ops: readonly JsonPatchOp[]): Json {
  let doc = clone(target);
  const read = (path: string): Json => {
    let cur: Json = doc;
    for (const part of pointer(path)) {
      if (Array.isArray(cur)) cur = cur[Number(part)];
      else if (isObj(cur)) cur = cur[part];
      else return undefined;
    }
    return cur;
  };
  const write = (path: string, value: Json, mode: 'add' | 'replace' | 'remove'): void => {
    const parts = pointer(path);
    if (parts.length === 0) {
      if (mode === 'remove') throw invalid('cannot remove the whole document');
      doc = clone(value);
      return;
    }
    let parent: Json = doc;
    for (const part of parts.slice(0, -1)) {
      parent = Array.isArray(parent) ? parent[Number(part)] : isObj(parent) ? parent[part] : undefined;
      if (parent === undefined) throw invalid(`path "${path}" does not exist`);
    }
    const last = parts[parts.length - 1]!;
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length)
        throw invalid(`index ${last} out of range in "${path}"`);
      if (mode === 'add') parent.splice(index, 0, clone(value));
      else {
        if (index >= parent.length) throw invalid(`index ${last} out of range in "${path}"`);
        if (mode === 'replace') parent[index] = clone(value);
        else parent.splice(index, 1);
      }
    } else if (isObj(parent)) {
      if (mode !== 'add' && !(last in parent)) throw invalid(`path "${path}" does not exist`);
      if (mode === 'remove') delete parent[last];
      else parent[last] = clone(value);
    } else throw invalid(`path "${path}" does not exist`);
  };
  for (const op of ops) {
    switch (op.op) {
      case 'add':
      case 'replace':
        write(op.path, op.value, op.op);
        break;
      case 'remove':
        write(op.path, undefined, 'remove');
        break;
      case 'test':
        if (JSON.stringify(read(op.path)) !== JSON.stringify(op.value))
          throw invalid(`test failed at "${op.path}"`);
        break;
      case 'move':
      case 'copy': {
        if (!op.from) throw invalid(`${op.op} needs "from"`);
        const value = read(op.from);
        if (value === undefined) throw invalid(`path "${op.from}" does not exist`);
        if (op.op === 'move') write(op.from, undefined, 'remove');
        write(op.path, value, 'add');
        break;
      }
      default:
        throw invalid(`unknown op ${JSON.stringify((op as { op?: unknown }).op)}`);
    }
  }
  return doc;
}
