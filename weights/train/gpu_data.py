"""The DiT's training data in one file for a GPU machine that has no network: the cached VAE latents
(weights/.work/data/<set>/latents.npy, fp16, made by latents.py with the shipped VAE) and each
sample's objects (int8 (N, 2, 6)), from which the trainer draws its captions every step as
train_denoiser.py does (gpu_captions.py). A prefix of each set (images, eight-frame clips), sized to
fit `--max-mib`: `--image-share` of the bytes for images, the rest for clips.

    python3 weights/train/gpu_data.py [--max-mib 56] [--image-share 0.3] [--out weights/.work/gpu-carry/dit-data.npz] [--tiny]

One image costs 512 + 12 bytes, one clip 4,096 + 12 (fp16 latents 4 x 8 x 8 a frame, objects).
--tiny takes npm run test:train's tiny latents (weights/.work/tiny) instead.
"""
import argparse
import json

import numpy as np

import common as C
from denoisers import load_set

MIB = 2 ** 20


def per_sample(frames):
    return frames * 4 * 8 * 8 * 2 + 2 * 6


def export(out, max_mib, image_share, tiny):
    images, clips = load_set("images", "latent", tiny), load_set("clips8", "latent", tiny)
    budget = int(max_mib * MIB) - 4096  # the npz's headers
    n_img = min(len(images["x"]), int(budget * image_share) // per_sample(1))
    n_clip = min(len(clips["x"]), (budget - n_img * per_sample(1)) // per_sample(8))
    if n_img < 1 or n_clip < 1:
        raise SystemExit(f"gpu_data: {max_mib} MiB holds {n_img} images and {n_clip} clips: too few")
    meta = {"source": "tiny latents (npm run test:train)" if tiny else "weights/.work/data latents (latents.py, shipped VAE)",
            "images": int(n_img), "images_available": len(images["x"]), "clips": int(n_clip), "clips_available": len(clips["x"])}
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, images=np.ascontiguousarray(images["x"][:n_img], dtype=np.float16), image_objects=images["objects"][:n_img].astype(np.int8),
             clips=np.ascontiguousarray(clips["x"][:n_clip], dtype=np.float16), clip_objects=clips["objects"][:n_clip].astype(np.int8),
             meta=np.array(json.dumps(meta)))
    size = out.stat().st_size
    print(f"gpu_data: {out} {size:,} bytes ({size / MIB:.2f} MiB): {n_img:,} of {len(images['x']):,} images, "
          f"{n_clip:,} of {len(clips['x']):,} eight-frame clips")
    return meta


def load(path):
    """The file as numpy arrays: images (N, 1, 4, 8, 8) and clips (M, 8, 4, 8, 8) fp16, their objects, meta."""
    with np.load(path) as z:
        d = {k: z[k] for k in z.files}
    d["meta"] = json.loads(str(d["meta"]))
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-mib", type=float, default=56)
    ap.add_argument("--image-share", type=float, default=0.3, help="share of the bytes for images (the rest: clips)")
    ap.add_argument("--out", default=str(C.WORK / "gpu-carry" / "dit-data.npz"))
    ap.add_argument("--tiny", action="store_true")
    args = ap.parse_args()
    from pathlib import Path
    export(Path(args.out), args.max_mib, args.image_share, args.tiny)


if __name__ == "__main__":
    main()
