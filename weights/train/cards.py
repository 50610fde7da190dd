"""Model cards: weights/cards/<model>.md for every model in the manifest, with its
learning curve drawn as an SVG from weights/logs/<stage>.jsonl and the quality
measured by `npm run eval` (weights/eval/*.json) where present.

The prose is Markdown in weights/cards/src/: <model>.md is a model's card (its snapshots
and inspect twin use their model's) with placeholders this script fills with the figures
it reads: {{name}} inline, and on a line of its own a section, which goes away with the
blank line after it when it has nothing to say. _default.md is the card of a model with
no file of its own; _limits.md, _snapshot.md and _not-judged.md are sections cards share.

    python3 weights/train/cards.py
"""
import json
import re

import common as C

CARDS = C.WEIGHTS / "cards"
SRC = CARDS / "src"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def part(name, **values):
    """A shared section of src/ (_<name>.md) as lines, its placeholders filled."""
    return fill((SRC / f"_{name}.md").read_text(), values, {}, f"_{name}.md").rstrip("\n").split("\n")


def fill(template, values, sections, where):
    """The template with each {{key}} replaced by values[key]; a line that is only {{key}} of a section is
    replaced by that section's lines, or dropped with the blank line after it when the section is empty."""
    def value(m):
        if m[1] not in values:
            raise SystemExit(f"cards.py: {where} names {{{{{m[1]}}}}}, which the script does not fill")
        return str(values[m[1]])

    out, lines = [], template.split("\n")
    i = 0
    while i < len(lines):
        m = PLACEHOLDER.fullmatch(lines[i])
        if m and m[1] in sections:
            if sections[m[1]]:
                out += sections[m[1]]
            elif i + 1 < len(lines) and lines[i + 1] == "":
                i += 1
        else:
            out.append(PLACEHOLDER.sub(value, lines[i]))
        i += 1
    return "\n".join(out)


def quality_table(doc):
    """weights/eval/<model>.json as a Markdown table: category, rate, samples, 95 % interval, the issue's bar."""
    out = [f"{doc['seeds_per_prompt']} seeds a prompt, {doc['steps']} DDIM steps, guidance {doc['guidance']} ({doc['how']}).", "",
           "| kind | category | pass rate | samples | 95 % interval | bar |", "|---|---|---|---|---|---|"]
    for kind, cats in doc["scores"].items():
        for cat, r in cats.items():
            if cat == "overall":
                continue
            bar = r.get("bar")
            mark = "" if bar is None else f"{bar:.2f} {'met' if r['rate'] >= bar else '**not met**'}"
            out.append(f"| {kind} | {cat} | {r['rate']:.3f} | {r['n']} | {r['ci95'][0]:.3f}–{r['ci95'][1]:.3f} | {mark} |")
    return out


def probes_table(*models):
    """weights/eval/probes/<model>-*.json that hold judged scores (eval_denoiser.py --out probes/…) as one Markdown table: each probe's
    pass rates with their samples and 95 % intervals, and the shared starting noise it was sampled with. Several models' probes
    go in one table, each row named <model> <probe>."""
    docs = []
    for model in models:
        for f in sorted((C.WEIGHTS / "eval" / "probes").glob(f"{model}-*.json")):
            name = f.stem[len(model) + 1:]
            docs.append((name if len(models) == 1 else f"{model} {name}", json.loads(f.read_text())))
    docs = [(name, doc) for name, doc in docs if "scores" in doc]  # judged probes only (not the data-gap probe's losses)
    cats = []
    for _, doc in docs:
        for kind, scores in doc["scores"].items():
            cats += [(kind, c) for c in scores if c != "overall" and (kind, c) not in cats]
    if not docs:
        return []
    out = ["| probe | sampled with a | " + " | ".join(f"{kind} {c}" for kind, c in cats) + " |", "|---|---|" + "---|" * len(cats)]
    for name, doc in docs:
        cells = []
        for kind, c in cats:
            r = doc["scores"].get(kind, {}).get(c)
            cells.append("—" if r is None else f"{r['rate']:.3f} (n {r['n']}, {r['ci95'][0]:.2f}–{r['ci95'][1]:.2f})")
        out.append(f"| {name} | {doc.get('shared_noise', 0)} | " + " | ".join(cells) + " |")
    return out


def eval_curve(rows, stage):
    """The judge's quick checks during training (rows with an 'eval' key) as an SVG per kind of sample."""
    out = []
    for kind in ("frames1", "frames8"):
        pts = [{"minutes": r["minutes"], "rate": r["eval"][kind]["rate"]} for r in rows if "eval" in r and kind in r["eval"]]
        svg = svg_curve(pts, "rate", f"{stage}: judge pass rate of quick checks ({kind.replace('frames', '')}-frame prompts) against minutes")
        if svg:
            (CARDS / f"{stage}-eval-{kind}.svg").write_text(svg)
            out.append(f"![{stage} quick checks {kind}]({stage}-eval-{kind}.svg)")
    return out


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
        src = SRC / f"{base}.md" if (SRC / f"{base}.md").exists() else SRC / "_default.md"
        stage = e.get("stage", base)
        log = C.LOGS / f"{stage}.jsonl"
        rows = [json.loads(l) for l in log.read_text().splitlines()] if log.exists() else []
        curves = []
        for key in ("heldout_psnr", "loss", "image_top1", "clip_top1"):
            svg = svg_curve(rows, key, f"{stage}: {key} against training minutes")
            if svg:
                (CARDS / f"{stage}-{key}.svg").write_text(svg)
                curves.append(f"![{stage} {key}]({stage}-{key}.svg)")
        # an inspect twin shares its model's weights and scores; a snapshot has its own weights, judged on their own or not at all
        quality = C.WEIGHTS / "eval" / f"{name.replace('_inspect', '')}.json"
        values = {"name": name, "purpose": e.get("purpose", ""), "file": e["file"], "params": f"{e['params']:,}",
                  "megabytes": f"{e['bytes'] / 1e6:.2f}", "steps": e.get("steps", "?"), "train_minutes": e.get("train_minutes", "?"),
                  "inputs": json.dumps(e.get("inputs", {})), "outputs": json.dumps(e.get("outputs", {}))}
        sections = {"flops_row": [f"| FLOPs a call | {e['flops'] / 1e6:.1f} M at {e.get('flops_shapes')} (counted from the ONNX graph) |"
                                  if "flops" in e else "| FLOPs | not counted |"],
                    "measured": [], "snapshot": [], "quality": [], "curves": [], "limits": part("limits"),
                    "probes": probes_table(base), "fine_probes": probes_table("dit_fine", "dit_control")}
        measured = {k: v for k, v in e.items() if k in ("heldout_psnr_db", "retrieval_top1", "judge_round_trip", "context_blocks")}
        if measured:
            sections["measured"] = ["## Measured", "", "```json", json.dumps(measured, indent=2), "```"]
        if "_snap" in name and base in m["models"]:
            final = m["models"][base]
            sections["snapshot"] = part("snapshot", base=base, snapshot_steps=f"{e.get('steps', 0):,}", run_steps=f"{final.get('steps', 0):,}",
                                        snapshot_minutes=e.get("train_minutes", "?"), run_minutes=final.get("train_minutes", "?"))
        if quality.exists():
            sections["quality"] = ["## Quality (npm run eval, the world's judge)", ""] + quality_table(json.loads(quality.read_text()))
        elif "_snap" in name:
            sections["quality"] = part("not-judged")
        curves += eval_curve(rows, stage)
        if "context_blocks" in e:  # the text encoder's second stage: its own log and curves
            ctx_log = C.LOGS / f"{e['context_blocks']['stage']}.jsonl"
            ctx_rows = [json.loads(l) for l in ctx_log.read_text().splitlines()] if ctx_log.exists() else []
            for key in ("phrase_bce", "context_cosine", "change"):
                svg = svg_curve(ctx_rows, key, f"context blocks: {key} against training minutes")
                if svg:
                    (CARDS / f"context-{key}.svg").write_text(svg)
                    curves.append(f"![context {key}](context-{key}.svg)")
        if curves:
            sections["curves"] = ["## Learning curves", ""] + curves
        (CARDS / f"{name}.md").write_text(fill(src.read_text(), values, sections, src.name))
    print(f"wrote {len(m['models'])} cards to {CARDS}")


if __name__ == "__main__":
    main()
