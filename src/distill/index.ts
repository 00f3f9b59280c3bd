/** Distillation: teachers, datasets, losses, the student trainer, quantisation, export and evaluation. */
export * from './config.js';
export * from './distill.js';
export * from './teacher.js';
export * from './dataset.js';
export * from './losses.js';
export * from './quantize.js';
export * from './export.js';
export * from './actions.js';
export { StudentNet, type StudentShape } from './student-net.js';
export * from './imitate.js';
export * from './evaluate.js';
export * from './report.js';
export { ONNX_LAYOUTS, policyToOnnx, type OnnxLayout } from './onnx.js';
export * from './imitation-report.js';
