"""Shared plumbing for every training stage: paths, threads, data, captions,
EMA, checkpoints, logs, the PID file, and ONNX export with fp16 storage.

Run stages with /usr/bin/python3 (Debian's python3-torch), OPENBLAS_NUM_THREADS=1
and torch on 2 threads (see ../../shared/training-notes.md for why)."""
import hashlib
import json
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "weights"
WORK = WEIGHTS / ".work"          # ignored by git: data, optimizer state, logs
DATA = Path(os.environ.get("SHAPES_DATA_DIR", WORK / "data"))  # npm run test:train points this at a tiny set
CKPT = WORK / "ckpt"
LOGS = WEIGHTS / "logs"           # committed: learning curves
GOLDEN = WEIGHTS / "golden"       # committed: export checks replayed by CI
VOCAB = json.loads((ROOT / "pipeline" / "world" / "vocab.json").read_text())
TOKEN_ID = {t: i for i, t in enumerate(VOCAB["tokens"])}
MAX_TOKENS = VOCAB["max_length"]
SPECIAL = {k: TOKEN_ID[v] for k, v in VOCAB["specials"].items()}

COLOURS = ["red", "green", "blue", "yellow", "purple", "cyan"]
SHAPES = ["circle", "square", "triangle"]
SIZES = ["small", "big"]
POSITIONS = ["top left", "top", "top right", "left", "center", "right", "bottom left", "bottom", "bottom right"]
MOTIONS = ["left", "right", "up", "down", "still"]


def setup_threads(threads=2):
    """OpenBLAS threads on top of torch's make every step 5-15x slower here."""
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    torch.set_num_threads(threads)


class PidFile:
    """weights/.work/pids/<pid>: `npm test` and `npm run bench` pause (SIGSTOP) every run listed there while
    they work (tools/pause-training.mjs). One file a process, so two runs (a probe, and a tiny run beside it)
    never erase each other's; weights/.work/train.pid is kept too, naming the latest, for older tools."""

    def __init__(self):
        self.path = WORK / "train.pid"
        self.own = WORK / "pids" / str(os.getpid())

    def __enter__(self):
        self.own.parent.mkdir(parents=True, exist_ok=True)
        self.own.write_text(str(os.getpid()))
        self.path.write_text(str(os.getpid()))
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return self

    def __exit__(self, *exc):
        self.own.unlink(missing_ok=True)
        if self.path.exists() and self.path.read_text().strip() == str(os.getpid()):
            self.path.unlink()


class Log:
    """Learning curves as JSON lines in weights/logs/<stage>.jsonl (committed)."""

    def __init__(self, stage, fresh):
        folder = WORK / "tiny" / "logs" if stage.endswith("-tiny") else LOGS
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{stage}.jsonl"
        if fresh and self.path.exists():
            self.path.unlink()
        self.stage = stage

    def __call__(self, **kv):
        kv = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in kv.items()}
        with self.path.open("a") as f:
            f.write(json.dumps(kv) + "\n")
        print(self.stage, " ".join(f"{k}={v}" for k, v in kv.items()), flush=True)


# ---------------------------------------------------------------- data

def load_dataset(name):
    """A folder written by `npm run dataset` (weights/README.md)."""
    d = DATA / name
    if not (d / "meta.json").exists():
        raise SystemExit(f"missing dataset {d}: run `npm run train -- data` (or npm run dataset) first")
    return {
        "meta": json.loads((d / "meta.json").read_text()),
        "frames": np.load(d / "frames.npy", mmap_mode="r"),
        "objects": np.load(d / "objects.npy"),
        "tokens": np.load(d / "tokens.npy"),
    }


def to_model_range(frames_u8):
    """uint8 (…, H, W, 3) -> float32 (…, 3, H, W) in [-1, 1]."""
    x = torch.from_numpy(np.ascontiguousarray(frames_u8)).float().div_(127.5).sub_(1.0)
    return x.movedim(-1, -3)


# ---------------------------------------------------------------- captions (mirror of pipeline/world/caption.ts)

def phrase_words(obj, rng, drop, kinds=None):
    """obj: int8 row (present, colour, shape, size, position, motion). Returns the phrase's words.
    Each optional part (size, colour, place or motion) is dropped with probability `drop`, or,
    when `kinds` is given, kept exactly when its kind ("size", "colour", "place") is in it."""
    _, colour, shape, size, position, motion = (int(v) for v in obj)
    keep = (lambda kind: rng.random() >= drop) if kinds is None else (lambda kind: kind in kinds)
    words = ["a"]
    if keep("size"):
        words.append(SIZES[size])
    if keep("colour"):
        words.append(COLOURS[colour])
    words.append(SHAPES[shape])
    if motion < 0:
        if keep("place"):
            words += ["in", "the"] + POSITIONS[position].split()
    elif keep("place"):
        words += ["staying", "still"] if MOTIONS[motion] == "still" else ["moving", MOTIONS[motion]]
    return words


def caption_words(objects, rng, drop, kinds=None):
    words = []
    for obj in objects:
        if obj[0]:
            if words:
                words.append("and")
            words += phrase_words(obj, rng, drop, kinds)
    return words


CAPTION_KINDS = ("size", "colour", "place")


def styled_caption_words(objects, rng, drop=1 / 3):
    """Half the captions drop each optional part at random (`drop`); the other half name one
    chosen set of kinds for every object (each of the 8 subsets of size, colour, place equally
    likely), so that short captions of every shape ("a circle and a square", "a red circle and a
    blue square") are common, not (1/3)^6 rare."""
    if rng.random() < 0.5:
        return caption_words(objects, rng, drop)
    kinds = {k for k in CAPTION_KINDS if rng.random() < 0.5}
    return caption_words(objects, rng, drop, kinds)


def token_ids(words):
    """Like pipeline/world/tokenizer.ts for grammar words: <start> w… <end>, padded; no words -> <empty>."""
    ids = [SPECIAL["start"]] + ([TOKEN_ID.get(w, SPECIAL["unknown"]) for w in words[: MAX_TOKENS - 2]] or [SPECIAL["empty"]]) + [SPECIAL["end"]]
    return ids + [SPECIAL["pad"]] * (MAX_TOKENS - len(ids))


def empty_ids():
    return token_ids([])


# ---------------------------------------------------------------- training plumbing

class EMA:
    def __init__(self, model, decay):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model, decay=None):
        d = self.decay if decay is None else decay
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.shadow[k].mul_(d).add_(v.detach(), alpha=1 - d)
            else:
                self.shadow[k].copy_(v)

    def copy_to(self, model):
        model.load_state_dict(self.shadow)


def save_checkpoint(stage, **state):
    CKPT.mkdir(parents=True, exist_ok=True)
    tmp = CKPT / f"{stage}.pt.tmp"
    torch.save(state, tmp)
    tmp.replace(CKPT / f"{stage}.pt")


def load_checkpoint(stage):
    p = CKPT / f"{stage}.pt"
    return torch.load(p, map_location="cpu") if p.exists() else None


def committed_weights(stage):
    """The fp16 weights committed under weights/checkpoints (a fresh machine has no ckpt folder),
    as a checkpoint dict in fp32; None when there are none."""
    p = WEIGHTS / "checkpoints" / f"{stage}-fp16.pt"
    if not p.exists():
        return None
    saved = torch.load(p)
    return {**saved, "model": {k: v.float() for k, v in saved["model"].items()}}


def load_frozen(module, stage, prefix, tiny, missing):
    """`module` with the weights under `prefix` of stage's checkpoint (else, on a fresh machine, the
    committed fp16 weights), frozen and rounded as they ship; SystemExit(missing) when there are none."""
    ck = load_checkpoint(f"{stage}-tiny" if tiny else stage) or (None if tiny else committed_weights(stage))
    if ck is None:
        raise SystemExit(missing)
    module.load_state_dict({k[len(prefix):]: v for k, v in ck["model"].items() if k.startswith(prefix)})
    for p in module.parameters():
        p.requires_grad_(False)
    return round_to_fp16(module.eval())


def round_to_fp16(model):
    """The weights as they ship: stored in fp16, computed in fp32."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
        for b in model.buffers():
            if b.dtype.is_floating_point:
                b.copy_(b.half().float())
    return model


def count_params(model):
    return sum(p.numel() for p in model.parameters())


# ---------------------------------------------------------------- export

def fp16_storage(onnx_path):
    """Store every float initializer as fp16 and cast it back to fp32 in the graph."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto

    m = onnx.load(str(onnx_path))
    g = m.graph
    casts, keep = [], []
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if arr.dtype == np.float32 and arr.size > 16:
            half = numpy_helper.from_array(arr.astype(np.float16), init.name + "__fp16")
            keep.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT, name=init.name + "__cast"))
        else:
            keep.append(init)
    del g.initializer[:]
    g.initializer.extend(keep)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    onnx.checker.check_model(m)
    onnx.save(m, str(onnx_path))


def torch_export(model, args, path, input_names, output_names, dynamic_axes=None):
    """The one torch.onnx.export call every model goes through (fp32 initializers)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.eval()
    torch.onnx.export(model, args, str(path), input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic_axes or {}, opset_version=17, do_constant_folding=True)
    return path


def compact_graph(onnx_path):
    """Take the exporter's bookkeeping out of a graph, keeping what it computes: intermediate tensors
    get short numbers for names ("/blocks.0/attn/MatMul_output_0" style names took about 0.2 MB of a
    4.8 MB DiT file), nodes lose their names, and identical Constant nodes (the exporter writes the
    same small axes and shapes hundreds of times) become one. Inputs, outputs and initializers keep
    their names (from_onnx.py finds a model's weights by them), so the goldens replay unchanged."""
    import onnx

    m = onnx.load(str(onnx_path))
    g = m.graph
    outputs = {v.name for v in g.output}
    keep = {v.name for v in g.input} | outputs | {t.name for t in g.initializer}
    first, same, nodes = {}, {}, []
    for n in g.node:
        if n.op_type == "Constant" and len(n.attribute) == 1 and n.attribute[0].type == onnx.AttributeProto.TENSOR and n.output[0] not in outputs:
            key = n.attribute[0].t.SerializeToString()
            if key in first:
                same[n.output[0]] = first[key]
                continue
            first[key] = n.output[0]
        nodes.append(n)
    renamed = {}

    def short(name):
        name = same.get(name, name)
        if name == "" or name in keep:
            return name
        return renamed.setdefault(name, format(len(renamed), "x"))

    for n in nodes:
        n.input[:] = [short(x) for x in n.input]
        n.output[:] = [short(x) for x in n.output]
        n.name, n.doc_string = "", ""
    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]
    onnx.checker.check_model(m)
    onnx.save(m, str(onnx_path))


def export_onnx(model, args, path, input_names, output_names, dynamic_axes=None):
    path = torch_export(model, args, path, input_names, output_names, dynamic_axes)
    fp16_storage(path)
    compact_graph(path)
    return path


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_golden(name, onnx_path, inputs, outputs):
    """Fixed inputs and PyTorch's outputs (fp16-rounded weights), stamped with the ONNX file's sha256.
    CI replays them with onnxruntime-web (test/unit/golden.test.ts)."""
    GOLDEN.mkdir(parents=True, exist_ok=True)

    def enc(t):
        a = t.detach().cpu().numpy()
        kind = "int64" if a.dtype == np.int64 else "int32" if a.dtype == np.int32 else "float32"
        a = a.astype(kind)
        import base64
        return {"dtype": kind, "shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode()}

    doc = {
        "model": Path(onnx_path).name,
        "sha256": sha256(onnx_path),
        "tolerance": 1e-4,
        "inputs": {k: enc(v) for k, v in inputs.items()},
        "outputs": {k: enc(v) for k, v in outputs.items()},
    }
    (GOLDEN / f"{name}.json").write_text(json.dumps(doc) + "\n")


class Timer:
    """Training time that leaves out pauses: `npm test` stops this process (SIGSTOP) and
    resumes it (SIGCONT); the gap around a resume is replaced by a typical step's length."""

    def __init__(self, elapsed=0.0):
        self.total = elapsed
        self.last = time.time()
        self.typical = 0.0
        self.resumed = False
        signal.signal(signal.SIGCONT, self._on_continue)

    def _on_continue(self, *_):
        self.resumed = True

    @property
    def elapsed(self):
        now = time.time()
        gap = now - self.last
        if self.resumed:
            gap = min(gap, self.typical or 0.0)
            self.resumed = False
        else:
            self.typical = gap if self.typical == 0 else 0.9 * self.typical + 0.1 * min(gap, 10 * self.typical)
        self.total += gap
        self.last = now
        return self.total


def static_flops(module, args, input_names):
    """FLOPs of one call, counted from an ONNX graph exported with fixed shapes (the
    shipped graphs have dynamic axes, which shape inference cannot always follow)."""
    import tempfile
    from flops import count_flops

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "static.onnx"
        torch.onnx.export(module.eval(), args, str(p), input_names=input_names, opset_version=17, do_constant_folding=True)
        return count_flops(p, {})
