"""The golden of one training step (issue 22): the loss the training loop
(train_denoiser.py) computes for one clip, t and noise, in PyTorch, from the
committed weights the ONNX files were exported from, for the inputs the page
makes (tools/training-step-inputs.ts writes the clip's pixels, its caption's
tokens, t and the noise, so both sides start from identical numbers).

    npx tsx tools/training-step-inputs.ts            # weights/.work/training-step-inputs.json
    flock /tmp/cpu.lock env OPENBLAS_NUM_THREADS=1 /usr/bin/python3 weights/train/training_step_golden.py

writes weights/golden/lessons/training-step.json (a folder of its own: weights/golden/*.json are the
export goldens test/unit/golden.test.ts replays). test/unit/lessons/training-step.test.ts runs the same
step through the ONNX models (pipeline/lessons/training-step.ts) and asserts the losses equal these
within the file's tolerance; the training chapter's browser test asserts the page's do.

As the loop: z0 = VAE encoder mean * scaling_factor (latents.py; the loop reads them from a float16 cache,
here they stay float32, as the page's), z_t = D.q_sample, v = D.v_target, v_hat = DiT(z_t, t, the caption's
text states), per-sample loss = mean (v_hat - v)^2, weighted by D.min_snr_weight(t) = min(SNR, 5)/(SNR + 1).
"""
import base64
import hashlib
import json

import numpy as np
import torch

import common as C
import diffusion as D
import manifest
from denoisers import load_ema, load_text_encoder
from latents import scaling_factor
from vae import VAE

INPUTS = C.WORK / "training-step-inputs.json"
OUT = C.GOLDEN / "lessons" / "training-step.json"
CHECKPOINT = C.WEIGHTS / "checkpoints" / "dit-ema-fp16.pt"


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.float32).tobytes()).decode()


def committed_vae():
    """The committed VAE (weights/checkpoints/vae-fp16.pt), as it ships: fp16 weights computed in fp32."""
    ck = C.committed_weights("vae")
    if ck is None:
        raise SystemExit("weights/checkpoints/vae-fp16.pt is missing")
    model = VAE()
    model.load_state_dict(ck["model"])
    return C.round_to_fp16(model.eval())


@torch.no_grad()
def main():
    C.setup_threads()
    inp = json.loads(INPUTS.read_text())
    m = manifest.load()["models"]
    name = inp["model"]
    entry = m[name]
    model, saved = load_ema(name, CHECKPOINT)
    model.eval()
    if saved["step"] != entry["steps"]:
        raise SystemExit(f"{CHECKPOINT.name} is at step {saved['step']}, the manifest's {name} at {entry['steps']}: not the exported weights")
    if saved.get("shared_noise", 0.0) != inp["sharedNoise"]:
        raise SystemExit(f"the inputs' noise has a = {inp['sharedNoise']}, the weights trained at {saved.get('shared_noise', 0.0)}")
    F, H, W = inp["numFrames"], inp["height"], inp["width"]
    frames_u8 = np.frombuffer(base64.b64decode(inp["frames"]), dtype=np.uint8).reshape(F, H, W, 3).copy()
    eps_raw = base64.b64decode(inp["eps"])
    eps = torch.from_numpy(np.frombuffer(eps_raw, dtype="<f4").copy()).reshape(1, F, 4, H // 4, W // 4)
    t = torch.tensor([inp["state"]["t"]])

    z0 = (committed_vae().encoder(C.to_model_range(frames_u8))[0] * scaling_factor()).reshape(1, F, 4, H // 4, W // 4)
    text = load_text_encoder(False, saved.get("text_states", "hidden"))  # the states the weights were trained on
    context, _ = text(torch.tensor([inp["tokens"]]))
    zt = D.q_sample(z0, t, eps)
    v = D.v_target(z0, t, eps)
    pred = model(zt, t.float(), context)
    per_sample = (pred - v).pow(2).flatten(1).mean(1)
    weight = D.min_snr_weight(t)
    weighted = (weight * per_sample).mean()
    a = D.ALPHAS_CUMPROD[t]
    eps_hat = a.sqrt() * pred + (1 - a).sqrt() * zt
    x0_hat = a.sqrt() * zt - (1 - a).sqrt() * pred
    frame_loss = (pred - v).pow(2).flatten(2).mean(2)[0]

    doc = {
        "what": "one training step of the DiT (train_denoiser.py's loss, no gradient) for the inputs of tools/training-step-inputs.ts",
        "script": "weights/train/training_step_golden.py",
        "model": entry["file"],
        "sha256": entry["sha256"],
        "checkpoint": str(CHECKPOINT.relative_to(C.ROOT)),
        "checkpoint_step": saved["step"],
        "text_states": saved.get("text_states", "hidden"),
        "state": inp["state"],
        "caption": inp["caption"],
        "shared_noise": inp["sharedNoise"],
        "inputs_sha256": {"frames": hashlib.sha256(frames_u8.tobytes()).hexdigest(), "eps": hashlib.sha256(eps_raw).hexdigest()},
        "tolerance": 1e-4,
        "alpha_bar": float(a),
        "loss": float(per_sample[0]),
        "weight": float(weight[0]),
        "weighted_loss": float(weighted),
        "eps_loss": float((eps_hat - eps).pow(2).mean()),
        "x0_loss": float((x0_hat - z0).pow(2).mean()),
        "frame_loss": [float(x) for x in frame_loss],
        "z0": b64(z0.numpy()),
        "prediction": b64(pred.numpy()),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"{OUT.relative_to(C.ROOT)}: “{inp['caption']}”, t = {int(t)}, loss {doc['loss']:.6f}, "
          f"weight {doc['weight']:.4f}, min-SNR loss {doc['weighted_loss']:.6f}")


if __name__ == "__main__":
    main()
