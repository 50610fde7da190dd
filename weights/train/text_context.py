"""Stage `context`: two transformer blocks on top of the frozen CLIP text tower, trained so that
every token of an object's phrase carries that phrase's words.

Why: the CLIP stage's per-token outputs are a bag of words. Measured 2026-11-30 on 400 held-out
two-object captions ("a cyan triangle and a green square" against "a green triangle and a cyan
square"): the output at each shape token has cosine 0.999999 between the two, and the CLIP itself
prefers the true caption over the swapped one for 0.49 of the frames (chance). A denoiser whose
cross-attention finds the triangle's token learns nothing about the triangle's colour there, which
is how both denoisers fail colour binding (swapped colours). Stable Diffusion's CLIP text encoder is
a causal transformer trained on far richer captions, so its tokens carry their context; ours needs
to be taught. That contrastive models learn bags of words, and that hard negatives with the
words' order changed help: Yuksekgonul et al., "When and why vision-language models behave like
bags-of-words, and what to do about it?", ICLR 2023.

Objective, text only (no frames): from every token of an object's phrase ("a", "big", "red",
"circle", "in", ...), a linear head predicts the set of words in that phrase (multi-label), and a
penalty keeps the outputs near the CLIP's (the blocks start as the identity: zero-initialised
residual branches). The blocks' attention sees each token's position again (the trunk's outputs
have mostly lost it, and binding is a matter of which words sit next to which): without that,
measured, the head read at a shape token could not tell its colour from the other one (0.50).
The CLIP's `hidden` and `pooled` outputs and its image tower are unchanged; the page's text
encoder gains a third output, `phrases`, and a denoiser's manifest entry says which one it reads
(text_states).

    python3 weights/train/text_context.py [--minutes 4] [--tiny] [--export-only]
"""
import argparse
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common as C
import manifest
from text_encoder import Block, TextEncoder, attention, HEADS, WIDTH, load_text_tower

LAYERS = 2
SPECIALS = 5  # ids below this are <pad> <start> <end> <empty> <unk>


class Context(nn.Module):
    """Residual transformer blocks whose branches start at zero: at step 0 they pass their input through.
    Their attention also sees each token's position (added after the LayerNorm, to queries and keys
    only), which the trunk's outputs have mostly lost: binding a colour to a shape is a matter of
    which words sit next to which."""

    def __init__(self, width=WIDTH, heads=HEADS, layers=LAYERS, max_tokens=C.MAX_TOKENS):
        super().__init__()
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.pos = nn.Parameter(torch.randn(layers, max_tokens, width) * 0.5)
        for b in self.blocks:
            for lin in (b.proj, b.mlp[2]):
                nn.init.zeros_(lin.weight)
                nn.init.zeros_(lin.bias)

    def forward(self, x, mask):
        for b, pos in zip(self.blocks, self.pos):
            h = b.n1(x)
            q, k, _ = b.qkv(h + pos).chunk(3, dim=-1)
            v = b.qkv(h).chunk(3, dim=-1)[2]
            x = x + b.proj(attention(q, k, v, b.heads, mask)[0])
            x = x + b.mlp(b.n2(x))
        return x


class ContextualText(nn.Module):
    """tokens (N, 24) -> phrases (N, 24, 128) per token, pooled (N, 64): the CLIP text tower's trunk,
    the context blocks, the tower's own final LayerNorm; pooled is the CLIP's, untouched. With
    with_clip_hidden, also the CLIP's own per-token outputs (hidden)."""

    def __init__(self, text: TextEncoder, context: Context):
        super().__init__()
        self.text, self.context = text, context

    def trunk(self, tokens):
        x = self.text.tok(tokens) + self.text.pos
        mask = (tokens == C.SPECIAL["pad"]).float()[:, None, None, :] * -1e9
        for b in self.text.blocks:
            x = b(x, mask)
        return x, mask

    def forward(self, tokens, with_clip_hidden=False):
        x, mask = self.trunk(tokens)
        hidden = self.text.norm(x)
        end = (tokens == C.SPECIAL["end"]).float().unsqueeze(-1)
        pooled = F.normalize(self.text.proj((hidden * end).sum(1)), dim=-1)
        context = self.text.norm(self.context(x, mask))
        return (context, pooled, hidden) if with_clip_hidden else (context, pooled)


def phrase_targets(tokens, vocab):
    """tokens (N, L) -> targets (N, L, V): for each word of a phrase, the multi-hot set of its phrase's
    words; weight (N, L): 1 on phrase words, 0 on specials and "and" (which separates phrases)."""
    is_and = tokens == C.TOKEN_ID["and"]
    word = (tokens >= SPECIALS) & ~is_and
    phrase = is_and.long().cumsum(1)
    same = (phrase[:, :, None] == phrase[:, None, :]) & word[:, :, None] & word[:, None, :]
    onehot = F.one_hot(tokens, vocab).float() * word[..., None]
    return (same.float() @ onehot).clamp(max=1.0), word.float()


def load_context(tiny=False):
    """The trained context blocks (checkpoint, else the committed fp16 weights), frozen."""
    return C.load_frozen(Context(), "context", "context.", tiny, "no context blocks: run the context stage first (npm run train -- context)")


@torch.no_grad()
def binding_probe(model, head, n=400):
    """On held-out two-object images whose shapes and colours differ, captioned "a {colour} {shape} and
    a {colour} {shape}": cosine between a shape token's output and the same token's output when the
    two colours are swapped (1 means the colour left no trace), and how often the head, read at a
    shape token, rates that shape's own colour above the other one."""
    o = C.load_dataset("heldout1")["objects"]
    rows = [i for i in range(len(o)) if o[i, 1, 0] and o[i, 0, 2] != o[i, 1, 2] and o[i, 0, 1] != o[i, 1, 1]][:n]
    words, swapped = [], []
    for i in rows:
        a, b = o[i, 0].copy(), o[i, 1].copy()
        words.append(C.caption_words(np.array([a, b]), None, 0.0, {"colour"}))
        a[1], b[1] = b[1], a[1]
        swapped.append(C.caption_words(np.array([a, b]), None, 0.0, {"colour"}))
    t, s = (torch.tensor([C.token_ids(w) for w in ws]) for ws in (words, swapped))
    ct, _, ht = model(t, with_clip_hidden=True)
    cs, _, hs = model(s, with_clip_hidden=True)
    shape_at = (3, 7)  # <start> a colour SHAPE and a colour SHAPE
    cos = lambda a, b: float(F.cosine_similarity(a[:, shape_at], b[:, shape_at], dim=-1).mean())
    logits = head(ct)
    own = []
    for n_, w in enumerate(words):
        c1, c2 = C.TOKEN_ID[w[1]], C.TOKEN_ID[w[5]]
        own += [float(logits[n_, 3, c1] > logits[n_, 3, c2]), float(logits[n_, 7, c2] > logits[n_, 7, c1])]
    return {"clip_cosine": cos(ht, hs), "context_cosine": cos(ct, cs), "own_colour": float(np.mean(own)), "n": len(rows)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=4)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--keep", type=float, default=1.0, help="weight of the penalty on the mean squared change of the CLIP's outputs")
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="accepted for npm run train's tiny mode; the stage always starts afresh")
    ap.add_argument("--export-only", action="store_true", help="export the trained checkpoint again")
    args = ap.parse_args()
    C.setup_threads()
    torch.manual_seed(0)
    stage = "context-tiny" if args.tiny else "context"
    text = load_text_tower(args.tiny)
    model = ContextualText(text, Context())
    vocab = len(C.VOCAB["tokens"])
    head = nn.Linear(WIDTH, vocab)
    params = list(model.context.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    if args.export_only:
        ck = C.load_checkpoint(stage)
        model.load_state_dict(ck["model"]); head.load_state_dict(ck["head"])
        return export(model, head, ck["step"], ck["elapsed"], args.tiny)
    objs = np.concatenate([C.load_dataset(n)["objects"] for n in ("images", "clips8")])
    rng = np.random.default_rng(1)
    budget = 10 if args.tiny else args.minutes * 60
    log = C.Log(stage, fresh=True)
    timer = C.Timer()
    step = 0
    with C.PidFile():
        while (step < 3) if args.tiny else timer.elapsed < budget:
            lr = args.lr * min(1.0, (step + 1) / 100) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, timer.elapsed / budget))))
            for g in opt.param_groups:
                g["lr"] = lr
            idx = rng.integers(0, len(objs), args.batch)
            tokens = torch.tensor([C.token_ids(C.styled_caption_words(objs[i], rng)) for i in idx])
            context, _, hidden = model(tokens, with_clip_hidden=True)
            target, weight = phrase_targets(tokens, vocab)
            words = (F.binary_cross_entropy_with_logits(head(context), target, reduction="none").sum(-1) * weight).sum() / weight.sum()
            real = (tokens != C.SPECIAL["pad"]).float()
            change = ((context - hidden).pow(2).mean(-1) * real).sum() / real.sum()
            loss = words + args.keep * change
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if step % 250 == 0 or args.tiny:
                model.eval()
                probe = binding_probe(model, head, 16 if args.tiny else 400)
                log(step=step, minutes=timer.elapsed / 60, loss=loss.item(), phrase_bce=words.item(), change=change.item(), lr=lr, **probe)
        C.save_checkpoint(stage, model=model.state_dict(), head=head.state_dict(), step=step, elapsed=timer.elapsed)
        model.eval()
        export(model, head, step, timer.elapsed, args.tiny)


class TextExport(nn.Module):
    """The text encoder as the page runs it: the CLIP's outputs and the context blocks' from one trunk."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, tokens):
        context, pooled, hidden = self.model(tokens.long(), with_clip_hidden=True)
        return hidden, pooled, context


@torch.no_grad()
def export(model, head, step, elapsed, tiny):
    """Writes text_encoder.onnx with a third output, `phrases`, beside the CLIP's `hidden` and `pooled`
    (whose numbers do not change): each denoiser's manifest entry names the output it reads."""
    model = C.round_to_fp16(model.eval())
    out = C.WORK / "tiny" if tiny else C.WEIGHTS
    tokens = torch.tensor([C.token_ids("a big red circle moving right".split()), C.empty_ids()], dtype=torch.int32)
    path = C.export_onnx(TextExport(model), (tokens,), out / "text_encoder.onnx", ["tokens"], ["hidden", "pooled", "phrases"],
                         {"tokens": {0: "batch"}, "hidden": {0: "batch"}, "pooled": {0: "batch"}, "phrases": {0: "batch"}})
    if tiny:
        print(f"tiny export ok: {path}")
        return
    (C.WEIGHTS / "checkpoints").mkdir(exist_ok=True)  # what a fresh machine trains denoisers on (load_context)
    torch.save({"model": {k: v.half() for k, v in model.state_dict().items() if k.startswith("context.")}, "step": step, "elapsed": elapsed},
               C.WEIGHTS / "checkpoints" / "context-fp16.pt")
    hidden, pooled, context = TextExport(model)(tokens)
    C.write_golden("text_encoder", path, {"tokens": tokens}, {"hidden": hidden, "pooled": pooled, "phrases": context})
    probe = binding_probe(model, head)
    manifest.add_model(
        "text_encoder", path, params=C.count_params(model), flops_shapes={"tokens": [1, 24]},
        flops=C.static_flops(TextExport(model), (tokens[:1],), ["tokens"]),
        keep=("stage", "steps", "train_minutes", "retrieval_top1"),
        inputs={"tokens": "int32 (N, 24) ids from pipeline/world/vocab.json"},
        outputs={"hidden": "float32 (N, 24, 128) per token, the CLIP text tower's",
                 "pooled": "float32 (N, 64) unit-length caption embedding",
                 "phrases": "float32 (N, 24, 128) per token after the context blocks: each token carries its phrase's words"},
        context_blocks={"stage": "context", "params": C.count_params(model.context), "steps": step,
                        "train_minutes": round(elapsed / 60, 1), "binding_probe": {k: round(v, 4) if isinstance(v, float) else v for k, v in probe.items()}})
    print(f"exported text_encoder with context: {probe}")


if __name__ == "__main__":
    main()
