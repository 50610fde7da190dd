"""Score a trained denoiser on the world's categories (pipeline/world/score.ts's
prompt sets, `seeds` samples each), sampling in batches with PyTorch (the same
EMA weights as the ONNX export, fp16-rounded) and judging every sample with the
world's judge (tools/judge-batch.ts). Writes weights/eval/<model>.json.

    python3 weights/train/eval_denoiser.py --model dit [--seeds 8] [--frames 1|8] [--steps 30] [--guidance 4]
"""
import argparse
import json
import subprocess
from pathlib import Path

import numpy as np
import torch

import common as C
import diffusion as D
import manifest
from latents import load_vae, scaling_factor
from denoisers import MODELS, load_text_encoder, text_states_of


# The quality table (issue 4): the bar each score must reach. Never lowered here.
BARS = {
    "unet": {"images": {"single object": 0.98, "two objects": 0.85, "colour": 0.95, "position": 0.85, "colour binding": 0.75, "size": 0.90}},
    "dit": {"images": {"single object": 0.98, "two objects": 0.90, "colour": 0.95, "position": 0.90, "colour binding": 0.80, "size": 0.90},
            "clips": {"single object": 0.95, "two objects": 0.85, "colour": 0.95, "colour binding": 0.75, "size": 0.90, "motion": 0.90,
                      "temporal consistency": 0.90}},
}


def prompt_sets():
    r = subprocess.run(["npx", "tsx", "tools/prompt-sets.ts"], cwd=C.ROOT, capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def judge(pix, prompts, name):
    d = C.WORK / "eval"
    d.mkdir(parents=True, exist_ok=True)
    np.save(d / f"{name}.npy", pix)
    (d / f"{name}.txt").write_text("\n".join(prompts) + "\n")
    r = subprocess.run(["npx", "tsx", "tools/judge-batch.ts", "--frames", str(d / f"{name}.npy"), "--prompts", str(d / f"{name}.txt"), "--verbose"],
                       cwd=C.ROOT, capture_output=True, text=True)
    lines = r.stdout.strip().splitlines()
    (d / f"{name}.verdicts.txt").write_text("\n".join(lines[:-1]) + "\n")
    return json.loads(lines[-1])


@torch.no_grad()
def sample(model, vae, text, prompts, seeds, frames, steps, guidance, space, batch=64, takes_pooled=False, interval=None, shared=0.0):
    """takes_pooled: the model reads the pooled caption embedding (its entry's takes_pooled, dit_adaln)."""
    out = []
    scale = scaling_factor()
    # A category's set may name the same prompt more than once ("a circle" stands for every colour of
    # circle): each repeat gets its own seeds (the k-th repeat seeds k*seeds … k*seeds+seeds-1), so
    # that every sample is a new draw, never a copy of one already judged.
    jobs, repeats = [], {}
    for p in prompts:
        k = repeats.get(p, 0)
        repeats[p] = k + 1
        jobs += [(p, k * seeds + s) for s in range(seeds)]
    for i in range(0, len(jobs), batch):
        chunk = jobs[i:i + batch]
        ctx, pooled_ctx = text(torch.tensor([C.token_ids(p.split()) for p, _ in chunk]))
        unc, pooled_unc = text(torch.tensor([C.empty_ids()] * len(chunk)))
        noise = torch.stack([D.frame_noise((frames, 4, 8, 8) if space == "latent" else (1, 3, 32, 32), shared,
                                           generator=torch.Generator().manual_seed(1000 * s + 17)) for _, s in chunk])
        z = D.ddim_sample(model, noise.shape, ctx, unc, guidance, steps, x=noise,
                          pooled=(pooled_ctx, pooled_unc) if takes_pooled else None, interval=interval)
        pix = vae.decoder(z.reshape(-1, 4, 8, 8) / scale) if space == "latent" else z.reshape(-1, 3, 32, 32)
        pix = ((pix.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).reshape(len(chunk), -1, 32, 32, 3)
        out.append(pix.numpy())
    return np.concatenate(out), [p for p, _ in jobs], [s for _, s in jobs]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=MODELS, default="dit")
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--frames", type=int, choices=[1, 8], default=None, help="default: 1 for image models; both for the DiT")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--guidance", type=float, default=4.0)
    ap.add_argument("--guidance-interval", default="", help="LO,HI: guide only the steps with LO <= t < HI (default: every step)")
    ap.add_argument("--categories", default="", help="comma-separated subset")
    ap.add_argument("--checkpoint", default="", help="a training checkpoint stage instead of the committed EMA (e.g. dit)")
    ap.add_argument("--weights", default="", help="an fp16 EMA file instead of the committed one (a probe's, weights/.work/probes/…)")
    ap.add_argument("--shared-noise", type=float, default=None,
                    help="the frames' shared part of the starting noise (diffusion.frame_noise); default: the weights file's, else the manifest's, else 0")
    ap.add_argument("--text", choices=["hidden", "phrases"], default=None,
                    help="the text encoder's per-token output the model reads; default: the model's manifest entry's text_states")
    ap.add_argument("--out", default="", help="where to write, under weights/eval (e.g. guidance/dit-g2); default: <model>")
    args = ap.parse_args()
    C.setup_threads()
    entry = MODELS[args.model]
    space = entry.space
    model = entry.make()
    if args.checkpoint:
        saved = C.load_checkpoint(args.checkpoint)
        model.load_state_dict(saved["ema"])
    else:
        saved = torch.load(args.weights or C.WEIGHTS / "checkpoints" / f"{args.model}-ema-fp16.pt")
        model.load_state_dict({k: v.float() for k, v in saved["ema"].items()})
    # The committed model is judged as the page samples it (the manifest's a, which may differ from the a it
    # was trained at); other weights at the a they were trained at, unless told.
    shipped = manifest.load()["models"].get(args.model, {}).get("shared_noise", 0.0)
    shared = args.shared_noise if args.shared_noise is not None else (
        saved.get("shared_noise", shipped) if args.checkpoint or args.weights else shipped)
    model = C.round_to_fp16(model.eval())
    states = args.text or text_states_of(args.model, False)
    interval = tuple(int(v) for v in args.guidance_interval.split(",")) if args.guidance_interval else None
    vae, text = load_vae(), load_text_encoder(False, states)
    sets = prompt_sets()
    wanted = [c for c in args.categories.split(",") if c]
    frame_counts = [args.frames] if args.frames else ([1, 8] if entry.data == "joint" else [1])
    results, verdicts = {}, []
    for frames in frame_counts:
        for cat in sets["categories"]:
            if wanted and cat not in wanted:
                continue
            clip_cat = cat in sets["clip_categories"]
            if (frames == 1 and clip_cat) or (frames == 8 and cat == "position"):
                continue
            kind = "clips" if frames == 8 else "images"
            pix, prompts, seeds = sample(model, vae, text, sets["prompts"][cat], args.seeds, frames, args.steps, args.guidance, space,
                                         takes_pooled=entry.takes_pooled, interval=interval, shared=shared)
            name = f"{args.model}-{frames}-{cat.replace(' ', '_')}"
            r = judge(pix, prompts, name)
            lines = (C.WORK / "eval" / f"{name}.verdicts.txt").read_text().splitlines()
            verdicts += [f"{kind}\t{cat}\tseed {s}\t{line}" for s, line in zip(seeds, lines)]
            bar = BARS.get(args.model, {}).get(kind, {}).get(cat)
            if bar is not None:
                r["bar"] = bar
            results.setdefault(kind, {})[cat] = r
            verdict = "" if bar is None else f"  bar {bar:.2f}: {'PASS' if r['rate'] >= bar else 'FAIL'}"
            print(f"{args.model} {kind} {cat}: {r['rate']:.3f} of {r['n']} (95 % CI {r['ci95']}){verdict}", flush=True)
    # Each sample's verdict: kind, category, seed, PASS/FAIL, prompt, the judge's reason.
    # A run over some categories (or one frame count) keeps the other scores already written for the
    # same weights and settings; scores of other weights or settings are dropped.
    (C.WEIGHTS / "eval").mkdir(exist_ok=True)
    settings = {"model": args.model, "weights_sha256": weights_sha(args), "seeds_per_prompt": args.seeds, "steps": args.steps,
                "guidance": args.guidance, **({"guidance_interval": list(interval)} if interval else {}), **({"shared_noise": shared} if shared else {}), "sampler": "ddim (eta 0), trailing", "text_states": states}
    stem = C.WEIGHTS / "eval" / (args.out or args.model)
    stem.parent.mkdir(parents=True, exist_ok=True)
    json_file, tsv_file = stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".verdicts.tsv")
    old = json.loads(json_file.read_text()) if json_file.exists() else {}
    if old and all(old.get(k) == v for k, v in settings.items()):
        done = {(kind, cat) for kind, cats in results.items() for cat in cats}
        for kind, cats in old.get("scores", {}).items():
            for cat, r in cats.items():
                if cat != "overall" and (kind, cat) not in done:
                    results.setdefault(kind, {})[cat] = r
        if tsv_file.exists():
            verdicts = [l for l in tsv_file.read_text().splitlines() if l and tuple(l.split("\t")[:2]) not in done] + verdicts
    for kind, cats in results.items():
        cats.pop("overall", None)
        cats["overall"] = round(float(np.mean([c["rate"] for c in cats.values()])), 4)
    tsv_file.write_text("\n".join(verdicts) + "\n")
    doc = {**settings, "how": "python3 weights/train/eval_denoiser.py (PyTorch sampling of the fp16 EMA weights, the world's judge); "
                              "a prompt named k times in a category's set is sampled with 8k different seeds", "scores": results}
    json_file.write_text(json.dumps(doc, indent=2) + "\n")


def weights_sha(args):
    """Which weights were scored: the committed fp16 EMA file's sha256 (or the checkpoint named)."""
    import hashlib
    if args.checkpoint:
        return f"checkpoint {args.checkpoint}"
    return hashlib.sha256(Path(args.weights or C.WEIGHTS / "checkpoints" / f"{args.model}-ema-fp16.pt").read_bytes()).hexdigest()


if __name__ == "__main__":
    with C.PidFile():  # npm test and npm run bench pause it, as they pause training
        main()
