"""Recover a PyTorch module's weights from a committed ONNX export of it.

The exporter is deterministic, so exporting the same architecture again names its
initializers the same way. We give every parameter distinct random values, export,
and find which initializer holds each parameter (as is, reshaped or transposed);
then we read those initializers out of the committed file (fp16, as shipped).

Used once to turn the committed VAE and text encoder back into
weights/checkpoints/*-fp16.pt, so a fresh machine can train denoisers on them:

    python3 weights/train/from_onnx.py
"""
import base64
import json
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import common as C


def initializers(path):
    out = {}
    for init in onnx.load(str(path)).graph.initializer:
        name = init.name[: -len("__fp16")] if init.name.endswith("__fp16") else init.name
        out[name] = numpy_helper.to_array(init).astype(np.float32)
    return out


def anonymous(inits):
    """The initializers the exporter named by a running number ("onnx::MatMul_2312"), in that order."""
    names = [n for n in inits if n.startswith("onnx::") and n.rsplit("_", 1)[-1].isdigit()]
    return sorted(names, key=lambda n: int(n.rsplit("_", 1)[-1]))


def renamed(probe, committed):
    """Probe name -> committed name for the numbered initializers: the exporter's numbers shift when
    the code around a model changes (2026-12-01: by 252 in the DiT snapshots), its order does not.
    Paired in order, each pair's shapes checked; empty when the two lists do not line up."""
    a, b = anonymous(probe), anonymous(committed)
    if len(a) != len(b) or any(probe[x].shape != committed[y].shape for x, y in zip(a, b)):
        return {}
    return dict(zip(a, b))


def locate(module, export):
    """name of parameter -> (initializer name, transposed?) in a fresh export; and that export's initializers."""
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.rand(p.shape, generator=g) + 0.5)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "probe.onnx"
        export(module, path)
        inits = initializers(path)
    by_bytes = {}
    for name, arr in inits.items():
        by_bytes.setdefault(arr.astype(np.float32).tobytes(), name)
    where = {}
    for name, p in module.named_parameters():
        a = p.detach().numpy().astype(np.float32)
        if a.tobytes() in by_bytes:
            where[name] = (by_bytes[a.tobytes()], False)
        elif a.ndim == 2 and np.ascontiguousarray(a.T).tobytes() in by_bytes:
            where[name] = (by_bytes[np.ascontiguousarray(a.T).tobytes()], True)
    return where, inits


def recover(module, export, committed):
    """Load `committed` (an ONNX file) into `module`; returns the parameters not found in it."""
    where, probe = locate(module, export)
    inits = initializers(committed)
    names = renamed(probe, inits)
    where = {k: (names.get(key, key), t) for k, (key, t) in where.items()}
    missing = []
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name not in where:
                missing.append(name)
                p.zero_()
                continue
            key, transposed = where[name]
            a = inits[key].T if transposed else inits[key]
            p.copy_(torch.from_numpy(np.ascontiguousarray(a)).reshape(p.shape))
    return missing


def decode(t):
    return np.frombuffer(base64.b64decode(t["data"]), dtype=t["dtype"]).reshape(t["shape"]).copy()


def golden_error(name, fn):
    """Largest difference between fn(golden inputs) and the golden outputs PyTorch wrote at export."""
    g = json.loads((C.WEIGHTS / "golden" / f"{name}.json").read_text())
    ins = {k: torch.from_numpy(decode(v)) for k, v in g["inputs"].items()}
    outs = fn(**ins)
    worst = 0.0
    for k, v in g["outputs"].items():
        ref = decode(v)
        worst = max(worst, float(np.abs(outs[k].detach().numpy() - ref).max()))
    return worst


def main():
    from vae import VAE, EncoderMean
    from text_encoder import CLIP, TextExport

    C.setup_threads()
    vae = VAE()
    frames = torch.zeros(1, 3, 32, 32)
    miss = recover(EncoderMean(vae.encoder), lambda m, p: C.torch_export(m, (frames,), p, ["frames"], ["latent"], {"frames": {0: "batch"}, "latent": {0: "batch"}}), C.WEIGHTS / "vae_encoder.onnx")
    miss += recover(vae.decoder, lambda m, p: C.torch_export(m, (torch.zeros(1, 4, 8, 8),), p, ["latent"], ["frames"],
                                                                    {"latent": {0: "batch"}, "frames": {0: "batch"}}), C.WEIGHTS / "vae_decoder.onnx")
    vae.eval()
    print("vae: not in the ONNX files:", miss or "none")
    print("vae: golden max error", golden_error("vae_encoder", lambda frames: {"latent": vae.encoder(frames)[0]}),
          golden_error("vae_decoder", lambda latent: {"frames": vae.decoder(latent)}))

    clip = CLIP()
    tokens = torch.tensor([C.token_ids("a big red circle moving right".split()), C.empty_ids()], dtype=torch.int32)
    miss = recover(TextExport(clip.text), lambda m, p: C.torch_export(m, (tokens,), p, ["tokens"], ["hidden", "pooled"],
                                                                         {"tokens": {0: "batch"}, "hidden": {0: "batch"}, "pooled": {0: "batch"}}), C.WEIGHTS / "text_encoder.onnx")
    miss += recover(clip.video, lambda m, p: C.torch_export(m, (torch.zeros(2, 8, 3, 32, 32),), p, ["frames"], ["embedding"],
                                                            {"frames": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}}), C.WEIGHTS / "video_encoder.onnx")
    clip.eval()
    print("clip: not in the ONNX files:", miss or "none")

    def text(tokens):
        h, pooled = clip.text(tokens.long())
        return {"hidden": h, "pooled": pooled}
    print("clip: golden max error", golden_error("text_encoder", text),
          golden_error("video_encoder", lambda frames: {"embedding": clip.video(frames)}))

    out = C.WEIGHTS / "checkpoints"
    out.mkdir(parents=True, exist_ok=True)
    torch.save({"model": {k: v.half() for k, v in vae.state_dict().items()}}, out / "vae-fp16.pt")
    torch.save({"model": {k: v.half() for k, v in clip.state_dict().items()}}, out / "clip-fp16.pt")
    print("wrote", out / "vae-fp16.pt", out / "clip-fp16.pt")


if __name__ == "__main__":
    main()
