"""Model cards: weights/cards/<model>.md for every model in the manifest, with its
learning curve drawn as an SVG from weights/logs/<stage>.jsonl and the quality
measured by `npm run eval` (weights/eval/*.json) where present.

    python3 weights/train/cards.py
"""
import json

import common as C

CARDS = C.WEIGHTS / "cards"

ABOUT = {
    "vae_encoder": ("VAE encoder", "A KL-regularised autoencoder like Stable Diffusion's, per frame: convolutions, GroupNorm and SiLU, two stride-2 downsamplings, 32 x 32 x 3 -> 8 x 8 x 4 (the posterior mean).",
                    "Sora compresses space *and* time with a video autoencoder; this one compresses each frame alone (time stays uncompressed)."),
    "vae_decoder": ("VAE decoder", "The decoder of the same autoencoder: 8 x 8 x 4 -> 32 x 32 x 3, nearest-neighbour upsampling and convolutions.",
                    "Per frame, as above; Sora's decoder maps a spacetime latent back to video."),
    "text_encoder": ("Text encoder (small CLIP, text tower)", "Token and position embeddings, 4 pre-LN transformer blocks (width 128, 4 heads) with bidirectional attention over non-padding tokens; the per-token outputs condition every denoiser (frozen); the <end> token's output, projected, is the caption embedding. Trained contrastively against the video tower.",
                     "Sora's text conditioning is not published in detail (DALL-E 3-style re-captioning and a large language-model encoder are likely); this is a 0.8 M-parameter encoder of a 30-word vocabulary."),
    "video_encoder": ("Video encoder (small CLIP, image tower)", "A per-frame convolutional encoder, frame-index embeddings and 2 transformer blocks over frames, mean-pooled and projected; lets the page score a frame or clip against a prompt.",
                      "Not part of Sora's published pipeline; here it trains the text encoder and scores clips."),
    "dit": ("Video Diffusion Transformer", "DiT with adaLN-Zero for the timestep and cross-attention to the text tokens in each block (PixArt-alpha style), over spacetime patches of 1 x 2 x 2 of the latent; fixed sin-cos positions of (t, row, column) computed from coordinates, so any number of frames and any even latent size work. Trained jointly on images (one-frame clips) and eight-frame clips, v-prediction, cosine schedule, min-SNR-5 loss weights, the prompt dropped 10 % of the time.",
            "Sora is a DiT over spacetime patches too, but vastly larger, trained on real video at native resolutions, durations and aspect ratios; this one has seen 32 x 32 coloured shapes only."),
}


def svg_curve(rows, key, title, width=480, height=160):
    pts = [(r["minutes"], r[key]) for r in rows if key in r and isinstance(r[key], (int, float))]
    if len(pts) < 2:
        return None
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    pad = 32
    sx = lambda x: pad + (x - x0) / max(1e-9, x1 - x0) * (width - 2 * pad)
    sy = lambda y: height - pad + (y - y0) / max(1e-9, y1 - y0) * -(height - 2 * pad)
    line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">'
            f'<rect width="100%" height="100%" fill="white"/><text x="{pad}" y="16">{title}</text>'
            f'<polyline fill="none" stroke="#1f5fbf" stroke-width="1.5" points="{line}"/>'
            f'<text x="{pad}" y="{height - 8}">{x0:.0f} min</text><text x="{width - pad}" y="{height - 8}" text-anchor="end">{x1:.0f} min</text>'
            f'<text x="4" y="{sy(y1) + 4:.0f}">{y1:.3g}</text><text x="4" y="{sy(y0):.0f}">{y0:.3g}</text></svg>\n')


def main():
    m = json.loads((C.WEIGHTS / "manifest.json").read_text())
    CARDS.mkdir(parents=True, exist_ok=True)
    for name, e in m["models"].items():
        base = name.replace("_inspect", "").split("_snap")[0]
        title, arch, sora = ABOUT.get(base, (name, e.get("purpose", ""), ""))
        stage = e.get("stage", base)
        log = C.LOGS / f"{stage}.jsonl"
        rows = [json.loads(l) for l in log.read_text().splitlines()] if log.exists() else []
        curves = []
        for key in ("heldout_psnr", "loss", "image_top1", "clip_top1"):
            svg = svg_curve(rows, key, f"{stage}: {key} against training minutes")
            if svg:
                (CARDS / f"{stage}-{key}.svg").write_text(svg)
                curves.append(f"![{stage} {key}]({stage}-{key}.svg)")
        quality = C.WEIGHTS / "eval" / f"{base}.json"
        lines = [f"# {title} (`{e['file']}`)", "", arch, "",
                 "| | |", "|---|---|",
                 f"| parameters | {e['params']:,} |",
                 f"| file | {e['bytes'] / 1e6:.2f} MB (weights stored as fp16, computed in fp32) |",
                 f"| FLOPs a call | {e['flops'] / 1e6:.1f} M at {e.get('flops_shapes')} (counted from the ONNX graph) |" if "flops" in e else "| FLOPs | not counted |",
                 f"| training | {e.get('steps', '?')} steps, {e.get('train_minutes', '?')} minutes of a 2-core CPU (Debian's PyTorch 1.13) |",
                 f"| data | Shapes World v1 (../../shared/world-spec.md): 50,000 eight-frame clips and 60,000 images, captions with optional parts dropped |",
                 f"| inputs | {json.dumps(e.get('inputs', {}))} |", f"| outputs | {json.dumps(e.get('outputs', {}))} |", ""]
        measured = {k: v for k, v in e.items() if k in ("heldout_psnr_db", "retrieval_top1", "judge_round_trip")}
        if measured:
            lines += ["## Measured", "", "```json", json.dumps(measured, indent=2), "```", ""]
        if quality.exists():
            lines += ["## Quality (npm run eval, the world's judge)", "", "```json", quality.read_text().strip(), "```", ""]
        if curves:
            lines += ["## Learning curves", ""] + curves + [""]
        lines += ["## Limits", "", "Trained only on the Shapes World: 32 x 32 frames, six colours, three shapes, two sizes, at most two objects, four directions of motion. Anything outside that is out of distribution.", ""]
        if sora:
            lines += ["## What differs from Sora", "", sora, ""]
        (CARDS / f"{name}.md").write_text("\n".join(lines))
    print(f"wrote {len(m['models'])} cards to {CARDS}")


if __name__ == "__main__":
    main()
