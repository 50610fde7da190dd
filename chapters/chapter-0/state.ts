// Chapter 0's state in the URL (prefix c0), the sizes of its toy, the data set
// both figures use, and the looks its figures share. No weights: everything is
// computed from the data set itself (pipeline/lessons/toy2d.ts).
import { css } from 'lit';
import { makeSchedule } from '../../pipeline/diffusion';
import { DATASETS_2D, IdealDenoiser, MAX_DRAWN_POINTS, SAMPLERS_2D, builtInDataset, decodePoints, distancesToData, spiral, type Points2D } from '../../pipeline/lessons/toy2d';
import { defineSchema, integer, number, oneOf, text, type StateOf } from '../../pipeline/url-state';
import { FLOW_MAX_STEPS } from '../../pipeline/lessons/flow2d';
import { GUIDANCE_FIELDS, GUIDE_MAX_SCALE, MOON_CLASSES } from '../../pipeline/lessons/guidance2d';
import { TRAIN_STEPS_MAX } from '../../pipeline/lessons/mlp2d-train';

export const T = 1000;
/** Points in each built-in data set: few enough that memorising them shows. */
export const DATA_POINTS = 250;
/** Particles in the forward figure (each a noised copy of a data point) and in the sampler. */
export const FORWARD_PARTICLES = 500;
export const SAMPLE_PARTICLES = 600;
/** Particles whose whole path is drawn. */
export const TRAILS = 90;
export const FIELD_CELLS = 17;
/** A sample this close to a training point "is" that point. */
export const MEMORISED = 0.01;
/**
 * How many of 100 new points drawn from the spiral itself land within MEMORISED of one of its DATA_POINTS
 * training points, by chance (2,000 drawn): the share a model that generalises should give (the prose quotes it).
 */
export const CHANCE_ON_DATA_PER_100 = (() => {
  const fresh = spiral(2000, 'fresh');
  return Math.round((100 * distancesToData(fresh.xy, builtInDataset('spiral', DATA_POINTS)).filter((d) => d < MEMORISED).length) / fresh.n);
})();

export const chapter0Schema = defineSchema({
  data: oneOf(DATASETS_2D, 'spiral'),
  /** The reader's points (pipeline/lessons/toy2d.ts encodePoints). */
  points: text(4 * MAX_DRAWN_POINTS, ''),
  t: integer(0, T - 1, 60),
  field: oneOf(['on', 'off'], 'on'),
  seed: integer(0, 99_999, 1),
  sampler: oneOf(SAMPLERS_2D, 'ddim'),
  steps: integer(1, T, 50),
  /** The sampling step shown (0 = pure noise, steps = the samples). */
  at: integer(0, T, T),
  // the learning figure (learning-2d-figure)
  /** The small network's seed: its first weights, its training batches and its samples' starting noise. */
  netSeed: integer(0, 99_999, 1),
  /** Adam steps it has trained: a link trains a fresh network to here in the page's worker (the same weights). */
  trained: integer(0, TRAIN_STEPS_MAX, 0),
  /** The timestep of the two fields drawn side by side. */
  netT: integer(0, T - 1, 30),
  // the flow and guidance figures
  /** Steps of each sampler in the flow figure (Euler for the flow, DDIM beside it), and their seed. */
  fsteps: integer(1, FLOW_MAX_STEPS, 6),
  fseed: integer(0, 99_999, 1),
  /** The guidance scale s, which field is drawn (for which class, at which timestep), and the samples' seed. */
  gscale: number(0, GUIDE_MAX_SCALE, 3),
  gfield: oneOf(GUIDANCE_FIELDS, 'guided'),
  gclass: oneOf(MOON_CLASSES, 'upper'),
  gt: integer(0, T - 1, 500),
  gseed: integer(0, 99_999, 1),
});
export type Chapter0State = StateOf<typeof chapter0Schema>;

/** The linear schedule of chapter 1 (T = 1000). */
export const schedule = makeSchedule({ betaSchedule: 'linear' });

/** The data set the state names, its ideal denoiser (none for an empty set), and what could not be read of the reader's points. */
export interface DataSet {
  key: string;
  points: Points2D;
  problems: string[];
  denoiser: IdealDenoiser | null;
}

/** Which data set the state names: a built-in one, or the reader's points. */
export function dataSetKey(s: Chapter0State): string {
  return s.data === 'drawn' ? `drawn:${s.points}` : s.data;
}

/** The data set of the state (the chapter makes it once a key and hands it to both figures). */
export function makeDataSet(s: Chapter0State): DataSet {
  let points: Points2D, problems: string[] = [];
  if (s.data === 'drawn') ({ points, problems } = decodePoints(s.points));
  else points = builtInDataset(s.data, DATA_POINTS);
  return { key: dataSetKey(s), points, problems, denoiser: points.n > 0 ? new IdealDenoiser(points) : null };
}

/** The chapter's own looks, shared by its two figures: controls beside the plane, colour keys, readouts. */
export const chapter0Styles = css`
  .controls {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
    gap: 0.9rem 1.5rem;
    align-items: start;
    margin-bottom: 1rem;
  }
  .plane {
    max-width: 35rem;
  }
  /* controls beside the plane when the cell is wide enough, above it otherwise (they come first in reading order) */
  .split {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.5rem 1.5rem;
  }
  @container cell (min-width: 46rem) {
    .split {
      grid-template-columns: minmax(0, 33rem) minmax(14rem, 1fr);
      grid-template-areas: 'fig side';
      align-items: start;
    }
    .split > .side {
      grid-area: side;
    }
    .split > .fig {
      grid-area: fig;
    }
    .split .controls {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .cell-body {
    container: cell / inline-size;
  }
  .keys {
    display: flex;
    flex-wrap: wrap;
    gap: 0.1rem 1rem;
    margin: 0 0 0.3rem;
    padding: 0;
    list-style: none;
    font-size: 0.88rem;
    max-width: none;
  }
  .keys li::before {
    content: '';
    display: inline-block;
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    margin-right: 0.35rem;
    vertical-align: 0.05em;
    background: var(--key);
  }
  .keys li.arrow::before {
    width: 0.9rem;
    height: 0.15rem;
    border-radius: 0;
    vertical-align: 0.2em;
  }
  .readout {
    font-variant-numeric: tabular-nums;
    font-size: 0.95rem;
    max-width: none;
  }
`;
