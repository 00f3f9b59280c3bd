/** Racer's dimensions and rules, shared by the track, the car, the scene and the scripts. Pixels and seconds. */
export const RACER_WIDTH = 800;
export const RACER_HEIGHT = 600;
/** Simulation steps per second (the plugin's default). */
export const STEP_RATE = 60;

// The track.
/** Points on the centreline; walls and gates are built on them. */
export const TRACK_POINTS = 120;
/** Wall to wall, everywhere on the track. */
export const TRACK_WIDTH = 56;
/** The tightest bend the centreline may have (radius of curvature): the inner wall's is this less half the width. */
export const MIN_BEND_RADIUS = 48;
/** Two parts of the track that are far apart along it stay at least this far apart (centre to centre). */
export const MIN_TRACK_GAP = 2 * TRACK_WIDTH;
/** Space kept between the track's outer walls and the edge of the field. */
export const FIELD_MARGIN = 16;
/** A checkpoint gate every this many centreline points: TRACK_POINTS / GATE_EVERY gates. */
export const GATE_EVERY = 5;
export const GATE_COUNT = TRACK_POINTS / GATE_EVERY;

// The car.
/** The collision circle's radius; the car is drawn as a CAR_LENGTH x CAR_WIDTH box around it. */
export const CAR_RADIUS = 7;
export const CAR_LENGTH = 18;
export const CAR_WIDTH = 10;
/** Full throttle, against the drag, tends to this speed. */
export const MAX_SPEED = 280;
/** Full throttle from rest, px/s^2. */
export const ACCELERATION = 320;
/** Braking, px/s^2 (the car never reverses). */
export const BRAKING = 520;
/** Rolling resistance, px/s^2, on top of the drag (which is ACCELERATION / MAX_SPEED per second). */
export const ROLLING = 30;
/** Steering turns the car on a circle of at least this radius at low speed... */
export const MIN_TURN_RADIUS = 24;
/** ...and at most this many radians a second at high speed, so fast cars take wide bends. */
export const MAX_TURN_RATE = 2.6;

// Episodes, rewards, the agent.
/** An episode is one lap; it is truncated after this many simulation steps (40 s). */
export const EPISODE_STEPS = 2400;
/** Simulation steps per decision (15 decisions a second). */
export const DECISION_PERIOD = 4;
/**
 * Progress through the checkpoints, in order: this much per gate, paid as the car goes (its
 * distance along the centreline from the last gate crossed toward the next, counted only up to
 * that next gate until it is crossed).
 */
export const GATE_REWARD = 1;
/**
 * A car that has not crossed its next gate this many steps (4 s) after the last is out, as if it
 * crashed: in a lap the episode ends, in a race the car goes on from its last gate.
 */
export const STALL_STEPS = 240;
/** Finishing the lap (on top of the last gate's reward). */
export const LAP_BONUS = 10;
/** Touching a wall: the episode ends with this. */
export const CRASH_PENALTY = -10;

// The rays.
/** 2n + 1 rays over MAX_RAY_DEGREES either side of the heading. */
export const RAYS_PER_DIRECTION = 4;
export const MAX_RAY_DEGREES = 90;
export const RAY_LENGTH = 240;
export const RAY_COUNT = 2 * RAYS_PER_DIRECTION + 1;
/** Per ray: one-hot 'wall', miss flag, hit fraction (ML-Agents' layout with one tag). */
export const RAY_VALUES = 3;
/** The observation: the car's speed / MAX_SPEED, then the rays, left to right; all in [0, 1]. */
export const OBS_SPEED = 0;
export const OBS_RAYS = 1;
export const OBS_SIZE = OBS_RAYS + RAY_COUNT * RAY_VALUES;

// Actions: [steer, throttle].
export const STEER_LEFT = 0;
export const STEER_NONE = 1;
export const STEER_RIGHT = 2;
export const BRAKE = 0;
export const COAST = 1;
export const THROTTLE = 2;

// Races on the page.
/** Laps in a race on the page. */
export const RACE_LAPS = 3;
/** A car that touches a wall in a race waits this many steps, then goes on from its last gate. */
export const RESPAWN_STEPS = 45;
/** After the first car finishes, the others have this many steps to finish too. */
export const RACE_COOLDOWN_STEPS = 900;
/** The results show this long before the next race, on the next track. */
export const RESULTS_STEPS = 240;
