"""The diffusion math the trainers use, the same as pipeline/diffusion (diffusers'
names): the squaredcos_cap_v2 schedule, v-prediction, min-SNR loss weights
(Hang et al. 2023), and a DDIM sampler with classifier-free guidance for
checking samples during training."""
import math

import torch

T = 1000


def cosine_alphas_cumprod(steps=T, max_beta=0.999):
    f = lambda s: math.cos((s + 0.008) / 1.008 * math.pi / 2) ** 2
    betas = [min(1 - f((i + 1) / steps) / f(i / steps), max_beta) for i in range(steps)]
    return torch.cumprod(1 - torch.tensor(betas, dtype=torch.float64), 0).float()


ALPHAS_CUMPROD = cosine_alphas_cumprod()
SCHEDULE = {"beta_schedule": "squaredcos_cap_v2", "num_train_timesteps": T, "prediction_type": "v_prediction",
            "timestep_spacing": "trailing"}


def bcast(v, x):
    return v.reshape(-1, *([1] * (x.dim() - 1)))


def q_sample(x0, t, noise):
    a = ALPHAS_CUMPROD[t]
    return bcast(a.sqrt(), x0) * x0 + bcast((1 - a).sqrt(), x0) * noise


def v_target(x0, t, noise):
    a = ALPHAS_CUMPROD[t]
    return bcast(a.sqrt(), x0) * noise - bcast((1 - a).sqrt(), x0) * x0


def frame_noise(shape, shared=0.0, generator=None):
    """Gaussian noise for latents (..., F, C, H, W) whose frames share a part (PYoCo's mixed noise,
    Ge et al. 2023): eps_f = (a * eps_shared + eps_own_f) / sqrt(1 + a^2), still N(0, 1) in every entry,
    with correlation a^2 / (1 + a^2) between two frames. a = 0, or one frame, is plain N(0, I); the
    frames' own noise is drawn first, so a = 0 gives the same numbers as torch.randn(shape)."""
    own = torch.randn(shape, generator=generator)
    if shared == 0 or shape[-4] == 1:
        return own
    common = torch.randn((*shape[:-4], 1, *shape[-3:]), generator=generator)
    return (shared * common + own) / math.sqrt(1 + shared ** 2)


LOG_SNR = (ALPHAS_CUMPROD / (1 - ALPHAS_CUMPROD)).log()


def shift_timesteps(t, log_snr_shift):
    """Each timestep moved to the one whose log-SNR is `log_snr_shift` lower (noisier); the same
    uniform draw then lands more often where the schedule's SNR is small (SD3's resolution shift)."""
    if log_snr_shift == 0:
        return t
    target = LOG_SNR[t] - log_snr_shift
    # LOG_SNR falls with t: the first timestep at or below the target
    return torch.searchsorted(-LOG_SNR, -target).clamp(max=T - 1)


def min_snr_weight(t, gamma=5.0):
    """For a v-prediction loss: min(SNR, gamma) / (SNR + 1)."""
    a = ALPHAS_CUMPROD[t]
    snr = a / (1 - a)
    return torch.clamp(snr, max=gamma) / (snr + 1)


def trailing_timesteps(steps):
    return [int(round(T - i * T / steps)) - 1 for i in range(steps)]


@torch.no_grad()
def ddim_sample(model_fn, shape, context, uncond, guidance, steps=30, generator=None, x=None, pooled=None, interval=None, shared=0.0):
    """model_fn(x, t, context, pooled) -> v. Deterministic DDIM (eta 0), trailing spacing.
    Each call batches [unconditional; conditional]; pooled, for a model that reads the pooled
    caption (dit_adaln), is the pair (conditional, unconditional) of (N, 64), batched alike.
    interval (lo, hi): guide only the steps with lo <= t < hi (Kynkaanniemi et al. 2024); the
    others use the conditional prediction alone (guidance 1), one batch-N call. shared: the frames'
    shared part of the starting noise when x is not given (frame_noise)."""
    both = None if pooled is None else torch.cat([pooled[1], pooled[0]])
    x = frame_noise(shape, shared, generator) if x is None else x
    ts = trailing_timesteps(steps)
    n = shape[0]
    for i, t in enumerate(ts):
        a = ALPHAS_CUMPROD[t]
        a_prev = ALPHAS_CUMPROD[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0)
        if interval is not None and not interval[0] <= t < interval[1]:
            v = model_fn(x, torch.full((n,), t, dtype=torch.float32), context, None if pooled is None else pooled[0])
        else:
            tt = torch.full((2 * n,), t, dtype=torch.float32)
            v_u, v_c = model_fn(torch.cat([x, x]), tt, torch.cat([uncond, context]), both).chunk(2)
            v = v_u + guidance * (v_c - v_u)
        x0 = a.sqrt() * x - (1 - a).sqrt() * v
        eps = a.sqrt() * v + (1 - a).sqrt() * x
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x
