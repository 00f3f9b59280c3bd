/** Pong's dimensions and rules, shared by the scene, the opponent and the scripts. */
export const PONG_WIDTH = 640;
export const PONG_HEIGHT = 400;
export const PADDLE_WIDTH = 10;
export const PADDLE_HEIGHT = 60;
export const PADDLE_MARGIN = 30;
export const BALL_SIZE = 10;
/** Pixels per second. */
export const PADDLE_SPEED = 360;
export const SERVE_SPEED = 320;
export const MAX_BALL_SPEED = 640;
/** Each return speeds the ball up by this factor, up to MAX_BALL_SPEED. */
export const SPEEDUP = 1.05;
/** The steepest return, off a paddle's very edge, in radians from the horizontal. */
export const MAX_BOUNCE_ANGLE = (55 * Math.PI) / 180;
/** Simulation steps the ball waits in the middle before a serve. */
export const SERVE_DELAY = 20;
/** A match: first to this many points. */
export const POINTS_TO_WIN = 5;
/** Or this many simulation steps (60 s of game time), then the episode is truncated. */
export const MATCH_STEPS = 3600;

export const UP = 0;
export const STAY = 1;
export const DOWN = 2;

/** The observation, seen from the agent's own side (x mirrored for the right paddle), in [-1, 1]. */
export const OBS = { ballX: 0, ballY: 1, ballVx: 2, ballVy: 3, ownY: 4, otherY: 5, ballToPaddle: 6 } as const;
export const OBS_SIZE = 7;
