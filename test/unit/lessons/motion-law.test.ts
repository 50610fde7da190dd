// The world's law of motion (pipeline/lessons/motion-law.ts): the world's own clips obey it,
// and each of its three parts catches the failure it names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { distanceTravelled, lawBroken, LAW, motionLaw } from '../../../pipeline/lessons/motion-law';
import { generateClip } from '../../../pipeline/world/generate';
import { judgeClip } from '../../../pipeline/world/judge';
import type { Track } from '../../../pipeline/world/read-frames';

/** A track whose object sits at these centroids (null: missing in that frame). */
const track = (points: ([number, number] | null)[]): Pick<Track, 'frames'> => ({
  frames: points.map((p) => (p ? ({ centroid: p } as Track['frames'][number]) : null)),
});
const line = (x0: number, vx: number, n = 8) => Array.from({ length: n }, (_, f) => [x0 + vx * f, 16] as [number, number]);

test('300 of the world\'s clips, every motion: each obeys the law, within 0.07 px of its path', () => {
  let worst = 0;
  for (let s = 0; s < 300; s++) {
    const c = generateClip(`law-${s}`, { objects: 1 });
    const o = c.objects[0];
    const t = judgeClip(c.frames, c.numFrames, c.width, c.height, c.caption).reading.tracks.find((x) => x.colour === o.colour)!;
    const m = motionLaw(t, o.motion === null ? null : o.motion !== 'still');
    assert.ok(m.obeys, `${c.caption}: ${lawBroken(m)}`);
    worst = Math.max(worst, m.offPath!);
  }
  assert.ok(worst < 0.07, `worst ${worst}`);
});

test('each part of the law fails on its own failure', () => {
  const steady = motionLaw(track(line(4, 2)), true);
  assert.ok(steady.obeys);
  assert.ok(Math.abs(steady.speed! - 2) < 1e-9 && steady.offPath! < 1e-9);
  assert.equal(steady.steps.map((s) => +s.toFixed(6)), [2, 2, 2, 2, 2, 2, 2]);

  const gone = line(4, 2).map((p, f) => (f === 3 ? null : p));
  const vanish = motionLaw(track(gone), true);
  assert.ok(!vanish.permanent && vanish.steady && vanish.inRange && !vanish.obeys);
  assert.match(lawBroken(vanish), /missing in 1 of 8 frames/);

  // a stall in the middle: the net move is fine for the judge, the path is not constant velocity
  const stall = motionLaw(track([[4, 16], [6, 16], [8, 16], [8, 16], [8, 16], [11, 16], [14, 16], [17, 16]]), true);
  assert.ok(stall.permanent && !stall.steady && !stall.obeys, `off the path ${stall.offPath}`);

  const fast = motionLaw(track(line(2, LAW.speed[1] + 0.5)), true);
  assert.ok(fast.permanent && fast.steady && !fast.inRange);
  assert.match(lawBroken(fast), /outside the world's speeds/);

  const still = motionLaw(track(line(10, 0)), false);
  assert.ok(still.obeys);
  assert.not.ok(motionLaw(track(line(10, 2)), false).obeys, 'moving when asked to stay still');
  assert.not.ok(motionLaw(track([[4, 4], null, null, null, null, null, null, null]), true).obeys, 'one frame is not enough');
});

test('distance travelled is along the direction asked, from the first frame the object is in', () => {
  assert.equal(distanceTravelled(track([null, [10, 10], [8, 10], [6, 11]]), 'left'), [null, 0, 2, 4]);
  assert.equal(distanceTravelled(track([[10, 10], [10, 7]]), 'up'), [0, 3]);
  assert.equal(distanceTravelled(track([[10, 10], [13, 14]]), 'still'), [0, 5]);
});

test.run();
