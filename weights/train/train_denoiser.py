"""Stages `dit`, `unet` and the chapter models: train a denoiser on cached VAE
latents (or on pixels, for the pixel-space U-Net), conditioned on the frozen text
encoder, with v-prediction, min-SNR-5 loss weights, the cosine schedule, the
prompt dropped 10 % of the time (for classifier-free guidance) and an EMA.
The DiT trains jointly on images and eight-frame clips, as Sora does: batches
alternate between the two.

    python3 weights/train/train_denoiser.py --model dit [--minutes 120] [--tiny] [--fresh]
"""
import argparse
import json
import math
import signal
import subprocess

import numpy as np
import torch

import common as C
import diffusion as D
import manifest
from dit import DiT
from text_encoder import TextEncoder
from unet import UNet

MODELS = {
    # name: (constructor, data, input space, what it is for)
    "dit": (lambda: DiT(), "joint", "latent", "the video DiT of the first screen and chapters 2, 4, 5, 7"),
    "unet": (lambda: UNet(), "images", "latent", "the latent image U-Net of chapters 3 and 5"),
    # The latent U-Net's two levels (64 and 128 channels, with attention) at 8 x 8 and 4 x 4, behind two
    # levels at 32 x 32 and 16 x 16 (32 and 64 channels, no attention) that bring pixels down to them.
    "unet_pixel": (lambda: UNet(channels=3, widths=(32, 64, 64, 128), attention_from=2), "images", "pixel",
                   "a pixel-space U-Net of the same design, trained briefly, for chapter 3's cost comparison"),
    "dit_adaln": (lambda: DiT(depth=4, conditioning="adaln"), "images", "latent", "chapter 6: text through adaLN"),
    "dit_cross": (lambda: DiT(depth=4, conditioning="cross"), "images", "latent", "chapter 6: text through cross-attention"),
    "dit_in_context": (lambda: DiT(depth=4, conditioning="in_context"), "images", "latent", "chapter 6: text tokens in the sequence"),
}


def load_text_encoder(tiny, states="hidden"):
    """The frozen text encoder a denoiser reads, as a module tokens -> (per-token states, pooled): states
    "hidden" are the CLIP text tower's; "phrases" are those passed through the context blocks
    (text_context.py), each token carrying its phrase's words (the text encoder's ONNX outputs of those names)."""
    te = C.load_frozen(TextEncoder(), "clip", "text.", tiny, "no text encoder checkpoint: run the clip stage first")
    if states == "hidden":
        return te
    from text_context import ContextualText, load_context
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


# The default guidance scale a model's manifest entry names (npm run eval's sweep of 2026-11-30, 8 seeds a prompt):
# the U-Net is judged better at 2 than at 4 (single object 0.872 against 0.736, two objects 0.594 against 0.462,
# binding 0.381 against 0.356; colour, position and size within 0.01); the DiT stays at 4 (at 2 its clips' motion
# falls from 0.881 to 0.733, its images gain little).
GUIDANCE = {"unet": 2.0}
# The inspect outputs of dit and unet, in the order the model returns them (its `extra`).
INSPECT_OUTPUTS = {
    "dit": {"self_attention": "(N, layers, heads, tokens, tokens)",
            "adaln": "(N, layers, 6, width): shift1 scale1 gate1 shift2 scale2 gate2",
            "cross_attention": "(N, layers, heads, tokens, 24)"},
    "unet": {"cross_attention": "(N, layers, heads, tokens, 24)"},
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=MODELS, default="dit")
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--image-batch", type=int, default=96)
    ap.add_argument("--clip-batch", type=int, default=16)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--clip-share", type=float, default=0.5, help="share of steps that train on eight-frame clips (joint models)")
    ap.add_argument("--decay-minutes", type=float, default=0,
                    help="cosine-decay the learning rate to 1/20 over the last N minutes of the budget")
    ap.add_argument("--snapshot-steps", default="",
                    help="NAME=STEP,...: after STEP steps, export the EMA as <model>_NAME.onnx (and keep its fp16 weights in "
                         "weights/.work/snapshots), e.g. snap16=1870,snap4=7790")
    ap.add_argument("--eval-every", type=float, default=15, help="minutes between sample checks by the judge")
    ap.add_argument("--captions", choices=["dropout", "styled"], default="dropout",
                    help="dropout: each optional caption part dropped with probability 1/3; styled: half so, half naming one random set of kinds for all objects")
    ap.add_argument("--text", choices=["hidden", "phrases"], default=None,
                    help="the text encoder's per-token outputs the denoiser reads: the CLIP's (hidden), or the context blocks' "
                         "(phrases, text_context.py); default: what the run being resumed read, else hidden")
    ap.add_argument("--weight-floor", type=float, default=0.0,
                    help="raise every timestep's min-SNR-5 loss weight to at least this (the noisiest and the cleanest steps weigh < 0.1 otherwise)")
    ap.add_argument("--shared-noise", type=float, default=None,
                    help="a: clip batches' noise is (a * eps_shared + eps_own_f) / sqrt(1 + a^2) over frames (diffusion.frame_noise); "
                         "images keep N(0, I); default: what the run being resumed used, else 0")
    ap.add_argument("--clip-t-shift", type=float, default=0.0,
                    help="for clip batches only, move each drawn timestep to where log-SNR is this much lower "
                         "(2 ln 2 = 1.386: more samples at t ~ 550-950, where clips decide what they show); loss weights unchanged")
    ap.add_argument("--probe", default="",
                    help="NAME: a probe from the committed EMA weights: its own checkpoint and log (<model>-NAME), no export; "
                         "its fp16 EMA goes to weights/.work/probes/<model>-NAME-ema-fp16.pt for eval_denoiser --weights")
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args()
    C.setup_threads()
    torch.manual_seed(0)
    make, data, space, purpose = MODELS[args.model]
    stage = args.model + (f"-{args.probe}" if args.probe else "") + ("-tiny" if args.tiny else "")
    budget = args.minutes * 60
    images = load_set("images", space, args.tiny)
    clips = load_set("clips8", space, args.tiny) if data == "joint" else None
    model = make()
    ema = C.EMA(model, args.ema)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    ck = None if args.fresh else C.load_checkpoint(stage)
    step, elapsed, done_snaps = 0, 0.0, []
    if ck:
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"]); ema.shadow = ck["ema"]
        step, elapsed, done_snaps = ck["step"], ck["elapsed"], ck.get("snapshots", [])
        print(f"resuming {stage} at step {step}, {elapsed / 60:.1f} min")
    elif not args.fresh and not args.tiny and (C.WEIGHTS / "checkpoints" / f"{args.model}-ema-fp16.pt").exists():
        # A new machine (or a probe): no optimizer state, but the committed EMA weights carry the run on.
        saved = torch.load(C.WEIGHTS / "checkpoints" / f"{args.model}-ema-fp16.pt")
        model.load_state_dict({k: v.float() for k, v in saved["ema"].items()})
        ema = C.EMA(model, args.ema)
        step, elapsed, done_snaps = saved["step"], saved["elapsed"], saved.get("snapshots", [])
        ck = saved
        print(f"resuming {stage} from the committed EMA weights at step {step}, {elapsed / 60:.1f} min (fresh optimizer)")
    # What the run so far read (checkpoints before 2026-12-01 do not say: the manifest's entry does).
    before = (ck.get("text_states") or text_states_of(args.model, args.tiny)) if ck else None
    text_states = args.text or before or "hidden"
    if before and text_states != before:
        print(f"{stage}: trained so far on the text encoder's {before} output, from here on its {text_states} output")
    text = load_text_encoder(args.tiny, text_states)
    shared_noise = args.shared_noise if args.shared_noise is not None else (ck.get("shared_noise", 0.0) if ck else 0.0)
    log = C.Log(stage, fresh=ck is None or bool(args.probe and "opt" not in ck))
    rng = np.random.default_rng(step + 7)
    timer = C.Timer(elapsed)
    first = step  # warm-up counts from here: a resume may bring a fresh optimizer
    last_save = last_eval = timer.elapsed
    snaps = parse_snapshot_steps(args.snapshot_steps)
    if not args.fresh and not args.tiny:  # a snapshot already exported is never overwritten by a later point of the run
        done_snaps += [s for s in snaps if s not in done_snaps and (C.WEIGHTS / f"{args.model}_{s}.onnx").exists()]
    # `kill -USR1 <pid>` exports the current EMA weights (and saves a checkpoint) without stopping the run.
    export_now = []
    signal.signal(signal.SIGUSR1, lambda *_: export_now.append(True))
    print(f"{stage}: {C.count_params(model)} parameters, {purpose}")
    def save():
        C.save_checkpoint(stage, model=model.state_dict(), opt=opt.state_dict(), ema=ema.shadow, text_states=text_states, step=step,
                          elapsed=timer.elapsed, snapshots=done_snaps, shared_noise=shared_noise)

    with C.PidFile():
        model.train()
        while (step < 4) if args.tiny else timer.elapsed < budget:
            lr = args.lr * min(1.0, (step - first + 1) / 200) * decay(timer.elapsed, budget, args.decay_minutes * 60)
            for g in opt.param_groups:
                g["lr"] = lr
            use_clips = clips is not None and math.floor((step + 1) * args.clip_share) > math.floor(step * args.clip_share)
            ds, n = (clips, args.clip_batch) if use_clips else (images, args.image_batch)
            if args.tiny:
                n = 4
            x0, hidden, pooled = batch_of(ds, n, space, rng, text, captions=args.captions)
            t = torch.from_numpy(rng.integers(0, D.T, n))
            if use_clips:
                t = D.shift_timesteps(t, args.clip_t_shift)
            noise = D.frame_noise(x0.shape, shared_noise if use_clips else 0.0)
            pred = model(D.q_sample(x0, t, noise), t.float(), hidden, pooled)
            per_sample = (pred - D.v_target(x0, t, noise)).pow(2).flatten(1).mean(1)
            loss = (D.min_snr_weight(t).clamp(min=args.weight_floor) * per_sample).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            grad = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            ema.update(model, min(args.ema, (1 + step) / (10 + step)))
            step += 1
            if step % 100 == 0 or args.tiny:
                log(step=step, minutes=timer.elapsed / 60, loss=loss.item(), grad_norm=float(grad), lr=lr,
                    kind="clips" if use_clips else "images")
            for s, at in snaps.items():
                if s not in done_snaps and step == at:
                    # an export keeps no PyTorch weights of a snapshot: these are for reexport.py --checkpoint
                    save_ema(C.WORK / "snapshots" / f"{args.model}_{s}-ema-fp16.pt", ema, step, timer.elapsed, text_states, shared_noise)
                    export(args.model, ema, step, timer.elapsed, suffix=f"_{s}", text_states=text_states, shared_noise=shared_noise)
                    done_snaps.append(s)
            if export_now:
                export_now.clear()
                save()
                if args.probe:
                    save_ema(probe_file(args.model, args.probe), ema, step, timer.elapsed, text_states, shared_noise)
                else:
                    export(args.model, ema, step, timer.elapsed, text_states=text_states, shared_noise=shared_noise)
            if timer.elapsed - last_save > 300:
                save()
                last_save = timer.elapsed
            if not args.tiny and timer.elapsed - last_eval > args.eval_every * 60:
                quick_eval(args.model, ema, text, step, timer.elapsed, log, shared_noise)
                last_eval = timer.elapsed
        save()
        if args.probe and not args.tiny:
            save_ema(probe_file(args.model, args.probe), ema, step, timer.elapsed, text_states, shared_noise)
            print(f"probe {stage}: step {step}, {timer.elapsed / 60:.1f} min; fp16 EMA in {probe_file(args.model, args.probe)}")
        else:
            export(args.model, ema, step, timer.elapsed, tiny=args.tiny, text_states=text_states, shared_noise=shared_noise)


def probe_file(model, probe):
    return C.WORK / "probes" / f"{model}-{probe}-ema-fp16.pt"


def decay(elapsed, budget, span):
    """1 until the last `span` seconds of the budget, then a cosine down to 1/20."""
    if span <= 0 or elapsed < budget - span:
        return 1.0
    frac = min(1.0, (elapsed - (budget - span)) / span)
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac))


def ema_model(name, ema):
    m = MODELS[name][0]()
    ema.copy_to(m)
    return C.round_to_fp16(m.eval())


def parse_snapshot_steps(text):
    """'snap16=1870,snap4=7790' -> {'snap16': 1870, 'snap4': 7790}."""
    snaps = {}
    for part in filter(None, text.split(",")):
        name, sep, at = part.partition("=")
        if not sep or not name.isidentifier() or not at.isdigit():
            raise SystemExit(f"--snapshot-steps: expected NAME=STEP, got {part!r}")
        snaps[name] = int(at)
    return snaps


def save_ema(path, ema, step, elapsed, text_states, shared_noise=0.0):
    """The EMA weights as fp16 with where the run was: what a fresh machine resumes from and reexport.py exports."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"ema": {k: v.half() for k, v in ema.shadow.items()}, "step": step, "elapsed": elapsed, "text_states": text_states,
                "shared_noise": shared_noise}, path)


def load_ema(name, path):
    """A file of save_ema's as (model with those weights in fp32, the file's dict)."""
    saved = torch.load(path)
    model = MODELS[name][0]()
    model.load_state_dict({k: v.float() for k, v in saved["ema"].items()})
    return model, saved


@torch.no_grad()
def quick_eval(name, ema, text, step, elapsed, log, shared_noise=0.0):
    """Sample a few prompts with the EMA weights, decode with the VAE, and let the world's judge score them."""
    from latents import load_vae, scaling_factor
    model, vae = ema_model(name, ema), load_vae()
    space = MODELS[name][2]
    prompts = [l for l in (C.ROOT / "weights" / "train" / "eval_prompts.txt").read_text().splitlines() if l.strip()]
    frames = 8 if MODELS[name][1] == "joint" else 1
    out = []
    for prompt_set_frames in sorted({1, frames}):
        ps = [p for p in prompts if ("moving" in p or "staying" in p) == (prompt_set_frames == 8)]
        tokens = torch.tensor([C.token_ids(p.split()) for p in ps])
        ctx, pooled_ctx = text(tokens)
        unc, pooled_unc = text(torch.tensor([C.empty_ids()] * len(ps)))
        shape = (len(ps), prompt_set_frames, 4, 8, 8) if space == "latent" else (len(ps), 1, 3, 32, 32)
        g = torch.Generator().manual_seed(1234)
        z = D.ddim_sample(model, shape, ctx, unc, guidance=4.0, steps=30, generator=g, shared=shared_noise,
                          pooled=(pooled_ctx, pooled_unc) if name == "dit_adaln" else None)
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
    model = ema_model(name, ema)
    space = MODELS[name][2]
    out_dir = C.WORK / "tiny" if tiny else C.WEIGHTS
    frames = 8 if MODELS[name][1] == "joint" else 1
    shape = (2, frames, 4, 8, 8) if space == "latent" else (2, 1, 3, 32, 32)
    g = torch.Generator().manual_seed(5)
    latent, timestep, context = torch.randn(shape, generator=g), torch.tensor([999.0, 250.0]), torch.randn(2, 24, 128, generator=g)
    axes = {"latent": {0: "batch", 1: "frames", 3: "height", 4: "width"}, "timestep": {0: "batch"}, "context": {0: "batch"},
            "prediction": {0: "batch", 1: "frames", 3: "height", 4: "width"}}
    fname = f"{name}{suffix}"
    if name == "dit_adaln":
        pooled = torch.nn.functional.normalize(torch.randn(2, 64, generator=g), dim=-1)
        path = C.export_onnx(ExportedPooled(model), (latent, timestep, context, pooled), out_dir / f"{fname}.onnx",
                             ["latent", "timestep", "context", "pooled"], ["prediction"], {**axes, "pooled": {0: "batch"}})
        golden_in = {"latent": latent, "timestep": timestep, "context": context, "pooled": pooled}
        golden_out = {"prediction": model(latent, timestep, context, pooled)}
    elif name in INSPECT_OUTPUTS and not suffix:
        # One file for the model and its inspect twin: the graph also returns the attention maps
        # (and the DiT's adaLN values); the page's `dit` fetches only `prediction`, which
        # onnxruntime computes without copying the rest out, and `dit_inspect` fetches them all.
        path = C.export_onnx(Exported(model, True), (latent, timestep, context), out_dir / f"{fname}.onnx",
                             ["latent", "timestep", "context"], ["prediction", *INSPECT_OUTPUTS[name]], axes)
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
    info = {"stage": name, "steps": step, "train_minutes": round(elapsed / 60, 1), "purpose": MODELS[name][3],
            "space": space, "trained_on": "images and 8-frame clips, mixed batches (the recipes are in its card)" if MODELS[name][1] == "joint" else "images",
            **D.SCHEDULE, "guidance_scale": GUIDANCE.get(name, 4.0), "sampler": "ddim", "num_inference_steps": 30,
            "text_states": text_states, **({"shared_noise": shared_noise} if shared_noise else {})}
    flops_shapes = {"latent": [2, 1, *shape[2:]], "timestep": [2], "context": [2, 24, 128]}
    inputs = {"latent": "float32 (N, F, C, H, W), scaled" if space == "latent" else "float32 (N, 1, 3, 32, 32) pixels in [-1, 1]",
              "timestep": "float32 (N,)", "context": f"float32 (N, 24, 128) the text encoder's {text_states} output"}
    if name == "dit_adaln":  # the exporter drops the unread context input: text enters through adaLN only
        del flops_shapes["context"], inputs["context"]
        flops_shapes["pooled"] = [2, 64]
        inputs["pooled"] = "float32 (N, 64) the pooled caption embedding, unit length (the graph has no context input: text enters through adaLN only)"
    one = tuple(v[:, :1] if k == "latent" else v for k, v in golden_in.items())  # batch 2, one frame
    flops = C.static_flops(ExportedPooled(model) if name == "dit_adaln" else Exported(model, False), one, list(golden_in))
    manifest.add_model(fname, path, params=C.count_params(model), flops_shapes=flops_shapes, flops=flops,
                       inputs=inputs,
                       outputs={"prediction": "v-prediction, same shape as latent"}, **info)
    if frames == 8:
        m = manifest.load()
        m["models"][fname]["flops_clip"] = C.static_flops(Exported(model, False), (latent, timestep, context), ["latent", "timestep", "context"])
        manifest.save(m)
    if name in INSPECT_OUTPUTS and not suffix:
        manifest.add_model(f"{name}_inspect", path, params=C.count_params(model),
                           inputs={"latent": "as the model", "timestep": "as the model", "context": "as the model"},
                           outputs={"prediction": "as the model", **INSPECT_OUTPUTS[name]},
                           stage=name, steps=step, text_states=text_states,
                           purpose=f"the file of {name}, with every output: " + ("attention maps and adaLN values" if name == "dit" else "cross-attention maps") + " for the chapters")
        for stale in (C.WEIGHTS / f"{name}_inspect.onnx", C.GOLDEN / f"{name}_inspect.json"):  # the twin had its own file before
            stale.unlink(missing_ok=True)
    print(f"exported {fname}: step {step}, {elapsed / 60:.1f} min")


if __name__ == "__main__":
    main()
