"""Stages `dit`, `unet` and the chapter models: train a denoiser on cached VAE
latents (or on pixels, for the pixel-space U-Net), conditioned on the frozen text
encoder, with v-prediction, min-SNR-5 loss weights, the cosine schedule, the
prompt dropped 10 % of the time (for classifier-free guidance) and an EMA.
The DiT trains jointly on images and eight-frame clips, as Sora does: batches
alternate between the two.

    python3 weights/train/train_denoiser.py --model dit [--minutes 120] [--tiny] [--fresh]

This file is the script (its arguments and the training loop); the models, the text encoder they
read, batches, exports and the EMA weights' files are in denoisers.py.
"""
import argparse
import math
import signal

import numpy as np
import torch

import common as C
import diffusion as D
from denoisers import MODELS, batch_of, export, load_set, load_text_encoder, quick_eval, save_ema, text_states_of


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
    entry = MODELS[args.model]
    space = entry.space
    stage = args.model + (f"-{args.probe}" if args.probe else "") + ("-tiny" if args.tiny else "")
    budget = args.minutes * 60
    images = load_set("images", space, args.tiny)
    clips = load_set("clips8", space, args.tiny) if entry.data == "joint" else None
    model = entry.make()
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
    print(f"{stage}: {C.count_params(model)} parameters, {entry.purpose}")
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


def parse_snapshot_steps(text):
    """'snap16=1870,snap4=7790' -> {'snap16': 1870, 'snap4': 7790}."""
    snaps = {}
    for part in filter(None, text.split(",")):
        name, sep, at = part.partition("=")
        if not sep or not name.isidentifier() or not at.isdigit():
            raise SystemExit(f"--snapshot-steps: expected NAME=STEP, got {part!r}")
        snaps[name] = int(at)
    return snaps


if __name__ == "__main__":
    main()
