/**
 * Forage's rules, with no Phaser: a walled grid with food on it, a forager that moves one cell a
 * step, and what it can see. The forager sees only RAY_DIRECTIONS short rays (each ends at the
 * first wall, and looks RAY_RANGE cells at most); the whole level is in `levelView`, which the
 * game gives only to a privileged teacher.
 */
import type { Rng } from 'phaser-distill';

/** The level is SIZE x SIZE cells, its border walls. */
export const SIZE = 11;
/** Food on the level at once; an eaten one grows again elsewhere. */
export const FOOD = 3;
/** Chance that an inner cell is a wall. */
export const WALL_CHANCE = 0.2;
/** Decisions in an episode. */
export const EPISODE_STEPS = 80;
/** How far a ray looks, in cells. */
export const RAY_RANGE = 4;
/** The rays, clockwise from up: the four sides and the four corners. */
export const RAY_DIRECTIONS: readonly (readonly [number, number])[] = [[0, -1], [1, -1], [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1]];
/** Actions: up, right, down, left. */
export const MOVES: readonly (readonly [number, number])[] = [[0, -1], [1, 0], [0, 1], [-1, 0]];
/** The forager's own view: a wall and a food reading per ray. */
export const RAY_SIZE = RAY_DIRECTIONS.length * 2;
/** The teacher's window on the level, centred on the forager: wide enough to hold every inner cell from any inner cell. */
export const WINDOW = 2 * SIZE - 5;
/** The teacher's extra numbers: walls and food over the window. */
export const LEVEL_SIZE = 2 * WINDOW * WINDOW;

export const EMPTY = 0;
export const WALL = 1;
export const FOOD_CELL = 2;

/** One episode's level and forager. */
export class ForageWorld {
  readonly cells = new Uint8Array(SIZE * SIZE);
  x = 0;
  y = 0;
  steps = 0;
  /** Food eaten in the episode, and since the last decision's reward was read. */
  eaten = 0;
  pending = 0;

  /** A new level from `rng`: border walls, inner walls at WALL_CHANCE, the forager and FOOD food on free cells. */
  constructor(private readonly rng: Rng) {
    const c = this.cells;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const border = x === 0 || y === 0 || x === SIZE - 1 || y === SIZE - 1;
        c[y * SIZE + x] = border || rng.float() < WALL_CHANCE ? WALL : EMPTY;
      }
    }
    const start = this.freeCell();
    this.x = start % SIZE;
    this.y = Math.floor(start / SIZE);
    for (let k = 0; k < FOOD; k++) this.grow();
  }

  cell(x: number, y: number): number {
    return x < 0 || y < 0 || x >= SIZE || y >= SIZE ? WALL : this.cells[y * SIZE + x]!;
  }

  /** Moves one cell (a wall stops it) and eats what is there; a new food grows elsewhere. */
  move(action: number): void {
    const [dx, dy] = MOVES[action]!;
    const nx = this.x + dx;
    const ny = this.y + dy;
    if (this.cell(nx, ny) !== WALL) {
      this.x = nx;
      this.y = ny;
    }
    this.steps += 1;
    const here = this.y * SIZE + this.x;
    if (this.cells[here] === FOOD_CELL) {
      this.cells[here] = EMPTY;
      this.eaten += 1;
      this.pending += 1;
      this.grow();
    }
  }

  get over(): boolean {
    return this.steps >= EPISODE_STEPS;
  }

  /**
   * The forager's rays into `out` from `offset`: per ray, how near the first wall is and how near
   * the first food before it is, each (RAY_RANGE + 1 - d) / RAY_RANGE at d cells, 0 past the range.
   */
  rays(out: Float32Array, offset: number): void {
    RAY_DIRECTIONS.forEach(([dx, dy], r) => {
      let wall = 0;
      let food = 0;
      for (let d = 1; d <= RAY_RANGE; d++) {
        const what = this.cell(this.x + dx * d, this.y + dy * d);
        const near = (RAY_RANGE + 1 - d) / RAY_RANGE;
        if (what === WALL) {
          wall = near;
          break;
        }
        if (what === FOOD_CELL && food === 0) food = near;
      }
      out[offset + 2 * r] = wall;
      out[offset + 2 * r + 1] = food;
    });
  }

  /** The whole level as the teacher sees it, centred on the forager: a WINDOW x WINDOW plane of walls (outside the level too), then one of food. */
  levelView(out: Float32Array): void {
    const h = (WINDOW - 1) / 2;
    const plane = WINDOW * WINDOW;
    for (let j = 0; j < WINDOW; j++) {
      for (let i = 0; i < WINDOW; i++) {
        const what = this.cell(this.x + i - h, this.y + j - h);
        out[j * WINDOW + i] = what === WALL ? 1 : 0;
        out[plane + j * WINDOW + i] = what === FOOD_CELL ? 1 : 0;
      }
    }
  }

  private grow(): void {
    const at = this.freeCell();
    this.cells[at] = FOOD_CELL;
  }

  /** A random empty cell that is not the forager's (the level always has one: FOOD + 1 of 81 inner cells is few). */
  private freeCell(): number {
    for (;;) {
      const at = this.rng.int(SIZE * SIZE);
      if (this.cells[at] === EMPTY && at !== this.y * SIZE + this.x) return at;
    }
  }
}
