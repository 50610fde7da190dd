"""Captions for a whole batch at once, in numpy: the same grammar and the same distribution as
common.styled_caption_words / caption_words + token_ids (the mirror of pipeline/world/caption.ts),
without a Python loop over samples, so that a GPU run's large batches are not held up by the CPU.

Each object's optional parts (size, colour, place) are kept by flags: "dropout" keeps each with
probability 2/3, independently; "styled" does so for half the captions and, for the other half,
keeps one random set of kinds (each kind with probability 1/2) for every object of the caption.
The prompt is dropped (the empty caption) with probability `drop_prompt`.

    python3 weights/train/gpu_captions.py     # checks token_ids_np against common's grammar
"""
import numpy as np

import common as C

# One object's phrase as slots: and, a, size, colour, shape, place words 1-4 (-1: no word).
SLOTS = 9
_ID = lambda w: C.TOKEN_ID.get(w, C.SPECIAL["unknown"])


def _place_table():
    """Token ids of the place words: rows 0-8 an image's position ('in the top left'), rows 9-13 a
    clip's motion ('moving left', 'staying still'), padded with -1 to four words."""
    rows = [["in", "the"] + p.split() for p in C.POSITIONS]
    rows += [["staying", "still"] if m == "still" else ["moving", m] for m in C.MOTIONS]
    return np.array([[_ID(w) for w in r] + [-1] * (4 - len(r)) for r in rows], dtype=np.int64)


PLACE = _place_table()
SIZE = np.array([_ID(w) for w in C.SIZES])
COLOUR = np.array([_ID(w) for w in C.COLOURS])
SHAPE = np.array([_ID(w) for w in C.SHAPES])


def token_ids_np(objects, keep):
    """objects int8 (N, 2, 6) (present, colour, shape, size, position, motion), keep bool (N, 2, 3)
    (size, colour, place) -> token ids int64 (N, 24), as common.token_ids(caption_words(...))."""
    obj = objects.astype(np.int64)
    n = len(obj)
    present = obj[..., 0] > 0
    slots = np.full((n, 2, SLOTS), -1, dtype=np.int64)
    slots[:, 1, 0] = np.where(present[:, 0], _ID("and"), -1)  # 'and' only between two present objects
    slots[..., 1] = _ID("a")
    slots[..., 2] = np.where(keep[..., 0], SIZE[obj[..., 3]], -1)
    slots[..., 3] = np.where(keep[..., 1], COLOUR[obj[..., 1]], -1)
    slots[..., 4] = SHAPE[obj[..., 2]]
    place_row = np.where(obj[..., 5] < 0, obj[..., 4], len(C.POSITIONS) + obj[..., 5])
    slots[..., 5:] = np.where(keep[..., 2:3], PLACE[place_row], -1)
    slots[~present] = -1
    words = slots.reshape(n, -1)
    order = np.argsort(words < 0, axis=1, kind="stable")  # the words first, in order, then the gaps
    words = np.take_along_axis(words, order, axis=1)
    count = (words >= 0).sum(1)
    out = np.full((n, C.MAX_TOKENS), C.SPECIAL["pad"], dtype=np.int64)
    out[:, 0] = C.SPECIAL["start"]
    width = min(words.shape[1], C.MAX_TOKENS - 2)
    out[:, 1:1 + width] = np.where(words[:, :width] >= 0, words[:, :width], C.SPECIAL["pad"])
    empty = count == 0
    out[empty, 1] = C.SPECIAL["empty"]
    ends = np.where(empty, 2, np.minimum(count, C.MAX_TOKENS - 2) + 1)
    out[np.arange(n), ends] = C.SPECIAL["end"]
    return out


def keep_flags(n, rng, captions="styled", drop=1 / 3):
    """Which optional parts each caption keeps, bool (n, 2, 3): see the module's docstring."""
    flags = rng.random((n, 2, 3)) >= drop
    if captions == "styled":
        kinds = np.broadcast_to((rng.random((n, 1, 3)) < 0.5), (n, 2, 3))
        styled = rng.random(n) < 0.5
        flags = np.where(styled[:, None, None], kinds, flags)
    return flags


def caption_batch(objects, rng, captions="styled", drop_prompt=0.1):
    """Token ids (N, 24) for a batch of objects: captions drawn as the trainers draw them, the prompt dropped at random."""
    tokens = token_ids_np(objects, keep_flags(len(objects), rng, captions))
    tokens[rng.random(len(objects)) < drop_prompt] = C.empty_ids()
    return tokens


def check(objects, rng, n=4000):
    """Exact agreement with common's grammar on the same flags; returns the number of captions compared."""
    idx = rng.integers(0, len(objects), n)
    objs, keep = objects[idx], rng.random((n, 2, 3)) < 0.6
    ours = token_ids_np(objs, keep)
    kinds = ("size", "colour", "place")
    for i in range(n):
        words = []
        for o, k in zip(objs[i], keep[i]):
            if o[0]:
                words += (["and"] if words else []) + C.phrase_words(o, rng, 0, {kinds[j] for j in range(3) if k[j]})
        assert list(ours[i]) == C.token_ids(words), (objs[i], keep[i], ours[i], C.token_ids(words))
    return n


def check_distribution(objects, rng, n=20000):
    """The share of captions with each number of words, ours against common.styled_caption_words
    (prompt dropped 10 % in both): the largest difference between the two histograms."""
    idx = rng.integers(0, len(objects), n)
    ours = (caption_batch(objects[idx], rng) != C.SPECIAL["pad"]).sum(1)
    theirs = np.array([sum(t != C.SPECIAL["pad"] for t in C.token_ids([] if rng.random() < 0.1 else C.styled_caption_words(objects[i], rng)))
                       for i in idx])
    bins = np.arange(C.MAX_TOKENS + 2)
    return float(np.abs(np.histogram(ours, bins)[0] - np.histogram(theirs, bins)[0]).max() / n)


if __name__ == "__main__":
    r = np.random.default_rng(0)
    for name in ("images", "clips8"):
        o = C.load_dataset(name)["objects"]
        print(f"gpu_captions: {check(o, r)} {name} captions equal common.token_ids(caption_words) token for token; "
              f"caption lengths' histograms differ by at most {check_distribution(o, r):.3f} of 20,000 styled captions")
