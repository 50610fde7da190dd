"""One run of the shipped DiT's design and recipe FROM SCRATCH on a GPU machine (issue 19, item 6),
within a wall-clock budget: the DiT of dit.py (1 x 2 x 2 patches, width 128, 6 blocks, cross-attention
to the text encoder's `phrases` states), images and eight-frame clips alternating, clips' training
noise shared across frames with a = 1 (images plain N(0, I)), v-prediction, min-SNR-5 weights, the
prompt dropped 10 %, styled captions, AdamW with a 200-step warm-up and a cosine to 1/20 over the
budget's last `--decay-minutes`, EMA 0.999, gradients clipped at 1. The same loss as
train_denoiser.py, step for step; what differs is only where it runs: latents and text encoder on
the GPU, captions drawn a batch at a time in numpy (gpu_captions.py), larger batches, TF32.

    python3 weights/train/gpu_oneshot.py --data weights/.work/gpu-carry/dit-data.npz --out DIR [--minutes 8] [--tiny]

Writes DIR/dit-gpu-ema-fp16.pt (save_ema's format: what eval_denoiser.py --weights and reexport.py
--checkpoint read; rewritten every `--save-every` minutes, so a run cut short still leaves one) and
DIR/dit-gpu.jsonl (the learning curve). --tiny: 4 steps of batch 4 on the CPU, to prove the code path.
"""
import argparse
import functools
import json
import math
import inspect
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

import common as C
import diffusion as D
import dit
import gpu_data
import layers
from denoisers import MODELS, load_text_encoder, save_ema
from gpu_captions import caption_batch


class EMA:
    """common.EMA's update, on every tensor at once (one kernel a group, not two a tensor)."""

    def __init__(self, model, decay):
        self.decay = decay
        self.keys = list(model.state_dict())
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model, decay):
        live = model.state_dict()
        ours = [self.shadow[k] for k in self.keys]
        torch._foreach_mul_(ours, decay)
        torch._foreach_add_(ours, [live[k].detach() for k in self.keys], alpha=1 - decay)

    def on_cpu(self):
        """What save_ema reads (an object with .shadow), on the CPU: the file loads on a machine without a GPU."""
        return SimpleNamespace(shadow={k: v.float().cpu() for k, v in self.shadow.items()})


# layers.py makes the frequencies of its sin-cos features with torch.arange on the CPU: these are the same
# functions (same operations, so the same numbers: checked at every start) with them made on the input's
# device. dit.py reads them by name, so the trainer puts them there (torch.set_default_device would do it
# too, at a cost on every torch call, which a model this small, bound by kernel launches, would feel).
def timestep_embedding(t, dim=256, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    sin, cos = layers.sin_cos(t.float()[:, None] * freqs[None])
    return torch.cat([cos, sin], dim=-1)


def sincos_1d(pos, dim):
    half = dim // 2
    omega = 1.0 / 10000 ** (torch.arange(half, dtype=torch.float32, device=pos.device) / half)
    sin, cos = layers.sin_cos(pos.float()[..., None] * omega)
    return torch.cat([sin, cos], dim=-1)


def frame_noise(shape, shared, device):
    """diffusion.frame_noise, drawn on `device` (the same draws in the same order)."""
    own = torch.randn(shape, device=device)
    if shared == 0 or shape[-4] == 1:
        return own
    common = torch.randn((*shape[:-4], 1, *shape[-3:]), device=device)
    return (shared * common + own) / math.sqrt(1 + shared ** 2)


def use_device_aware_features():
    t, pos = torch.tensor([0.0, 17.0, 999.0]), torch.arange(24.0).reshape(2, 12)
    assert torch.equal(timestep_embedding(t), layers.timestep_embedding(t))
    assert torch.equal(sincos_1d(pos, 48), layers.sincos_1d(pos, 48))
    torch.manual_seed(3)
    a = frame_noise((2, 8, 4, 8, 8), 1.0, "cpu")
    torch.manual_seed(3)
    assert torch.equal(a, D.frame_noise((2, 8, 4, 8, 8), 1.0))
    dit.timestep_embedding, dit.sincos_1d = timestep_embedding, sincos_1d


def decay(elapsed, budget, span):
    """As train_denoiser.decay: 1 until the last `span` seconds of the budget, then a cosine down to 1/20."""
    if span <= 0 or elapsed < budget - span:
        return 1.0
    frac = min(1.0, (elapsed - (budget - span)) / span)
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(C.WORK / "gpu-carry" / "dit-data.npz"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=8.0, help="training wall clock, from the first step (setup and saving come on top)")
    ap.add_argument("--image-batch", type=int, default=512)
    ap.add_argument("--clip-batch", type=int, default=128)
    ap.add_argument("--clip-share", type=float, default=0.5)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--decay-minutes", type=float, default=3.0)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--shared-noise", type=float, default=1.0)
    ap.add_argument("--captions", choices=["dropout", "styled"], default="styled")
    ap.add_argument("--text", choices=["hidden", "phrases"], default="phrases")
    ap.add_argument("--save-every", type=float, default=2.0, help="minutes between rewrites of the EMA file")
    ap.add_argument("--tiny", action="store_true")
    args = ap.parse_args()
    C.setup_threads()
    if "weights_only" in inspect.signature(torch.load).parameters:  # torch >= 2.6 loads weights only by default
        torch.load = functools.partial(torch.load, weights_only=False)  # our own files: dicts of tensors, numbers, strings
    dev = torch.device("cuda" if torch.cuda.is_available() and not args.tiny else "cpu")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    weights_file, log_file = out / "dit-gpu-ema-fp16.pt", out / "dit-gpu.jsonl"
    log_file.unlink(missing_ok=True)

    def log(**kv):
        kv = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in kv.items()}
        with log_file.open("a") as f:
            f.write(json.dumps(kv) + "\n")
        print("dit-gpu", " ".join(f"{k}={v}" for k, v in kv.items()), flush=True)

    t_setup = time.time()
    data = gpu_data.load(args.data)
    text = load_text_encoder(False, args.text).to(dev)  # the committed (frozen, fp16-rounded) text encoder
    use_device_aware_features()
    torch.manual_seed(0)
    model = MODELS["dit"].make().to(dev)
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    D.ALPHAS_CUMPROD = D.ALPHAS_CUMPROD.to(dev)  # q_sample, v_target and min_snr_weight index it with t
    sets = {"images": (torch.from_numpy(data["images"]).to(dev), data["image_objects"]),  # fp16 latents stay on the GPU
            "clips": (torch.from_numpy(data["clips"]).to(dev), data["clip_objects"])}
    seen = {"images": 0, "clips": 0}
    ema = EMA(model, args.ema)
    try:
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0, fused=dev.type == "cuda")
    except (TypeError, RuntimeError):
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    rng = np.random.default_rng(7)
    info = {"device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu", "torch": torch.__version__,
            "parameters": C.count_params(model), "data": data["meta"], "args": vars(args)}
    log(step=0, minutes=0.0, setup_s=time.time() - t_setup, **info)

    def save(step, elapsed):
        save_ema(weights_file, ema.on_cpu(), step, elapsed, args.text, args.shared_noise)

    budget, step, start = args.minutes * 60, 0, time.time()
    last_save, window = start, (0, start)
    model.train()
    while (step < 4) if args.tiny else time.time() - start < budget:
        elapsed = time.time() - start
        lr = args.lr * min(1.0, (step + 1) / 200) * decay(elapsed, budget, args.decay_minutes * 60)
        for g in opt.param_groups:
            g["lr"] = lr
        use_clips = math.floor((step + 1) * args.clip_share) > math.floor(step * args.clip_share)
        (x_all, objects), n = (sets["clips"], args.clip_batch) if use_clips else (sets["images"], args.image_batch)
        n = 4 if args.tiny else n
        seen["clips" if use_clips else "images"] += n
        idx = rng.integers(0, len(objects), n)
        tokens = torch.from_numpy(caption_batch(objects[idx], rng, args.captions)).to(dev, non_blocking=True)
        with torch.no_grad():
            hidden, pooled = text(tokens)
        x0 = x_all[torch.from_numpy(idx).to(dev)].float()
        t = torch.randint(0, D.T, (n,), device=dev)
        noise = frame_noise(x0.shape, args.shared_noise if use_clips else 0.0, dev)
        pred = model(D.q_sample(x0, t, noise), t.float(), hidden, pooled)
        per_sample = (pred - D.v_target(x0, t, noise)).pow(2).flatten(1).mean(1)
        loss = (D.min_snr_weight(t) * per_sample).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        grad = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema.update(model, min(args.ema, (1 + step) / (10 + step)))
        step += 1
        if step % 200 == 0 or args.tiny:
            now = time.time()
            log(step=step, minutes=(now - start) / 60, loss=loss.item(), grad_norm=float(grad), lr=lr,
                kind="clips" if use_clips else "images", steps_per_s=(step - window[0]) / max(now - window[1], 1e-9))
            window = (step, now)
        if time.time() - last_save > args.save_every * 60:
            save(step, time.time() - start)
            last_save = time.time()
    elapsed = time.time() - start
    save(step, elapsed)
    log(step=step, minutes=elapsed / 60, done=True, weights=weights_file.name, samples=seen)
    print(f"dit-gpu: {step} steps in {elapsed / 60:.2f} min; fp16 EMA in {weights_file}")


if __name__ == "__main__":
    main()
