"""Does data limit the DiT's clips? The EMA's v-loss on training clips against
held-out clips, at the same fixed timesteps and the same noise (issue 19, step 3:
a gap over 5 % says encode all 50,000 clips instead of 12,000).

    python3 weights/train/probe_data_gap.py [--weights FILE] [--clips 512] [--frames 8]
"""
import argparse
import json

import numpy as np
import torch

import common as C
import diffusion as D
from denoisers import load_ema, load_text_encoder, text_states_of

TIMESTEPS = (100, 300, 500, 700, 900)


@torch.no_grad()
def v_losses(model, text, latents, objects, shared, batch=64, seed=0):
    """Mean v-loss at each of TIMESTEPS over the clips, full captions, noise seeded by the clip's index."""
    out = {t: [] for t in TIMESTEPS}
    rng = np.random.default_rng(0)
    for i in range(0, len(latents), batch):
        x0 = torch.from_numpy(latents[i:i + batch].astype(np.float32))
        words = [C.caption_words(objs, rng, 0.0) for objs in objects[i:i + batch]]
        hidden, _ = text(torch.tensor([C.token_ids(w) for w in words]))
        noise = D.frame_noise(x0.shape, shared, torch.Generator().manual_seed(seed + i))
        for t in TIMESTEPS:
            tt = torch.full((len(x0),), t)
            pred = model(D.q_sample(x0, tt, noise), tt.float(), hidden, None)
            out[t] += (pred - D.v_target(x0, tt, noise)).pow(2).flatten(1).mean(1).tolist()
    return {t: float(np.mean(v)) for t, v in out.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default="", help="an fp16 EMA file (default: the committed DiT's)")
    ap.add_argument("--clips", type=int, default=512)
    args = ap.parse_args()
    C.setup_threads()
    path = args.weights or C.WEIGHTS / "checkpoints" / "dit-ema-fp16.pt"
    model, saved = load_ema("dit", path)
    model = C.round_to_fp16(model.eval())
    text = load_text_encoder(False, saved.get("text_states") or text_states_of("dit", False))
    shared = saved.get("shared_noise", 0.0)
    train = C.load_dataset("clips8")
    held = C.load_dataset("heldout8")
    train_lat = np.load(C.DATA / "clips8" / "latents.npy", mmap_mode="r")
    held_lat = np.load(C.DATA / "heldout8" / "latents.npy", mmap_mode="r")
    n = args.clips
    pick = np.random.default_rng(1).choice(len(train_lat), n, replace=False)
    seen = v_losses(model, text, np.asarray(train_lat[np.sort(pick)]), train["objects"][np.sort(pick)], shared)
    unseen = v_losses(model, text, np.asarray(held_lat[:n]), held["objects"][:n], shared)
    gap = {t: (unseen[t] - seen[t]) / seen[t] for t in TIMESTEPS}
    mean_seen, mean_unseen = float(np.mean(list(seen.values()))), float(np.mean(list(unseen.values())))
    result = {"weights": str(path), "clips": n, "shared_noise": shared, "timesteps": list(TIMESTEPS),
              "train_v_loss": seen, "heldout_v_loss": unseen, "gap_by_t": gap,
              "gap": (mean_unseen - mean_seen) / mean_seen}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
