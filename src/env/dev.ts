/**
 * True except in a production build of a game. Bundlers (Vite, webpack, esbuild, Parcel) replace
 * `process.env.NODE_ENV` with "production" in a release build, so `DEV` becomes `false` there and
 * every branch behind it leaves the bundle: the checks on what a game's own code declares and feeds
 * the plugin, and the long explanations of errors. Node (the CLI, the tests) and development
 * servers keep them. See "Development and production builds" in the README.
 */
declare const process: { env: { NODE_ENV?: string } };

export const DEV: boolean = process.env.NODE_ENV !== 'production';
