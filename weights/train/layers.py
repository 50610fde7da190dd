"""Small building blocks shared by the models here, written so that torch 1.13
exports them cleanly to ONNX opset 17 (training-notes.md: affine-free LayerNorm
and the fused attention fast path both export badly, so both are written out)."""
import math

import torch
import torch.nn as nn


class LayerNorm(nn.Module):
    def __init__(self, dim, affine=True, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim)) if affine else None
        self.bias = nn.Parameter(torch.zeros(dim)) if affine else None

    def forward(self, x):
        mu = x.mean(-1, keepdim=True)
        var = (x - mu).pow(2).mean(-1, keepdim=True)
        x = (x - mu) / torch.sqrt(var + self.eps)
        return x * self.weight + self.bias if self.weight is not None else x


def attention(q, k, v, heads, mask=None):
    """Scaled dot-product attention over (N, L, D) tensors; returns the output and
    the probabilities (N, heads, Lq, Lk)."""
    n, lq, d = q.shape
    lk = k.shape[1]
    q = q.reshape(n, lq, heads, d // heads).transpose(1, 2)
    k = k.reshape(n, lk, heads, d // heads).transpose(1, 2)
    v = v.reshape(n, lk, heads, d // heads).transpose(1, 2)
    logits = q @ k.transpose(-1, -2) * (1.0 / math.sqrt(d // heads))
    if mask is not None:
        logits = logits + mask
    p = logits.softmax(-1)
    return (p @ v).transpose(1, 2).reshape(n, lq, d), p


def split_last(x, n):
    """x.chunk(n, dim=-1), written as a reshape and constant indices: torch 1.13 exports
    chunk as Slices with computed bounds, which ONNX shape inference cannot follow."""
    y = x.reshape(*x.shape[:-1], n, x.shape[-1] // n)
    return [y[..., i, :] for i in range(n)]


class SelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        q, k, v = split_last(self.qkv(x), 3)
        out, p = attention(q, k, v, self.heads, mask)
        return self.proj(out), p


class CrossAttention(nn.Module):
    def __init__(self, dim, context_dim, heads):
        super().__init__()
        self.heads = heads
        self.q, self.kv, self.proj = nn.Linear(dim, dim), nn.Linear(context_dim, 2 * dim), nn.Linear(dim, dim)

    def forward(self, x, context):
        k, v = split_last(self.kv(context), 2)
        out, p = attention(self.q(x), k, v, self.heads)
        return self.proj(out), p


def mlp(dim, ratio=4):
    return nn.Sequential(nn.Linear(dim, ratio * dim), nn.GELU(), nn.Linear(ratio * dim, dim))


# sin and cos written out with multiplications and additions: WebGPU's sin and cos are only
# required to be within 2^-11 (SwiftShader's measured 1.9e-4 off, everywhere), which moved a
# DiT call by 1.2e-3 between WebGPU and WASM; these agree with torch.sin/cos to ~1e-6 on both.
_TWO_PI_HI = 6.28125                      # 2*pi to 8 bits: k * _TWO_PI_HI is exact for |k| < 2^16
_TWO_PI_LO = 2 * math.pi - 6.28125
_SIN = [(-1) ** n / math.factorial(2 * n + 1) for n in range(1, 9)]   # x^3 ... x^17
_COS = [(-1) ** n / math.factorial(2 * n) for n in range(1, 10)]      # x^2 ... x^18


def sin_cos(x):
    """(sin x, cos x) for float tensors, |x| up to ~1e5: Cody-Waite reduction to [-pi, pi], then Taylor series."""
    k = torch.floor(x / (2 * math.pi) + 0.5)
    r = (x - k * _TWO_PI_HI) - k * _TWO_PI_LO
    r2 = r * r
    s = _SIN[-1]
    for c in reversed(_SIN[:-1]):
        s = c + r2 * s
    c_ = _COS[-1]
    for c in reversed(_COS[:-1]):
        c_ = c + r2 * c_
    return r + r * r2 * s, 1 + r2 * c_


def timestep_embedding(t, dim=256, max_period=10000):
    """DiT's sinusoidal timestep features: cos then sin, frequencies exp(-ln(1e4)·i/(dim/2))."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    sin, cos = sin_cos(args)
    return torch.cat([cos, sin], dim=-1)


def sincos_1d(pos, dim):
    """Fixed sin-cos features of positions (any shape) -> (..., dim)."""
    half = dim // 2
    omega = 1.0 / 10000 ** (torch.arange(half, dtype=torch.float32) / half)
    out = pos.float()[..., None] * omega
    sin, cos = sin_cos(out)
    return torch.cat([sin, cos], dim=-1)
