// Who is logged in and what the filter bar and labels need (/me and /meta), loaded once
// after login and refreshed when the data version moves.
import { api } from './api.js';

let me = null;
let meta = { users: [], departments: [], pipelines: [], sources: [], deal_types: [], fields: [] };
const names = { responsible: new Map(), department: new Map(), pipeline: new Map(), stage: new Map() };

// Loads /me; null when there is no session.
export async function loadMe() {
  me = await api.me();
  return me;
}

// Loads /meta and indexes its names.
export async function loadMeta() {
  meta = await api.meta();
  for (const map of Object.values(names)) map.clear();
  for (const user of meta.users || []) names.responsible.set(user.id, user.name);
  for (const department of meta.departments || []) names.department.set(department.id, department.name);
  for (const pipeline of meta.pipelines || []) {
    names.pipeline.set(pipeline.id, pipeline.name);
    for (const stage of pipeline.stages || []) names.stage.set(stage.id, stage.name);
  }
  return meta;
}

export function currentMe() {
  return me;
}

export function currentMeta() {
  return meta;
}

// The display name of a group value (user, department, pipeline, stage id; raw otherwise),
// preferring the labels of a report answer when given.
export function labelOf(key, value, labels) {
  const fromAnswer = labels?.[key]?.[value];
  if (fromAnswer) return fromAnswer;
  const known = names[key]?.get(value);
  if (known) return known;
  return value === '' || value === null || value === undefined ? '—' : String(value);
}

// The deal pipelines, then the lead pipelines.
export function pipelines() {
  const all = meta.pipelines || [];
  return [...all.filter((p) => p.entity !== 'lead'), ...all.filter((p) => p.entity === 'lead')];
}

// The pipeline picked in the filter bar, or null (the per-stage reports then take the
// workspace's default pipeline).
export function chosenPipeline(filters) {
  const chosen = filters?.pipeline?.[0];
  return pipelines().find((p) => p.id === chosen) || null;
}

// The pipeline a stage belongs to.
export function pipelineOfStage(stageId) {
  return pipelines().find((p) => (p.stages || []).some((s) => s.id === stageId)) || null;
}
