"""PyTorch eager time of one guided denoiser call (batch 2), the baseline the page's
WASM step is compared with (npm run bench). Untrained weights time the same as trained.

    python3 weights/train/bench_torch.py --model dit [--frames 8] [--threads 1] [--profile] [--export FILE.onnx]

With --profile, the operators that take the most time (self CPU time, torch.profiler, summed over
10 calls and divided by 10: ms a call) are printed too.
"""
import argparse
import json
import time

import torch

import common as C
from denoisers import MODELS, Exported


def top_operators(call, runs=10, top=8):
    """Self CPU time per operator, ms a call, largest first."""
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(runs):
            call()
    rows = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    return [{"op": e.key, "ms": round(e.self_cpu_time_total / 1000 / runs, 3), "calls": e.count // runs} for e in rows[:top]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=MODELS, default="dit")
    ap.add_argument("--frames", type=int, default=8)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--profile", action="store_true", help="also list the top operators (torch.profiler)")
    ap.add_argument("--export", help="also export the untrained model here, to time it in onnxruntime-web")
    args = ap.parse_args()
    C.setup_threads(args.threads)
    entry = MODELS[args.model]
    model = entry.make().eval()
    pixel = entry.space == "pixel"
    x = torch.randn(2, args.frames, 3 if pixel else 4, 32 if pixel else 8, 32 if pixel else 8)
    t, ctx = torch.tensor([500.0, 500.0]), torch.randn(2, 24, 128)
    extra = (torch.nn.functional.normalize(torch.randn(2, 64), dim=-1),) if entry.takes_pooled else ()
    with torch.no_grad():
        for _ in range(3):
            model(x, t, ctx, *extra)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            model(x, t, ctx, *extra)
            times.append((time.perf_counter() - t0) * 1000)
        operators = top_operators(lambda: model(x, t, ctx, *extra)) if args.profile else None
    times.sort()
    print(json.dumps({"model": args.model, "frames": args.frames, "batch": 2, "threads": args.threads, "backend": "pytorch eager",
                      "median_ms": round(times[len(times) // 2], 2), "min_ms": round(times[0], 2), "params": C.count_params(model),
                      **({"operators": operators} if operators else {})}))
    if args.export and not entry.takes_pooled:
        C.export_onnx(Exported(model, False), (x, t, ctx), args.export, ["latent", "timestep", "context"], ["prediction"],
                      {"latent": {0: "batch", 1: "frames", 3: "height", 4: "width"}, "timestep": {0: "batch"}, "context": {0: "batch"},
                       "prediction": {0: "batch", 1: "frames", 3: "height", 4: "width"}})


if __name__ == "__main__":
    main()
