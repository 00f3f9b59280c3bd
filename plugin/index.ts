/**
 * `phaser-distill`: what a game imports to play. The engine-free environment API, the Phaser
 * plugin (`this.ai`) and the scene-as-environment adapters. Nothing reachable from this file
 * imports TensorFlow.js, and Phaser only as types.
 *
 * @module phaser-distill
 */
import './missing-plugin.js';
export * from '../src/env/index.js';
export { DistillPlugin, DEFAULT_STEP_RATE, distillPlugin, distillPluginEntry, EPISODE_END, type EpisodeEndEvent } from './plugin.js';
export { defineGame, phaserConfig, type GameDef } from './game.js';
export { Agent, AgentError, type ActionOf, type ActionSpec, type AgentSpec, type DoneKind, type Driver, type ObservationSensor, type ObservationSpec, type Policy, type PrivilegedSpec } from './agent.js';
export { SceneEnv, SceneVectorEnv, type SceneRunner } from './scene-env.js';
export { Difficulty, type LadderPolicies } from './difficulty.js';
export { RaySensor2D, type RayColors, type RaySensor2DOptions } from './ray-sensor.js';
export { GridSensor2D, type GridSensor2DOptions } from './grid-sensor.js';
export { SceneSensor, SceneShapes, type SceneSensorOptions, type SceneShapesOptions, type SensorPose } from './scene-shapes.js';
export * from '../src/policy/index.js';
export * from '../src/sensors/index.js';
export * from '../src/demo/index.js';
export * from '../src/policy/difficulty.js';
export { saliency } from '../src/policy/saliency.js';
