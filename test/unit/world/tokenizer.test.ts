import { test } from 'uvu';
import * as assert from 'uvu/assert';
import vocab from '../../../pipeline/world/vocab.json';
import {
  tokenize, emptyPromptIds, parsePrompt, captionText, phraseOf, generateClip, VOCAB, MAX_TOKENS,
  PAD_ID, START_ID, END_ID, EMPTY_ID, UNKNOWN_ID,
} from '../../../pipeline/world';

const HOSTILE = [
  '', '   ', '\u0000\u0007\u001b[31m', 'a'.repeat(10_000), 'a red circle '.repeat(1000),
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '😀🎬 a 🔴 circle', 'ⓐ ℝ𝔼𝔻 𝒸𝒾𝓇𝒸𝓁𝑒', 'zzz qqq',
  'A RED CIRCLE!!!', 'a\tred\ncircle', '\u202eelcric der a', 'a red circle\u200b', null, undefined, 42, {},
];

test('the vocabulary holds every word of the spec and the five special tokens, once each', () => {
  const words = 'a and small big red green blue yellow purple cyan circle square triangle in the top bottom left right center moving up down staying still'.split(' ');
  for (const w of words) assert.ok(VOCAB.includes(w), w);
  assert.is(new Set(VOCAB).size, VOCAB.length);
  assert.is(VOCAB.length, words.length + 5);
  assert.is(MAX_TOKENS, 24);
  assert.equal([PAD_ID, START_ID, END_ID, EMPTY_ID, UNKNOWN_ID].map((i) => VOCAB[i]), Object.values(vocab.specials));
});

test('a caption becomes <start> words <end>, padded to 24', () => {
  const t = tokenize('A big red circle, moving right.');
  assert.equal(t.pieces.map((p) => p.text), ['<start>', 'a', 'big', 'red', 'circle', 'moving', 'right', '<end>']);
  assert.is(t.ids.length, 24);
  assert.is(t.ids[0], START_ID);
  assert.is(t.ids[7], END_ID);
  assert.ok([...t.ids.slice(8)].every((i) => i === PAD_ID));
  assert.is(t.notice, '');
  assert.not.ok(t.truncated);
});

test('the empty prompt is <start> <empty> <end>', () => {
  assert.equal([...emptyPromptIds().slice(0, 4)], [START_ID, EMPTY_ID, END_ID, PAD_ID]);
  assert.equal(tokenize('  ,, ').ids, emptyPromptIds());
});

test('unknown words stay visible as unknown; long prompts are cut with a notice', () => {
  const t = tokenize('a red ball');
  assert.equal(t.pieces.map((p) => [p.text, p.kind]), [['<start>', 'special'], ['a', 'word'], ['red', 'word'], ['ball', 'unknown'], ['<end>', 'special']]);
  assert.is(t.ids[3], UNKNOWN_ID);
  assert.match(t.notice, /ball/);
  const long = tokenize('a red circle '.repeat(20));
  assert.ok(long.truncated);
  assert.is(long.length, 24);
  assert.is(long.ids[23], END_ID);
  assert.match(long.notice, /cut/);
  // typed special tokens are just unknown words
  assert.is(tokenize('<pad> <end>').pieces[1].kind, 'unknown');
});

test('hostile prompts never throw, in the tokenizer or the parser', () => {
  for (const p of HOSTILE) {
    const t = tokenize(p as string);
    assert.is(t.ids.length, 24);
    assert.ok(t.ids.every((i) => i >= 0 && i < VOCAB.length));
    const parsed = parsePrompt(p);
    assert.type(parsed.ok, 'boolean');
    if (!parsed.ok) assert.ok(parsed.problems.length > 0 && parsed.problems.every((s) => typeof s === 'string' && s.length < 300));
  }
  assert.not.ok(parsePrompt('').ok);
  assert.not.ok(parsePrompt('<script>alert(1)</script>').ok);
  assert.ok(parsePrompt('A RED CIRCLE!!!').ok);
});

test('every generated caption parses back to its objects, and tokenizes without unknown words', () => {
  for (let s = 0; s < 300; s++) {
    const clip = generateClip(`round ${s}`, { frames: s % 2 ? 8 : 1 });
    const parsed = parsePrompt(clip.caption);
    assert.ok(parsed.ok, `${clip.caption}: ${parsed.problems}`);
    assert.equal(parsed.phrases, clip.objects.map(phraseOf));
    assert.is(captionText(parsed.phrases), clip.caption);
    assert.equal(tokenize(clip.caption).unknown, []);
  }
});

test('the parser explains what is off', () => {
  assert.match(parsePrompt('a red').problems.join(), /expected a shape/);
  assert.match(parsePrompt('a circle moving sideways').problems.join(), /expected a direction/);
  assert.match(parsePrompt('a circle in the middle').problems.join(), /expected a position/);
  assert.match(parsePrompt('a circle and').problems.join(), /after "and"/);
  assert.match(parsePrompt('a circle and a square and a triangle').problems.join(), /at most 2 objects/);
  assert.match(parsePrompt('a red circle and a red square').problems.join(), /different colours/);
  assert.equal(parsePrompt('a small cyan triangle staying still').phrases, [{ shape: 'triangle', size: 'small', colour: 'cyan', motion: 'still' }]);
  assert.equal(parsePrompt('a square in the bottom').phrases, [{ shape: 'square', position: 'bottom' }]);
});

test.run();
