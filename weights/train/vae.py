"""Stage `vae`: a per-frame KL autoencoder, 32 x 32 x 3 <-> 8 x 8 x 4, like Stable
Diffusion's (Rombach et al. 2022) scaled down: convolutions with GroupNorm and
SiLU, two stride-2 downsamplings, a diagonal Gaussian posterior with a small KL
weight, MSE + L1 reconstruction (L1 keeps the shapes' corners sharp enough for the judge). Exports vae_encoder.onnx (frames -> posterior mean)
and vae_decoder.onnx (latent -> frames); the latent scale factor (1 / std of the
latents, as SD's 0.18215) goes in the manifest.

    python3 weights/train/vae.py [--minutes 10] [--tiny] [--fresh]
"""
import argparse
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common as C
import manifest


def norm(ch):
    return nn.GroupNorm(8, ch)


class ResBlock(nn.Module):
    def __init__(self, ch_in, ch_out):
        super().__init__()
        self.n1, self.c1 = norm(ch_in), nn.Conv2d(ch_in, ch_out, 3, padding=1)
        self.n2, self.c2 = norm(ch_out), nn.Conv2d(ch_out, ch_out, 3, padding=1)
        self.skip = nn.Conv2d(ch_in, ch_out, 1) if ch_in != ch_out else nn.Identity()

    def forward(self, x):
        h = self.c1(F.silu(self.n1(x)))
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


class Encoder(nn.Module):
    """(N, 3, 32, 32) in [-1, 1] -> mean and log-variance, each (N, 4, 8, 8)."""

    def __init__(self, ch=32, latent=4):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, ch, 3, padding=1), ResBlock(ch, ch),
            nn.Conv2d(ch, 2 * ch, 3, stride=2, padding=1), ResBlock(2 * ch, 2 * ch),   # 16 x 16
            nn.Conv2d(2 * ch, 2 * ch, 3, stride=2, padding=1), ResBlock(2 * ch, 2 * ch),  # 8 x 8
            norm(2 * ch), nn.SiLU(), nn.Conv2d(2 * ch, 2 * latent, 3, padding=1),
        )

    def forward(self, x):
        mean, logvar = self.net(x).chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)


class Decoder(nn.Module):
    """(N, 4, 8, 8) -> (N, 3, 32, 32)."""

    def __init__(self, ch=32, latent=4):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(latent, 2 * ch, 3, padding=1), ResBlock(2 * ch, 2 * ch),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(2 * ch, 2 * ch, 3, padding=1), ResBlock(2 * ch, 2 * ch),
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(2 * ch, ch, 3, padding=1), ResBlock(ch, ch),
            norm(ch), nn.SiLU(), nn.Conv2d(ch, 3, 3, padding=1),
        )

    def forward(self, z):
        return self.net(z)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder, self.decoder = Encoder(), Decoder()

    def forward(self, x):
        mean, logvar = self.encoder(x)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).mean()
        return self.decoder(z), kl


class EncoderMean(nn.Module):
    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, x):
        return self.enc(x)[0]


def frame_pool(tiny):
    """All frames of the clip and image datasets, as one uint8 array (N, 32, 32, 3)."""
    clips = C.load_dataset("clips8")["frames"]
    images = C.load_dataset("images")["frames"]
    if tiny:
        clips, images = clips[:16], images[:64]
    return np.concatenate([np.asarray(clips).reshape(-1, 32, 32, 3), np.asarray(images).reshape(-1, 32, 32, 3)])


def heldout_frames(n=512):
    h = C.load_dataset("heldout8")["frames"]
    return C.to_model_range(np.asarray(h[: n // 8]).reshape(-1, 32, 32, 3))


def object_mask(x):
    """1 on lit pixels (any channel above black) and the ring of pixels around them."""
    lit = (x.max(dim=1, keepdim=True).values > -0.95).float()
    return F.max_pool2d(lit, 3, stride=1, padding=1)


def psnr(x, y):
    mse = F.mse_loss(x.clamp(-1, 1), y).item()
    return 10 * math.log10(4.0 / max(mse, 1e-12))  # peak-to-peak 2 in [-1, 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--kl", type=float, default=1e-4)
    ap.add_argument("--l1", type=float, default=0.5, help="weight of an L1 term beside the MSE: sharper edges")
    ap.add_argument("--object-weight", type=float, default=4.0,
                    help="extra loss weight on object pixels and their 1-px ring: the judge reads shapes there, and the black background is easy")
    ap.add_argument("--tiny", action="store_true", help="a few steps, for npm run test:train")
    ap.add_argument("--fresh", action="store_true", help="ignore the checkpoint")
    ap.add_argument("--decoder-only", action="store_true",
                    help="fine-tune the decoder alone (as Stable Diffusion's ft-MSE decoder): the encoder, and so every cached latent and trained denoiser, stays valid")
    ap.add_argument("--export-only", action="store_true", help="export the checkpoint (or the committed weights) again, no training")
    args = ap.parse_args()
    C.setup_threads()
    torch.manual_seed(0)
    stage = "vae-tiny" if args.tiny else "vae"
    if args.export_only:
        ck = C.load_checkpoint(stage) or C.committed_weights("vae")
        model = VAE()
        model.load_state_dict(ck["model"])
        info = manifest.load()["models"].get("vae_encoder", {})
        export(model, stage, ck.get("step", info.get("steps")), ck.get("elapsed", 60 * info.get("train_minutes", 0)),
               heldout_frames(64 if args.tiny else 512), args.tiny, keep=("judge_round_trip",))
        return
    budget = 5 if args.tiny else args.minutes * 60

    model = VAE()
    ck = None if args.fresh else C.load_checkpoint(stage)
    if args.decoder_only:
        if ck is None:
            raise SystemExit("--decoder-only needs a trained VAE checkpoint")
        model.encoder.requires_grad_(False)
    opt = torch.optim.Adam(model.decoder.parameters() if args.decoder_only else model.parameters(), lr=args.lr)
    step, elapsed = 0, 0.0
    if ck:
        model.load_state_dict(ck["model"])
        if ck.get("decoder_only", False) == args.decoder_only:
            opt.load_state_dict(ck["opt"])
        step, elapsed = ck["step"], ck["elapsed"]
        print(f"resuming {stage} at step {step}, {elapsed / 60:.1f} min" + (" (decoder only)" if args.decoder_only else ""))
    model = model.to(memory_format=torch.channels_last)  # oneDNN's convolutions run ~2.5x faster so on this CPU
    log = C.Log(stage, fresh=ck is None)
    pool = frame_pool(args.tiny)
    held = heldout_frames(64 if args.tiny else 512)
    rng = np.random.default_rng(step)
    timer = C.Timer(elapsed)
    step0 = step
    with C.PidFile():
        model.train()
        while (step < 3) if args.tiny else timer.elapsed < budget:
            # Each invocation anneals from its start to its budget (a resumed run warms up again).
            frac = (timer.elapsed - elapsed) / max(1.0, budget - elapsed)
            lr = args.lr * min(1.0, (step - step0 + 1) / 50) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))
            for g in opt.param_groups:
                g["lr"] = lr
            x = C.to_model_range(pool[np.sort(rng.integers(0, len(pool), args.batch))]).contiguous(memory_format=torch.channels_last)
            xhat, kl = model(x)
            rec = F.mse_loss(xhat, x)
            w = 1 + args.object_weight * object_mask(x)
            loss = (w * ((xhat - x).pow(2) + args.l1 * (xhat - x).abs())).mean() / w.mean() + args.kl * kl
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if step % 100 == 0 or args.tiny:
                model.eval()
                with torch.no_grad():
                    mean, _ = model.encoder(held)
                    p = psnr(model.decoder(mean), held)
                model.train()
                log(step=step, minutes=timer.elapsed / 60, loss=loss.item(), mse=rec.item(), kl=kl.item(), lr=lr, heldout_psnr=p)
            if step % 500 == 0:
                C.save_checkpoint(stage, model=model.state_dict(), opt=opt.state_dict(), step=step, elapsed=timer.elapsed, decoder_only=args.decoder_only)
        C.save_checkpoint(stage, model=model.state_dict(), opt=opt.state_dict(), step=step, elapsed=timer.elapsed, decoder_only=args.decoder_only)
        export(model, stage, step, timer.elapsed, held, args.tiny)


@torch.no_grad()
def export(model, stage, step, elapsed, held, tiny, keep=()):
    """Encoder and decoder take any height and width that are multiples of 4 (32 x 32 frames are what they learnt).
    `keep`: manifest keys measured on these same weights that a re-export carries over."""
    model = C.round_to_fp16(model.eval())
    mean, _ = model.encoder(held)
    scale = 1.0 / mean.std().item()
    p = psnr(model.decoder(mean), held)
    out = C.WORK / "tiny" if tiny else C.WEIGHTS
    enc_path = C.export_onnx(EncoderMean(model.encoder), (held[:1],), out / "vae_encoder.onnx", ["frames"], ["latent"],
                             {"frames": {0: "batch", 2: "height", 3: "width"}, "latent": {0: "batch", 2: "height", 3: "width"}})
    dec_path = C.export_onnx(model.decoder, (mean[:1],), out / "vae_decoder.onnx", ["latent"], ["frames"],
                             {"latent": {0: "batch", 2: "height", 3: "width"}, "frames": {0: "batch", 2: "height", 3: "width"}})
    if tiny:
        print(f"tiny export ok: {enc_path}, {dec_path}")
        return
    g_in = held[:2]
    C.write_golden("vae_encoder", enc_path, {"frames": g_in}, {"latent": model.encoder(g_in)[0]})
    C.write_golden("vae_decoder", dec_path, {"latent": mean[:2]}, {"frames": model.decoder(mean[:2])})
    common = {"stage": "vae", "steps": step, "train_minutes": round(elapsed / 60, 1), "heldout_psnr_db": round(p, 2)}
    manifest.add_model("vae_encoder", enc_path, params=C.count_params(model.encoder), flops_shapes={"frames": [1, 3, 32, 32]},
                       inputs={"frames": "float32 (N, 3, H, W) in [-1, 1]; trained at 32 x 32"}, outputs={"latent": "float32 (N, 4, H/4, W/4), posterior mean, unscaled"},
                       keep=keep, **common)
    manifest.add_model("vae_decoder", dec_path, params=C.count_params(model.decoder), flops_shapes={"latent": [1, 4, 8, 8]},
                       inputs={"latent": "float32 (N, 4, h, w), unscaled; trained at 8 x 8"}, outputs={"frames": "float32 (N, 3, 4h, 4w) in about [-1, 1]"},
                       keep=keep, **common)
    previous = manifest.load().get("vae", {})
    manifest.set_value("vae", {"scaling_factor": round(scale, 5), "latent_channels": 4, "downsample": 4, "heldout_psnr_db": round(p, 2),
                               **{k: previous[k] for k in keep if k in previous}})
    print(f"exported VAE: held-out PSNR {p:.2f} dB, latent std {1 / scale:.4f}, scale factor {scale:.5f}")


if __name__ == "__main__":
    main()
