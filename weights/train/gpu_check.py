"""Check an fp16 EMA file of gpu_oneshot.py as the tools that take it read it: eval_denoiser.py
--weights (torch.load, fp32, load_state_dict), reexport.py --checkpoint (denoisers.load_ema, the
step, minutes, text states and shared noise it records), one guided DDIM step of a clip and an image
through the committed text encoder, and the ONNX export with its inspect outputs (to a temporary
folder: the shipped files are not touched).

    python3 weights/train/gpu_check.py FILE [--no-onnx]
"""
import argparse
import tempfile
import time
from pathlib import Path

import torch

import common as C
import diffusion as D
from denoisers import MODELS, Exported, load_ema, load_text_encoder


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--no-onnx", action="store_true")
    args = ap.parse_args()
    C.setup_threads()
    saved = torch.load(args.file)  # eval_denoiser.py's way
    model = MODELS["dit"].make()
    model.load_state_dict({k: v.float() for k, v in saved["ema"].items()})  # strict: every tensor, no more
    assert all(v.dtype == torch.float16 for v in saved["ema"].values()), "weights are not all fp16"
    model, saved = load_ema("dit", args.file)  # reexport.py's way
    for key in ("step", "elapsed", "text_states", "shared_noise"):
        assert key in saved, f"{args.file} lacks {key!r}, which reexport.py records"
    model = C.round_to_fp16(model.eval())
    text = load_text_encoder(False, saved["text_states"])
    prompts = ["a red circle moving right", "a triangle"]
    with torch.no_grad():
        ctx, _ = text(torch.tensor([C.token_ids(p.split()) for p in prompts]))
        unc, _ = text(torch.tensor([C.empty_ids()] * 2))
        for frames, i in ((8, 0), (1, 1)):
            x = D.frame_noise((1, frames, 4, 8, 8), saved["shared_noise"], generator=torch.Generator().manual_seed(0))
            z = D.ddim_sample(model, x.shape, ctx[i:i + 1], unc[i:i + 1], 4.0, steps=1, x=x)
            assert torch.isfinite(z).all()
            print(f"gpu_check: one guided DDIM step, {frames} frame(s), '{prompts[i]}': output {tuple(z.shape)}, std {z.std():.3f}")
    print(f"gpu_check: {args.file} loads as eval_denoiser.py and reexport.py load it: {C.count_params(model):,} parameters, "
          f"step {saved['step']}, {saved['elapsed'] / 60:.2f} min, text {saved['text_states']}, shared noise {saved['shared_noise']}")
    if not args.no_onnx:
        t0 = time.time()
        g = torch.Generator().manual_seed(5)
        inputs = (torch.randn(2, 8, 4, 8, 8, generator=g), torch.tensor([999.0, 250.0]), torch.randn(2, 24, 128, generator=g))
        axes = {"latent": {0: "batch", 1: "frames"}, "timestep": {0: "batch"}, "context": {0: "batch"}}
        with tempfile.TemporaryDirectory() as d:
            path = C.export_onnx(Exported(model, True), inputs, Path(d) / "dit.onnx", ["latent", "timestep", "context"],
                                 ["prediction", *MODELS["dit"].inspect], axes)
            print(f"gpu_check: ONNX export as reexport.py does it (fp16 storage, compacted): {path.stat().st_size:,} bytes, "
                  f"{time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
