"""The denoisers as a library: which models there are (MODELS, one named entry each),
the frozen text encoder they read, training batches, the EMA weights' files, a quick
check by the judge, and the export (ONNX file, golden file, manifest entry, committed
fp16 EMA weights). train_denoiser.py trains with it; eval_denoiser.py, reexport.py,
bench_torch.py and probe_data_gap.py read and export with it.
"""
import json
import subprocess
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import torch

import common as C
import diffusion as D
import manifest
from dit import DiT
from text_context import ContextualText, load_context
from text_encoder import load_text_tower
from unet import UNet


@dataclass(frozen=True)
class Denoiser:
    """One denoiser: how to build it, what it trains on and what it reads."""
    make: Callable[[], torch.nn.Module]  # a fresh, untrained model
    data: str  # "joint": images and eight-frame clips, batches alternating; "images": images only
    space: str  # "latent": the VAE's 8 x 8 x 4 latents; "pixel": 32 x 32 x 3 pixels in [-1, 1]
    purpose: str  # what it is for (its manifest entry's `purpose`)
    # The text it reads: "context", the text encoder's per-token states (N, 24, 128); "pooled", only the
    # pooled caption embedding (N, 64), through adaLN (its ONNX file has no context input).
    text: str = "context"
    guidance: float = 4.0  # the default guidance scale its manifest entry names
    # The inspect outputs its file also returns, in the order the model returns them (its `extra`), with
    # their shapes; a second manifest entry, <name>_inspect, names them. None: the prediction only.
    inspect: Optional[dict] = field(default=None)

    def __post_init__(self):
        assert self.data in ("joint", "images") and self.space in ("latent", "pixel") and self.text in ("context", "pooled")

    @property
    def takes_pooled(self):
        """Whether the model's fourth input, the pooled caption embedding, is its text (dit_adaln)."""
        return self.text == "pooled"

    @property
    def frames(self):
        """The frames of the longest sample it trains on: 8 for a joint model, else 1."""
        return 8 if self.data == "joint" else 1

    def sample_shape(self, frames):
        """One sample's shape: (frames, 4, 8, 8) latents; a pixel model's is one frame, (1, 3, 32, 32)."""
        return (frames, 4, 8, 8) if self.space == "latent" else (1, 3, 32, 32)


MODELS = {
    # The default guidance (npm run eval's sweep of 2026-11-30, 8 seeds a prompt): the U-Net is judged better at
    # 2 than at 4 (single object 0.872 against 0.736, two objects 0.594 against 0.462, binding 0.381 against 0.356;
    # colour, position and size within 0.01); the DiT stays at 4 (at 2 its clips' motion falls from 0.881 to 0.733,
    # its images gain little).
    "dit": Denoiser(lambda: DiT(), "joint", "latent", "the video DiT of the first screen and chapters 2, 4, 5, 7",
                    inspect={"self_attention": "(N, layers, heads, tokens, tokens)",
                             "adaln": "(N, layers, 6, width): shift1 scale1 gate1 shift2 scale2 gate2",
                             "cross_attention": "(N, layers, heads, tokens, 24)"}),
    "unet": Denoiser(lambda: UNet(), "images", "latent", "the latent image U-Net of chapters 3 and 5", guidance=2.0,
                     inspect={"cross_attention": "(N, layers, heads, tokens, 24)"}),
    # The latent U-Net's two levels (64 and 128 channels, with attention) at 8 x 8 and 4 x 4, behind two
    # levels at 32 x 32 and 16 x 16 (32 and 64 channels, no attention) that bring pixels down to them.
    "unet_pixel": Denoiser(lambda: UNet(channels=3, widths=(32, 64, 64, 128), attention_from=2), "images", "pixel",
                           "a pixel-space U-Net of the same design, trained briefly, for chapter 3's cost comparison"),
    "dit_adaln": Denoiser(lambda: DiT(depth=4, conditioning="adaln"), "images", "latent", "chapter 6: text through adaLN",
                          text="pooled"),
    "dit_cross": Denoiser(lambda: DiT(depth=4, conditioning="cross"), "images", "latent", "chapter 6: text through cross-attention"),
    "dit_in_context": Denoiser(lambda: DiT(depth=4, conditioning="in_context"), "images", "latent", "chapter 6: text tokens in the sequence"),
    # Issue 19's finer-token probe (item 4), not shipped: 1 x 1 x 1 patches (64 tokens a frame) with attention
    # factorised into spatial and temporal blocks, against its control, the shipped DiT's design; both from
    # scratch, images only (train_denoiser.py --probe NAME --fresh).
    "dit_fine": Denoiser(lambda: DiT(width=64, depth=8, heads=4, patch=(1, 1, 1), attention="factorised"), "images", "latent",
                         "issue 19 probe: 1 x 1 x 1 patches, factorised attention (not shipped)"),
    "dit_control": Denoiser(lambda: DiT(), "images", "latent", "issue 19 probe: the DiT's design from scratch on images, dit_fine's control (not shipped)"),
}


def load_text_encoder(tiny, states="hidden"):
    """The frozen text encoder a denoiser reads, as a module tokens -> (per-token states, pooled): states
    "hidden" are the CLIP text tower's; "phrases" are those passed through the context blocks
    (text_context.py), each token carrying its phrase's words (the text encoder's ONNX outputs of those names)."""
    te = load_text_tower(tiny)
    if states == "hidden":
        return te
    return ContextualText(te, load_context(tiny)).eval()


def text_states_of(model, tiny):
    """The per-token text states the committed `model` reads (its manifest entry); "hidden" when it names none."""
    return "hidden" if tiny else manifest.load()["models"].get(model, {}).get("text_states", "hidden")


def load_set(name, space, tiny):
    ds = C.load_dataset(name)
    if space == "latent":
        path = C.WORK / "tiny" / f"{name}_latents.npy" if tiny else C.DATA / name / "latents.npy"
        x = np.load(path)
    else:
        x = np.asarray(ds["frames"][: 64 if tiny else None])
    n = len(x)
    return {"x": x, "objects": ds["objects"][:n]}


def batch_of(ds, n, space, rng, text, drop_prompt=0.1, captions="dropout"):
    """captions: "dropout" drops each optional part of a caption with probability 1/3 (recipes up to
    2026-11-30's DiT recipe 3 and U-Net recipe 2); "styled" does so for half of them and names one
    random set of kinds for every object in the other half (common.styled_caption_words)."""
    idx = rng.integers(0, len(ds["x"]), n)
    x = torch.from_numpy(ds["x"][idx].astype(np.float32)) if space == "latent" else C.to_model_range(ds["x"][idx])
    words_of = C.styled_caption_words if captions == "styled" else (lambda objs, r: C.caption_words(objs, r, 1 / 3))
    words = [[] if rng.random() < drop_prompt else words_of(ds["objects"][i], rng) for i in idx]
    tokens = torch.tensor([C.token_ids(w) for w in words])
    with torch.no_grad():
        hidden, pooled = text(tokens)
    return x, hidden, pooled


def ema_model(name, ema):
    m = MODELS[name].make()
    ema.copy_to(m)
    return C.round_to_fp16(m.eval())


def save_ema(path, ema, step, elapsed, text_states, shared_noise=0.0):
    """The EMA weights as fp16 with where the run was: what a fresh machine resumes from and reexport.py exports."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"ema": {k: v.half() for k, v in ema.shadow.items()}, "step": step, "elapsed": elapsed, "text_states": text_states,
                "shared_noise": shared_noise}, path)


def load_ema(name, path):
    """A file of save_ema's as (model with those weights in fp32, the file's dict)."""
    saved = torch.load(path)
    model = MODELS[name].make()
    model.load_state_dict({k: v.float() for k, v in saved["ema"].items()})
    return model, saved


@torch.no_grad()
def quick_eval(name, ema, text, step, elapsed, log, shared_noise=0.0):
    """Sample a few prompts with the EMA weights, decode with the VAE, and let the world's judge score them."""
    from latents import load_vae, scaling_factor
    model, vae = ema_model(name, ema), load_vae()
    entry = MODELS[name]
    space = entry.space
    prompts = [l for l in (C.ROOT / "weights" / "train" / "eval_prompts.txt").read_text().splitlines() if l.strip()]
    out = []
    for prompt_set_frames in sorted({1, entry.frames}):
        ps = [p for p in prompts if ("moving" in p or "staying" in p) == (prompt_set_frames == 8)]
        tokens = torch.tensor([C.token_ids(p.split()) for p in ps])
        ctx, pooled_ctx = text(tokens)
        unc, pooled_unc = text(torch.tensor([C.empty_ids()] * len(ps)))
        shape = (len(ps), *entry.sample_shape(prompt_set_frames))
        g = torch.Generator().manual_seed(1234)
        z = D.ddim_sample(model, shape, ctx, unc, guidance=4.0, steps=30, generator=g, shared=shared_noise,
                          pooled=(pooled_ctx, pooled_unc) if entry.takes_pooled else None)
        pix = vae.decoder(z.reshape(-1, 4, 8, 8) / scaling_factor()) if space == "latent" else z.reshape(-1, 3, 32, 32)
        pix = ((pix.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).reshape(len(ps), prompt_set_frames, 32, 32, 3)
        out.append((ps, pix.numpy()))
    d = C.WORK / "eval"
    d.mkdir(parents=True, exist_ok=True)
    result = {}
    for ps, pix in out:
        f = d / f"{name}-{pix.shape[1]}.npy"
        np.save(f, pix)
        (d / f"{name}-{pix.shape[1]}.txt").write_text("\n".join(ps) + "\n")
        r = subprocess.run(["npx", "tsx", "tools/judge-batch.ts", "--frames", str(f), "--prompts", str(d / f"{name}-{pix.shape[1]}.txt")],
                           cwd=C.ROOT, capture_output=True, text=True)
        try:
            result[f"frames{pix.shape[1]}"] = json.loads(r.stdout.strip().splitlines()[-1])
        except Exception:
            result[f"frames{pix.shape[1]}"] = {"error": (r.stderr or r.stdout)[-300:]}
    log(step=step, minutes=elapsed / 60, eval=result)


class Exported(torch.nn.Module):
    def __init__(self, model, inspect):
        super().__init__()
        self.model, self.inspect = model, inspect

    def forward(self, latent, timestep, context):
        if not self.inspect:
            return self.model(latent, timestep, context)
        out, extra = self.model(latent, timestep, context, inspect=True)
        return (out, *extra.values())


class ExportedPooled(torch.nn.Module):
    """The adaLN variant also takes the pooled caption embedding."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, latent, timestep, context, pooled):
        return self.model(latent, timestep, context, pooled)


@torch.no_grad()
def export(name, ema, step, elapsed, suffix="", tiny=False, text_states="hidden", shared_noise=0.0):
    entry = MODELS[name]
    model = ema_model(name, ema)
    space = entry.space
    out_dir = C.WORK / "tiny" if tiny else C.WEIGHTS
    frames = entry.frames
    shape = (2, *entry.sample_shape(frames))
    g = torch.Generator().manual_seed(5)
    latent, timestep, context = torch.randn(shape, generator=g), torch.tensor([999.0, 250.0]), torch.randn(2, 24, 128, generator=g)
    axes = {"latent": {0: "batch", 1: "frames", 3: "height", 4: "width"}, "timestep": {0: "batch"}, "context": {0: "batch"},
            "prediction": {0: "batch", 1: "frames", 3: "height", 4: "width"}}
    fname = f"{name}{suffix}"
    with_inspect = entry.inspect is not None and not suffix
    if entry.takes_pooled:
        pooled = torch.nn.functional.normalize(torch.randn(2, 64, generator=g), dim=-1)
        path = C.export_onnx(ExportedPooled(model), (latent, timestep, context, pooled), out_dir / f"{fname}.onnx",
                             ["latent", "timestep", "context", "pooled"], ["prediction"], {**axes, "pooled": {0: "batch"}})
        golden_in = {"latent": latent, "timestep": timestep, "context": context, "pooled": pooled}
        golden_out = {"prediction": model(latent, timestep, context, pooled)}
    elif with_inspect:
        # One file for the model and its inspect twin: the graph also returns the attention maps
        # (and the DiT's adaLN values); the page's `dit` fetches only `prediction`, which
        # onnxruntime computes without copying the rest out, and `dit_inspect` fetches them all.
        path = C.export_onnx(Exported(model, True), (latent, timestep, context), out_dir / f"{fname}.onnx",
                             ["latent", "timestep", "context"], ["prediction", *entry.inspect], axes)
        golden_in = {"latent": latent, "timestep": timestep, "context": context}
        out, extra = model(latent, timestep, context, inspect=True)
        golden_out = {"prediction": out, **extra}
    else:
        path = C.export_onnx(Exported(model, False), (latent, timestep, context), out_dir / f"{fname}.onnx",
                             ["latent", "timestep", "context"], ["prediction"], axes)
        golden_in = {"latent": latent, "timestep": timestep, "context": context}
        golden_out = {"prediction": model(latent, timestep, context)}
    if tiny:
        print(f"tiny export ok: {path}")
        return
    C.write_golden(fname, path, golden_in, golden_out)
    if not suffix:
        save_ema(C.WEIGHTS / "checkpoints" / f"{name}-ema-fp16.pt", ema, step, elapsed, text_states, shared_noise)
    info = {"stage": name, "steps": step, "train_minutes": round(elapsed / 60, 1), "purpose": entry.purpose,
            "space": space, "trained_on": "images and 8-frame clips, mixed batches (the recipes are in its card)" if entry.data == "joint" else "images",
            **D.SCHEDULE, "guidance_scale": entry.guidance, "sampler": "ddim", "num_inference_steps": 30,
            "text_states": text_states, **({"shared_noise": shared_noise} if shared_noise else {})}
    flops_shapes = {"latent": [2, 1, *shape[2:]], "timestep": [2], "context": [2, 24, 128]}
    inputs = {"latent": "float32 (N, F, C, H, W), scaled" if space == "latent" else "float32 (N, 1, 3, 32, 32) pixels in [-1, 1]",
              "timestep": "float32 (N,)", "context": f"float32 (N, 24, 128) the text encoder's {text_states} output"}
    if entry.takes_pooled:  # the exporter drops the unread context input: text enters through adaLN only
        del flops_shapes["context"], inputs["context"]
        flops_shapes["pooled"] = [2, 64]
        inputs["pooled"] = "float32 (N, 64) the pooled caption embedding, unit length (the graph has no context input: text enters through adaLN only)"
    one = tuple(v[:, :1] if k == "latent" else v for k, v in golden_in.items())  # batch 2, one frame
    flops = C.static_flops(ExportedPooled(model) if entry.takes_pooled else Exported(model, False), one, list(golden_in))
    manifest.add_model(fname, path, params=C.count_params(model), flops_shapes=flops_shapes, flops=flops,
                       inputs=inputs,
                       outputs={"prediction": "v-prediction, same shape as latent"}, **info)
    if frames == 8:
        m = manifest.load()
        m["models"][fname]["flops_clip"] = C.static_flops(Exported(model, False), (latent, timestep, context), ["latent", "timestep", "context"])
        manifest.save(m)
    if with_inspect:
        manifest.add_model(f"{name}_inspect", path, params=C.count_params(model),
                           inputs={"latent": "as the model", "timestep": "as the model", "context": "as the model"},
                           outputs={"prediction": "as the model", **entry.inspect},
                           stage=name, steps=step, text_states=text_states,
                           purpose=f"the file of {name}, with every output: " + ("attention maps and adaLN values" if "adaln" in entry.inspect else "cross-attention maps") + " for the chapters")
        for stale in (C.WEIGHTS / f"{name}_inspect.onnx", C.GOLDEN / f"{name}_inspect.json"):  # the twin had its own file before
            stale.unlink(missing_ok=True)
    print(f"exported {fname}: step {step}, {elapsed / 60:.1f} min")
