export * from './spaces.js';
export * from './env.js';
export { Rng, rngState, setRngState, shuffle } from './rng.js';
export { NORMALIZE_CLIP, NORMALIZE_EPSILON, ReturnScale, RunningMeanStd, normalizeInto, type RunningStatsState } from './running-stats.js';
export { SyncVectorEnv } from './vector-env.js';
export * from './wrappers.js';
export { checkEnv, findEnvProblems, EnvCheckError, type CheckEnvOptions } from './check-env.js';
export { PrivilegedViews, teacherView, viewFor } from './privileged.js';
