#!/usr/bin/env bash
# A one-shot GPU run of the shipped DiT's design and recipe from scratch (issue 19, item 6), prepared
# and tested on the CPU in tiny mode; the GPU machine has no network and gets only the repository's
# files plus what the device tool's `carry` names (64 MiB in all).
#
#   bash weights/train/gpu_oneshot.sh size            # here: what a device call would send, against 64 MiB
#   bash weights/train/gpu_oneshot.sh export [MIB]    # here: latents + objects -> weights/.work/gpu-carry/dit-data.npz (default 56 MiB)
#   bash weights/train/gpu_oneshot.sh gpu [MINUTES]   # there: train MINUTES (default 8), write $OUT/dit-gpu-ema-fp16.pt, dit-gpu.jsonl, train.log
#   bash weights/train/gpu_oneshot.sh tiny            # here: the whole path in miniature (tiny latents, 4 steps, load, one step, ONNX)
#   bash weights/train/gpu_oneshot.sh slim | unslim   # here, just before and just after the device call: see below
#
# The tracked files alone are over the device tool's 64 MiB (the ONNX files and checkpoints, ~80 MB).
# `slim` takes the files the run does not need out of git's index (git rm --cached, the files stay on
# disk) and into .git/info/exclude, so they do not travel; the text encoder's checkpoints stay. `unslim`
# puts them back. Between the two, commit nothing: a commit would record those files as deleted.
#
# The device call (weights/cards/src/dit.md, "A one-shot GPU run"), between `slim` and `unslim`: command
#   bash weights/train/gpu_oneshot.sh gpu 8
# carry ["weights/.work/gpu-carry"], timeout_s 600.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE_PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1 PYTHONUNBUFFERED=1
CARRY=weights/.work/gpu-carry
LIMIT=$((64 * 1024 * 1024))

size() { # bytes a device call sends: tracked files, untracked files git does not ignore, the carried folder
  local tracked untracked carried
  tracked=$( (git ls-files -z | xargs -0 stat -c %s 2>/dev/null || true) | awk '{s += $1} END {print s + 0}')
  untracked=$( (git ls-files -o --exclude-standard -z | xargs -0 -r stat -c %s 2>/dev/null || true) | awk '{s += $1} END {print s + 0}')
  carried=$( (find "$CARRY" -type f -printf '%s\n' 2>/dev/null || true) | awk '{s += $1} END {print s + 0}')
  local total=$((tracked + untracked + carried))
  awk -v t="$tracked" -v u="$untracked" -v c="$carried" -v all="$total" -v lim="$LIMIT" 'BEGIN {
    m = 1048576
    printf "travel: tracked %.1f MiB + untracked %.1f MiB + carried %s %.1f MiB = %.1f MiB of %.0f MiB: %s\n",
      t / m, u / m, "'"$CARRY"'", c / m, all / m, lim / m, (all <= lim ? "fits" : "TOO LARGE, the device tool refuses the call")
    printf "travel: room for carried data: %.1f MiB\n", (lim - t - u) / m }'
  [ "$total" -le "$LIMIT" ]
}

SLIM_LIST=weights/.work/gpu-slim.list
EXCLUDE=.git/info/exclude
slim_paths() { # what the GPU run does not read: every ONNX file, every checkpoint but the text encoder's, goldens, verdict tables
  git ls-files -- 'weights/*.onnx' 'weights/checkpoints/*' 'weights/golden/*' 'weights/eval/**/*.tsv' | grep -v -e '^weights/checkpoints/clip-fp16.pt$' -e '^weights/checkpoints/context-fp16.pt$'
}

case "${1:-}" in
  size) size ;;
  slim)
    if [ -e "$SLIM_LIST" ]; then echo "slim: already slim ($SLIM_LIST); run unslim first" >&2; exit 1; fi
    mkdir -p "$(dirname "$SLIM_LIST")"
    slim_paths > "$SLIM_LIST"
    xargs -d '\n' git rm -q --cached -- < "$SLIM_LIST"
    { echo '# gpu_oneshot.sh slim: begin'; cat "$SLIM_LIST"; echo '# gpu_oneshot.sh slim: end'; } >> "$EXCLUDE"
    echo "slim: $(wc -l < "$SLIM_LIST") files out of the index (still on disk); commit nothing until unslim"
    size ;;
  unslim)
    if [ ! -e "$SLIM_LIST" ]; then echo "unslim: not slim" >&2; exit 1; fi
    sed -i '/^# gpu_oneshot.sh slim: begin$/,/^# gpu_oneshot.sh slim: end$/d' "$EXCLUDE"
    xargs -d '\n' git reset -q -- < "$SLIM_LIST"
    rm -f "$SLIM_LIST"
    git status --short -- weights | head -5
    echo "unslim: the files are tracked again" ;;
  export)
    $HERE_PY weights/train/gpu_data.py --max-mib "${2:-56}" --out "$CARRY/dit-data.npz"
    size || echo "export: written, but the call would not fit (see above)" ;;
  gpu)
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
    python3 -c "import torch, numpy; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'numpy', numpy.__version__)"
    set -o pipefail
    python3 weights/train/gpu_oneshot.py --data "$CARRY/dit-data.npz" --out "$OUT" --minutes "${2:-8}" 2>&1 | tee "$OUT/train.log" ;;
  tiny)
    T=weights/.work/gpu-carry-tiny
    start=$(date +%s.%N)
    $HERE_PY weights/train/gpu_data.py --tiny --max-mib 0.2 --out "$T/dit-data.npz"
    $HERE_PY weights/train/gpu_oneshot.py --tiny --data "$T/dit-data.npz" --out "$T/out"
    $HERE_PY weights/train/gpu_check.py "$T/out/dit-gpu-ema-fp16.pt"
    echo "tiny: done in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s" ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
