import type { KubeObject } from '../cluster.js';

/**
 * What every controller of the simulated cluster needs from it: the clock, an event recorder (as
 * Kubernetes' controllers have one), and whether the world declared an object's status. Times are
 * logical seconds relative to the world's start (negative: before it).
 */
export interface ControllerBase {
  readonly now: number;
  /** Seconds relative to the world's start of an ISO time, or undefined. */
  seconds(iso: string | undefined): number | undefined;
  iso(seconds: number): string;
  /** A one-off event at `at`. */
  event(
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    obj: KubeObject,
    source: string,
    at: number,
  ): void;
  /** Whether the object's status was declared in the world (then no controller changes it). */
  declared(obj: KubeObject): boolean;
}

/** Controllers that retry: an event that repeats every `every` seconds from `first` until now. */
export interface RepeatingEvents {
  repeating(
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    obj: KubeObject,
    source: string,
    first: number,
    every: number,
  ): void;
}
