"""Tidy the committed ONNX files as every export now does (common.compact_graph: short
tensor names, no node names, one Constant node for each value), without exporting
again: the graphs compute the same, so only the files' sha256 and size change, in the
manifest and in the goldens' stamps. Run on 2026-12-01 (44.0 MB of weights as files
before; 39.9 after, with the pixel U-Net retrained narrower).

    python3 weights/train/compact.py [file.onnx …]   (default: every weights/*.onnx)
"""
import json
import sys

import common as C
import manifest


def main():
    files = [C.WEIGHTS / f for f in sys.argv[1:]] or sorted(C.WEIGHTS.glob("*.onnx"))
    m = manifest.load()
    goldens = {}  # file name -> (golden path, its document), each golden read once
    for golden in C.GOLDEN.glob("*.json"):
        doc = json.loads(golden.read_text())
        goldens.setdefault(doc["model"], []).append((golden, doc))
    for path in files:
        before = path.stat().st_size
        C.compact_graph(path)
        sha, size = C.sha256(path), path.stat().st_size
        for entry in m["models"].values():
            if entry["file"] == path.name:
                entry["sha256"], entry["bytes"] = sha, size
        for golden, doc in goldens.get(path.name, []):
            doc["sha256"] = sha
            golden.write_text(json.dumps(doc) + "\n")
        print(f"{path.name}: {before:,} -> {size:,} bytes")
    manifest.save(m)


if __name__ == "__main__":
    main()
