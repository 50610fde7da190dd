#!/usr/bin/env bash
# DiT v2 probes (issue 19), one after another on this machine's two cores:
# each fine-tunes the committed DiT (recipe 6's EMA) for PROBE_MINUTES with one
# change, then eval_denoiser judges it on clips (single object, colour binding,
# motion) at 4 seeds a prompt, beside recipe 6 itself sampled with and without
# the shared starting noise. Verdicts: weights/eval/probes/; curves:
# weights/logs/dit-<probe>.jsonl.
#
#   nohup bash weights/train/probe_dit_v2.sh [PROBE ...] > weights/.work/probes.log 2>&1 &
#
# PROBES: base (recipe 6, no training), a1, a05, a1shift (the shared noise with
# clip timesteps shifted by 2 ln 2), gap (training against held-out v-loss);
# fine and control (item 4, finer tokens): from scratch, images only, for
# FINE_MINUTES (25): dit_fine (1 x 1 x 1 patches, attention factorised into
# spatial and temporal blocks, width 64, 8 blocks) and dit_control (the shipped
# DiT's design), each judged on images (single object, two objects, colour
# binding) at 4 seeds a prompt.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1
MIN=${PROBE_MINUTES:-20}
START=$($PY -c "import torch; print(round(torch.load('weights/checkpoints/dit-ema-fp16.pt')['elapsed'] / 60, 1))")
RECIPE=(--clip-share 0.5 --clip-batch 24 --image-batch 96 --lr 3e-4 --decay-minutes 5 --captions styled --text phrases --eval-every 100000)
CATS="single object,colour binding,motion"

judge() { # name, extra eval args
  local name=$1; shift
  $PY weights/train/eval_denoiser.py --model dit --frames 8 --seeds 4 --categories "$CATS" --out "probes/dit-$name" "$@"
}

train() { # probe name, extra training args
  local name=$1; shift
  $PY weights/train/train_denoiser.py --model dit --probe "$name" --minutes "$($PY -c "print($START + $MIN)")" "${RECIPE[@]}" "$@"
  judge "$name" --weights "weights/.work/probes/dit-$name-ema-fp16.pt"
}

scratch() { # model: from scratch on images only, lr 1e-3 with a cosine over the last 5 minutes (the U-Net's recipe 1)
  local model=$1
  $PY weights/train/train_denoiser.py --model "$model" --probe scratch --fresh --minutes "${FINE_MINUTES:-25}" --image-batch 96 \
    --lr 1e-3 --decay-minutes 5 --captions styled --text phrases --eval-every 100000
  $PY weights/train/eval_denoiser.py --model "$model" --frames 1 --seeds 4 --categories "single object,two objects,colour binding" \
    --text phrases --weights "weights/.work/probes/$model-scratch-ema-fp16.pt" --out "probes/$model-scratch"
}

for probe in "${@:-base a1 a05 a1shift gap}"; do
  for p in $probe; do
    echo "== probe $p ($(date -u +%H:%M))"
    case $p in
      base) judge r6-a0 --shared-noise 0; judge r6-a1 --shared-noise 1 ;;
      a1) train noise-a1 --shared-noise 1 ;;
      a05) train noise-a05 --shared-noise 0.5 ;;
      a1shift) train noise-a1-shift --shared-noise 1 --clip-t-shift 1.386 ;;
      fine) scratch dit_fine ;;
      control) scratch dit_control ;;
      gap) mkdir -p weights/eval/probes; $PY weights/train/probe_data_gap.py > weights/eval/probes/dit-data-gap.json ;;
      *) echo "unknown probe $p"; exit 2 ;;
    esac
  done
done
echo "== probes done ($(date -u +%H:%M))"
