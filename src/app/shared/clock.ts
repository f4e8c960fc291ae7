/** The clock port: use cases never read the time themselves. */
export interface Clock {
  now(): Date;
}
