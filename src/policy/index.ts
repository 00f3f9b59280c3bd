export * from './policy-file.js';
export { MlpRuntime } from './mlp.js';
export { StudentPolicy, bestChoice, loadStudentPolicy, type StudentPolicyOptions, type StudentAction } from './student-policy.js';
