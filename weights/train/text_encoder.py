"""Stage `clip`: a small CLIP (Radford et al. 2021) trained on the Shapes World.

Text tower: token + position embeddings, pre-LN transformer blocks with
bidirectional attention over non-padding tokens, a final LayerNorm. Its
per-token outputs (N, 24, 128) condition every denoiser here, frozen; the
<end> token's output, projected, is the caption embedding.
Video tower: a per-frame convolutional encoder, frame-index embeddings and a
transformer over frames (so motion words have something to match), mean-pooled
and projected. An image is a one-frame clip. Contrastive (InfoNCE) loss with a
learned temperature, on mixed batches of images and eight-frame clips whose
captions drop optional parts at random.

    python3 weights/train/text_encoder.py [--minutes 15] [--tiny] [--fresh]
"""
import argparse
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common as C
import manifest

WIDTH, HEADS, LAYERS, EMBED = 128, 4, 4, 64


class LayerNorm(nn.Module):
    """LayerNorm written out (torch 1.13 exports affine-free LayerNorm badly, training-notes.md)."""

    def __init__(self, dim, affine=True, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim)) if affine else None
        self.bias = nn.Parameter(torch.zeros(dim)) if affine else None

    def forward(self, x):
        mu = x.mean(-1, keepdim=True)
        var = (x - mu).pow(2).mean(-1, keepdim=True)
        x = (x - mu) / torch.sqrt(var + self.eps)
        return x * self.weight + self.bias if self.weight is not None else x


def attention(q, k, v, heads, mask=None):
    """Scaled dot-product attention written out; returns output and probabilities."""
    n, lq, d = q.shape
    lk = k.shape[1]
    q = q.reshape(n, lq, heads, d // heads).transpose(1, 2)
    k = k.reshape(n, lk, heads, d // heads).transpose(1, 2)
    v = v.reshape(n, lk, heads, d // heads).transpose(1, 2)
    logits = q @ k.transpose(-1, -2) / math.sqrt(d // heads)
    if mask is not None:
        logits = logits + mask
    p = logits.softmax(-1)
    return (p @ v).transpose(1, 2).reshape(n, lq, d), p


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.n1, self.qkv, self.proj = LayerNorm(dim), nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.n2, self.mlp = LayerNorm(dim), nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x, mask=None):
        q, k, v = self.qkv(self.n1(x)).chunk(3, dim=-1)
        x = x + self.proj(attention(q, k, v, self.heads, mask)[0])
        return x + self.mlp(self.n2(x))


class TextEncoder(nn.Module):
    """tokens (N, 24) int64 -> hidden (N, 24, 128) per token, pooled (N, 64) unit-length."""

    def __init__(self, vocab=len(C.VOCAB["tokens"]), width=WIDTH, layers=LAYERS, heads=HEADS, embed=EMBED):
        super().__init__()
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(torch.randn(C.MAX_TOKENS, width) * 0.02)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.norm = LayerNorm(width)
        self.proj = nn.Linear(width, embed, bias=False)

    def forward(self, tokens):
        x = self.tok(tokens) + self.pos
        mask = (tokens == C.SPECIAL["pad"]).float()[:, None, None, :] * -1e9
        for b in self.blocks:
            x = b(x, mask)
        hidden = self.norm(x)
        end = (tokens == C.SPECIAL["end"]).float().unsqueeze(-1)
        pooled = self.proj((hidden * end).sum(1))
        return hidden, F.normalize(pooled, dim=-1)


def load_text_tower(tiny=False):
    """The clip stage's text tower, frozen and rounded as it ships: what the context blocks (text_context.py)
    and, through them or alone, every denoiser (denoisers.load_text_encoder) read."""
    return C.load_frozen(TextEncoder(), "clip", "text.", tiny, "no text encoder checkpoint: run the clip stage first")


class VideoEncoder(nn.Module):
    """frames (N, T, 3, 32, 32) in [-1, 1] -> (N, 64) unit-length; T may be 1."""

    def __init__(self, width=WIDTH, embed=EMBED, max_frames=16):
        super().__init__()
        ch = 32
        self.conv = nn.Sequential(
            nn.Conv2d(3, ch, 3, padding=1), nn.GELU(),
            nn.Conv2d(ch, 2 * ch, 3, stride=2, padding=1), nn.GELU(),        # 16
            nn.Conv2d(2 * ch, 2 * ch, 3, stride=2, padding=1), nn.GELU(),    # 8
            nn.Conv2d(2 * ch, 4 * ch, 3, stride=2, padding=1), nn.GELU(),    # 4
        )
        self.frame = nn.Linear(4 * ch * 16, width)
        self.time = nn.Parameter(torch.randn(max_frames, width) * 0.02)
        self.blocks = nn.ModuleList(Block(width, HEADS) for _ in range(2))
        self.norm = LayerNorm(width)
        self.proj = nn.Linear(width, embed, bias=False)

    def forward(self, frames):
        n, t = frames.shape[:2]
        h = self.conv(frames.reshape(n * t, 3, 32, 32)).reshape(n, t, -1)
        x = self.frame(h) + self.time[:t]
        for b in self.blocks:
            x = b(x)
        return F.normalize(self.proj(self.norm(x).mean(1)), dim=-1)


class CLIP(nn.Module):
    def __init__(self):
        super().__init__()
        self.text, self.video = TextEncoder(), VideoEncoder()
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


def sample_batch(ds, n, rng, drop=1 / 3):
    idx = np.sort(rng.choice(len(ds["objects"]), n, replace=False))
    words = [C.caption_words(ds["objects"][i], rng, drop) for i in idx]
    tokens = torch.tensor([C.token_ids(w) for w in words], dtype=torch.long)
    frames = C.to_model_range(ds["frames"][idx])
    return frames, tokens, [" ".join(w) for w in words]


def clip_loss(model, frames, tokens, captions):
    _, t = model.text(tokens)
    v = model.video(frames)
    logits = model.logit_scale.exp().clamp(max=100) * v @ t.T
    # Identical captions in a batch are not negatives of each other.
    same = torch.tensor([[a == b for b in captions] for a in captions], dtype=torch.float32)
    target = same / same.sum(1, keepdim=True)
    return 0.5 * (-(target * logits.log_softmax(1)).sum(1).mean() - (target.T * logits.T.log_softmax(1)).sum(1).mean())


@torch.no_grad()
def retrieval(model, ds, n_clips, rng, template):
    """Top-1 retrieval: for each held-out clip, rank every caption of one template
    (all attribute values the template can state) and check that its own ranks first."""
    objs = ds["objects"][:n_clips]
    one = objs[:, 1, 0] == 0
    objs, frames = objs[one], ds["frames"][:n_clips][one]
    is_clip = objs[0, 0, 5] >= 0
    candidates = []
    for size in range(2):
        for colour in range(6):
            for shape in range(3):
                for last in range(5 if is_clip else 9):
                    row = [1, colour, shape, size, -1 if is_clip else last, last if is_clip else -1]
                    candidates.append(row)
    words = [C.caption_words(np.array([row, [0] * 6]), np.random.default_rng(0), 0.0) for row in candidates]
    _, temb = model.text(torch.tensor([C.token_ids(w) for w in words]))
    vemb = torch.cat([model.video(C.to_model_range(frames[i:i + 128])) for i in range(0, len(frames), 128)])
    best = (vemb @ temb.T).argmax(1).numpy()
    truth = [candidates.index([1, int(o[0, 1]), int(o[0, 2]), int(o[0, 3]), -1 if is_clip else int(o[0, 4]), int(o[0, 5]) if is_clip else -1]) for o in objs]
    return float(np.mean(best == np.array(truth))), 1 / len(candidates), len(truth), template


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=15)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args()
    C.setup_threads()
    torch.manual_seed(0)
    stage = "clip-tiny" if args.tiny else "clip"
    budget = 5 if args.tiny else args.minutes * 60
    clips, images = C.load_dataset("clips8"), C.load_dataset("images")
    if args.tiny:
        args.batch = 16
    for ds in (clips, images):  # in memory: random access into a memory map is slow
        ds["frames"] = np.asarray(ds["frames"][: 64 if args.tiny else None])
        ds["objects"] = ds["objects"][: len(ds["frames"])]
    model = CLIP()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    ck = None if args.fresh else C.load_checkpoint(stage)
    step, elapsed = 0, 0.0
    if ck:
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"])
        step, elapsed = ck["step"], ck["elapsed"]
    log = C.Log(stage, fresh=ck is None)
    rng = np.random.default_rng(step + 1)
    timer = C.Timer(elapsed)
    held1, held8 = C.load_dataset("heldout1"), C.load_dataset("heldout8")
    with C.PidFile():
        while (step < 3) if args.tiny else timer.elapsed < budget:
            warm = min(1.0, (step + 1) / 200)
            lr = args.lr * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, timer.elapsed / budget))))
            for g in opt.param_groups:
                g["lr"] = lr
            # Images and clips alternate: captions of one kind per batch.
            ds, n = (images, args.batch) if step % 2 == 0 else (clips, args.batch // 4)
            frames, tokens, caps = sample_batch(ds, n, rng)
            loss = clip_loss(model, frames, tokens, caps)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if step % 100 == 0 or args.tiny:
                model.eval()
                r1 = retrieval(model, held1, 64 if args.tiny else 1000, rng, "image")
                r8 = retrieval(model, held8, 64 if args.tiny else 1000, rng, "clip")
                model.train()
                log(step=step, minutes=timer.elapsed / 60, loss=loss.item(), lr=lr, temperature=1 / model.logit_scale.exp().item(),
                    image_top1=r1[0], image_chance=r1[1], clip_top1=r8[0], clip_chance=r8[1])
            if step % 500 == 0:
                C.save_checkpoint(stage, model=model.state_dict(), opt=opt.state_dict(), step=step, elapsed=timer.elapsed)
        C.save_checkpoint(stage, model=model.state_dict(), opt=opt.state_dict(), step=step, elapsed=timer.elapsed)
        export(model, step, timer.elapsed, held1, held8, args.tiny)


class TextExport(nn.Module):
    def __init__(self, text):
        super().__init__()
        self.text = text

    def forward(self, tokens):
        return self.text(tokens.long())


@torch.no_grad()
def export(model, step, elapsed, held1, held8, tiny):
    model = C.round_to_fp16(model.eval())
    out = C.WORK / "tiny" if tiny else C.WEIGHTS
    tokens = torch.tensor([C.token_ids("a big red circle moving right".split()), C.empty_ids()], dtype=torch.int32)
    t_path = C.export_onnx(TextExport(model.text), (tokens,), out / "text_encoder.onnx", ["tokens"], ["hidden", "pooled"],
                           {"tokens": {0: "batch"}, "hidden": {0: "batch"}, "pooled": {0: "batch"}})
    frames = C.to_model_range(held8["frames"][:2])
    v_path = C.export_onnx(model.video, (frames,), out / "video_encoder.onnx", ["frames"], ["embedding"],
                           {"frames": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}})
    if tiny:
        print(f"tiny export ok: {t_path}, {v_path}")
        return
    r1 = retrieval(model, held1, 2000, None, "image")
    r8 = retrieval(model, held8, 2000, None, "clip")
    hidden, pooled = model.text(tokens.long())
    C.write_golden("text_encoder", t_path, {"tokens": tokens}, {"hidden": hidden, "pooled": pooled})
    C.write_golden("video_encoder", v_path, {"frames": frames}, {"embedding": model.video(frames)})
    info = {"stage": "clip", "steps": step, "train_minutes": round(elapsed / 60, 1),
            "retrieval_top1": {"images": {"top1": round(r1[0], 4), "chance": round(r1[1], 5), "n": r1[2],
                                          "template": "a {size} {colour} {shape} in the {position}: 324 captions"},
                               "clips": {"top1": round(r8[0], 4), "chance": round(r8[1], 5), "n": r8[2],
                                         "template": "a {size} {colour} {shape} {motion}: 180 captions"}}}
    manifest.add_model("text_encoder", t_path, params=C.count_params(model.text), flops_shapes={"tokens": [1, 24]},
                       flops=C.static_flops(TextExport(model.text), (tokens[:1],), ["tokens"]),
                       inputs={"tokens": "int32 (N, 24) ids from pipeline/world/vocab.json"},
                       outputs={"hidden": "float32 (N, 24, 128) per token", "pooled": "float32 (N, 64) unit-length caption embedding"}, **info)
    manifest.add_model("video_encoder", v_path, params=C.count_params(model.video), flops_shapes={"frames": [1, 8, 3, 32, 32]},
                       flops=C.static_flops(model.video, (frames[:1],), ["frames"]),
                       inputs={"frames": "float32 (N, T, 3, 32, 32) in [-1, 1]"}, outputs={"embedding": "float32 (N, 64) unit-length"}, **info)
    print(f"exported CLIP: image top-1 {r1[0]:.3f} (chance {r1[1]:.4f}), clip top-1 {r8[0]:.3f} (chance {r8[1]:.4f})")


if __name__ == "__main__":
    main()
