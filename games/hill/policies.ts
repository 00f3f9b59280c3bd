/** Hill's scripted pilot: the throttle held down all the way, as a player new to the game drives. */
import { THROTTLE } from './scene.js';

export function fullThrottle(): number {
  return THROTTLE;
}
