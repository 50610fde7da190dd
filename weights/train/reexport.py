"""Export denoisers again with the current model code, without training: from the
committed fp16 EMA weights (weights/checkpoints/<model>-ema-fp16.pt), or, for the
snapshots, whose PyTorch weights were never kept, from their committed ONNX files
(from_onnx.py reads the weights back out). Goldens and manifest entries are
rewritten; the training figures (steps, minutes) carry over.

    python3 weights/train/reexport.py dit dit_snap16 dit_snap4
    python3 weights/train/reexport.py dit_snap4 --checkpoint weights/.work/snapshots/dit_snap4-ema-fp16.pt [--minutes 105.8]
"""
import argparse

import torch

import common as C
import from_onnx
import layers
import manifest
from denoisers import MODELS, Exported, export, load_ema


def axes():
    return {"latent": {0: "batch", 1: "frames", 3: "height", 4: "width"}, "timestep": {0: "batch"}, "context": {0: "batch"},
            "prediction": {0: "batch", 1: "frames", 3: "height", 4: "width"}}


def weights_from_onnx(name, fname):
    """The model's weights read out of weights/<fname>.onnx, exported by the code of the time (torch's sin and cos)."""
    entry = MODELS[name]
    model = entry.make()
    shape = (2, *entry.sample_shape(entry.frames))
    args = (torch.zeros(shape), torch.tensor([999.0, 250.0]), torch.zeros(2, 24, 128))
    exact = layers.sin_cos
    layers.sin_cos = lambda x: (torch.sin(x), torch.cos(x))  # the graph those files were exported with
    try:
        missing = from_onnx.recover(Exported(model, False), lambda m, p: C.torch_export(
            m, args, p, ["latent", "timestep", "context"], ["prediction"], axes()), C.WEIGHTS / f"{fname}.onnx")
    finally:
        layers.sin_cos = exact
    if missing:
        raise SystemExit(f"{fname}: parameters not found in the ONNX file: {missing}")
    return model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("names", nargs="+", help="dit, unet, …, or a snapshot such as dit_snap16")
    ap.add_argument("--checkpoint", default="", help="one name only: fp16 EMA weights to export instead (a file that "
                    "train_denoiser.py --snapshot-steps keeps in weights/.work/snapshots), with its step and minutes")
    ap.add_argument("--shared-noise", type=float, default=None,
                    help="one name only: the frames' shared part a of the starting noise that the page and eval sample with "
                         "(the manifest's shared_noise), when it differs from the a the weights were trained at (which the "
                         "checkpoint keeps, for training to resume with); the manifest records both")
    ap.add_argument("--minutes", type=float, default=None, help="the training minutes to record instead of the weights file's (not for a snapshot read from its ONNX file)")
    args = ap.parse_args()
    if (args.checkpoint or args.shared_noise is not None) and len(args.names) != 1:
        raise SystemExit("--checkpoint and --shared-noise export one name")
    C.setup_threads()
    for fname in args.names:
        name, _, snap = fname.partition("_snap")
        suffix = f"_snap{snap}" if snap else ""
        info = manifest.load()["models"].get(fname, {})
        text_states, shared_noise = info.get("text_states", "hidden"), info.get("shared_noise", 0.0)
        if suffix and not args.checkpoint:
            model = weights_from_onnx(name, fname)
            step, elapsed = info.get("steps", 0), 60 * info.get("train_minutes", 0)
        else:
            model, saved = load_ema(name, args.checkpoint or C.WEIGHTS / "checkpoints" / f"{name}-ema-fp16.pt")
            step, elapsed = saved["step"], saved["elapsed"] if args.minutes is None else 60 * args.minutes
            text_states, shared_noise = saved.get("text_states", text_states), saved.get("shared_noise", shared_noise)
        ema = C.EMA(model, 0.999)
        export(name, ema, step, elapsed, suffix=suffix, text_states=text_states, shared_noise=shared_noise)
        if args.shared_noise is not None:
            m = manifest.load()
            m["models"][fname]["shared_noise"] = args.shared_noise
            m["models"][fname]["shared_noise_trained"] = shared_noise
            manifest.save(m)


if __name__ == "__main__":
    main()
