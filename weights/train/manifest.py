"""weights/manifest.json: every model's file, sha256, size, parameters, FLOPs a
call counted from the ONNX graph, and the settings the page needs."""
import json
from pathlib import Path

import common as C
from flops import count_flops

PATH = C.WEIGHTS / "manifest.json"


def load():
    return json.loads(PATH.read_text()) if PATH.exists() else {"version": 1, "models": {}}


def save(m):
    PATH.write_text(json.dumps(m, indent=2) + "\n")


def add_model(name, path, params, flops_shapes=None, flops=None, keep=(), **info):
    """flops: a number already counted (common.static_flops), else counted here from the graph at flops_shapes.
    keep: keys of the previous entry to carry over (figures measured on the same weights)."""
    m = load()
    previous = m["models"].get(name, {})
    path = Path(path)
    entry = {"file": path.name, "sha256": C.sha256(path), "bytes": path.stat().st_size, "params": params}
    if flops is not None:
        entry["flops"] = flops
        entry["flops_shapes"] = flops_shapes
    elif flops_shapes:
        entry["flops"] = count_flops(path, flops_shapes)
        entry["flops_shapes"] = flops_shapes
    entry.update(info)
    entry.update({k: previous[k] for k in keep if k in previous})
    m["models"][name] = entry
    save(m)


def set_value(key, value):
    m = load()
    m[key] = value
    save(m)
