"""Stage `latents`: encode every training frame once with the shipped VAE encoder
(fp16-rounded weights, posterior mean) times the scale factor, and cache it as
weights/.work/data/<set>/latents.npy, float16 (N, T, 4, 8, 8). Denoisers train on these.

    python3 weights/train/latents.py [--tiny]
"""
import argparse
import json

import numpy as np
import torch

import common as C
from vae import VAE


def load_vae(tiny=False):
    ck = C.load_checkpoint("vae-tiny" if tiny else "vae") or (None if tiny else C.committed_weights("vae"))
    if ck is None:
        raise SystemExit("no VAE checkpoint: run the vae stage first")
    model = VAE()
    model.load_state_dict(ck["model"])
    # channels_last: oneDNN's convolutions run ~2.5x faster on this CPU than in the default layout
    return C.round_to_fp16(model.eval()).to(memory_format=torch.channels_last)


def scaling_factor():
    m = json.loads((C.WEIGHTS / "manifest.json").read_text())
    return m["vae"]["scaling_factor"]


@torch.no_grad()
def encode_set(vae, name, scale, tiny=False, limit=None):
    ds = C.load_dataset(name)
    frames = ds["frames"][: 64 if tiny else limit]
    n, t = frames.shape[:2]
    path = C.WORK / "tiny" / f"{name}_latents.npy" if tiny else C.DATA / name / "latents.npy"
    path.parent.mkdir(parents=True, exist_ok=True)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float16, shape=(n, t, 4, 8, 8))
    batch = max(1, 128 // t)  # small batches stay in cache: 1024 frames a batch ran ~10x slower here
    for i in range(0, n, batch):
        x = C.to_model_range(np.asarray(frames[i:i + batch]).reshape(-1, 32, 32, 3)).contiguous(memory_format=torch.channels_last)
        z = vae.encoder(x)[0].contiguous() * scale
        out[i:i + batch] = z.reshape(-1, t, 4, 8, 8).numpy().astype(np.float16)
    out.flush()
    print(f"{name}: {n} x {t} frames -> latents, std {float(np.std(out[: min(n, 2000)].astype(np.float32))):.3f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="accepted for npm run train's tiny mode; latents are always encoded afresh")
    ap.add_argument("--clips", type=int, default=12000, help="how many eight-frame clips to encode (each is 8 frames of encoder work)")
    args = ap.parse_args()
    C.setup_threads()
    vae, scale = load_vae(args.tiny), 1.0 if args.tiny else scaling_factor()
    with C.PidFile():
        for name in ("images", "clips8", "heldout1", "heldout8"):
            encode_set(vae, name, scale, args.tiny, args.clips if name == "clips8" else None)


if __name__ == "__main__":
    main()
