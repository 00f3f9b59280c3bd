/** Sensors: what an agent perceives of its world, engine-free (the plugin binds them to Phaser). */
export * from './rays.js';
export * from './grid.js';
