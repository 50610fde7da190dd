"""The Diffusion Transformer (Peebles & Xie 2023; facebookresearch/DiT models.py),
for video latents, as Sora describes: the latent of a clip is cut into spacetime
patches, each patch a token; an image is a one-frame clip.

- Patches of pt x ph x pw (1 x 2 x 2 here) of the (frames, 4, height, width)
  latent; token order time, then rows, then columns, features (pt, ph, pw, C)
  as in pipeline/diffusion/patchify.ts.
- Positions: fixed sin-cos features of each token's (t, row, column), computed
  from the coordinates, so any number of frames and any latent size work.
- The timestep enters through adaLN-Zero; the text (the frozen text encoder's
  per-token outputs) through cross-attention after self-attention in each block,
  as PixArt-alpha does. `conditioning` also offers DiT's other two ways of
  conditioning for chapter 6: "adaln" (pooled text added to the timestep
  embedding) and "in_context" (text tokens appended to the sequence).
- `attention="factorised"` (issue 19's finer tokens, Latte's variant 1, Ma et
  al. 2024): blocks take turns, a spatial one (each frame its own sequence,
  reading the text) then a temporal one (each place its own sequence across
  the frames, no text). With 1 x 1 x 1 patches an 8 x 8 latent is 64 tokens a
  frame, and full attention over a clip's 512 would cost too much.
"""
import torch
import torch.nn as nn

from layers import CrossAttention, LayerNorm, SelfAttention, mlp, sincos_1d, split_last, timestep_embedding


def repeat_rows(x, k):
    """Each row of x k times in a row, (N, ...) -> (N * k, ...): repeat_interleave, in ops ONNX exports
    without a loop."""
    return x.unsqueeze(1).expand(x.shape[0], k, *x.shape[1:]).reshape(x.shape[0] * k, *x.shape[1:])


def modulate(x, shift, scale):
    return x * (1 + scale[:, None]) + shift[:, None]


class TimestepEmbedder(nn.Module):
    def __init__(self, dim, freq_dim=256):
        super().__init__()
        self.freq_dim = freq_dim
        self.mlp = nn.Sequential(nn.Linear(freq_dim, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, t):
        return self.mlp(timestep_embedding(t, self.freq_dim))


class DiTBlock(nn.Module):
    def __init__(self, dim, heads, context_dim, cross):
        super().__init__()
        self.norm1, self.attn = LayerNorm(dim, affine=False), SelfAttention(dim, heads)
        self.cross = cross
        if cross:
            self.norm_c, self.cross_attn = LayerNorm(dim), CrossAttention(dim, context_dim, heads)
        self.norm2, self.mlp = LayerNorm(dim, affine=False), mlp(dim)
        self.adaLN = nn.Sequential(nn.SiLU(), nn.Linear(dim, 6 * dim))

    def forward(self, x, c, context, mask=None):
        mod = self.adaLN(c)
        shift1, scale1, gate1, shift2, scale2, gate2 = split_last(mod, 6)
        a, self_p = self.attn(modulate(self.norm1(x), shift1, scale1), mask)
        x = x + gate1[:, None] * a
        cross_p = None
        if self.cross:
            a, cross_p = self.cross_attn(self.norm_c(x), context)
            x = x + a
        x = x + gate2[:, None] * self.mlp(modulate(self.norm2(x), shift2, scale2))
        return x, self_p, cross_p, mod


class FinalLayer(nn.Module):
    def __init__(self, dim, out):
        super().__init__()
        self.norm = LayerNorm(dim, affine=False)
        self.adaLN = nn.Sequential(nn.SiLU(), nn.Linear(dim, 2 * dim))
        self.linear = nn.Linear(dim, out)

    def forward(self, x, c):
        shift, scale = split_last(self.adaLN(c), 2)
        return self.linear(modulate(self.norm(x), shift, scale))


class DiT(nn.Module):
    def __init__(self, channels=4, width=128, depth=6, heads=4, patch=(1, 2, 2), context_dim=128,
                 pooled_dim=64, conditioning="cross", attention="full"):
        super().__init__()
        assert conditioning in ("cross", "adaln", "in_context") and attention in ("full", "factorised")
        assert attention == "full" or conditioning == "cross", "factorised attention reads the text by cross-attention"
        self.channels, self.width, self.patch, self.conditioning = channels, width, patch, conditioning
        self.attention = attention
        pt, ph, pw = patch
        self.embed = nn.Linear(pt * ph * pw * channels, width)
        self.t_embed = TimestepEmbedder(width)
        if conditioning == "adaln":
            self.text_embed = nn.Sequential(nn.Linear(pooled_dim, width), nn.SiLU(), nn.Linear(width, width))
        if conditioning == "in_context":
            self.context_embed = nn.Linear(context_dim, width)
        # factorised: the even blocks spatial (with the text), the odd ones temporal (without)
        self.blocks = nn.ModuleList(DiTBlock(width, heads, context_dim, conditioning == "cross" and (attention == "full" or i % 2 == 0))
                                    for i in range(depth))
        self.final = FinalLayer(width, pt * ph * pw * channels)
        self.initialize()

    def initialize(self):
        def basic(m):
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
        self.apply(basic)
        nn.init.normal_(self.t_embed.mlp[0].weight, std=0.02)
        nn.init.normal_(self.t_embed.mlp[2].weight, std=0.02)
        for b in self.blocks:  # adaLN-Zero: every block starts as the identity
            nn.init.zeros_(b.adaLN[-1].weight)
            nn.init.zeros_(b.adaLN[-1].bias)
        nn.init.zeros_(self.final.adaLN[-1].weight)
        nn.init.zeros_(self.final.adaLN[-1].bias)
        nn.init.zeros_(self.final.linear.weight)
        nn.init.zeros_(self.final.linear.bias)

    def positions(self, latent):
        """Sin-cos features of each token's (t, row, column): a quarter of the width for time,
        the rest split between rows and columns. The coordinates are counted along a grid
        sliced from the latent itself (cumulative sums of ones), so the ONNX graph follows
        any number of frames and any latent size, and shape inference can follow it too."""
        pt, ph, pw = self.patch
        ones = latent[0, ::pt, 0, ::ph, ::pw] * 0 + 1            # (F/pt, H/ph, W/pw)
        tt, hh, ww = (ones.cumsum(d).reshape(-1) - 1 for d in range(3))
        dt = self.width // 4
        dh = (self.width - dt) // 2
        dw = self.width - dt - dh
        return torch.cat([sincos_1d(tt, dt), sincos_1d(hh, dh), sincos_1d(ww, dw)], dim=-1)

    def factorised(self, x, cond, context, frames):
        """The blocks in turn over (N, frames * places, width) tokens: a spatial block sees one frame's
        places (and the text), a temporal block one place's frames; each sequence gets its sample's
        timestep (and text) by repetition."""
        n, tokens, d = x.shape
        places = tokens // frames
        for i, b in enumerate(self.blocks):
            if i % 2 == 0:
                y, _, _, _ = b(x.reshape(n * frames, places, d), repeat_rows(cond, frames), repeat_rows(context, frames))
                x = y.reshape(n, tokens, d)
            else:
                y = x.reshape(n, frames, places, d).transpose(1, 2).reshape(n * places, frames, d)
                y, _, _, _ = b(y, repeat_rows(cond, places), None)
                x = y.reshape(n, places, frames, d).transpose(1, 2).reshape(n, tokens, d)
        return x

    def patchify(self, x):
        n, f, c, h, w = x.shape
        pt, ph, pw = self.patch
        x = x.reshape(n, f // pt, pt, c, h // ph, ph, w // pw, pw)
        x = x.permute(0, 1, 4, 6, 2, 5, 7, 3)
        return x.reshape(n, (f // pt) * (h // ph) * (w // pw), pt * ph * pw * c)

    def unpatchify(self, x, f, h, w):
        n = x.shape[0]
        pt, ph, pw = self.patch
        c = self.channels
        x = x.reshape(n, f // pt, h // ph, w // pw, pt, ph, pw, c)
        x = x.permute(0, 1, 4, 7, 2, 5, 3, 6)
        return x.reshape(n, f, c, h, w)

    def forward(self, latent, timestep, context, pooled=None, inspect=False):
        """latent (N, F, C, H, W), timestep (N,), context (N, L, 128) -> prediction (N, F, C, H, W)."""
        n, f, c, h, w = latent.shape
        pt, ph, pw = self.patch
        x = self.embed(self.patchify(latent)) + self.positions(latent)
        cond = self.t_embed(timestep)
        if self.conditioning == "adaln":
            cond = cond + self.text_embed(pooled)
        tokens = x.shape[1]
        if self.attention == "factorised":
            assert not inspect, "the inspect outputs are the full-attention model's"
            return self.unpatchify(self.final(self.factorised(x, cond, context, f // pt), cond), f, h, w)
        if self.conditioning == "in_context":
            x = torch.cat([x, self.context_embed(context)], dim=1)
        self_ps, cross_ps, mods = [], [], []
        for b in self.blocks:
            x, sp, cp, mod = b(x, cond, context)
            if inspect:
                self_ps.append(sp)
                cross_ps.append(cp)
                mods.append(mod.reshape(n, 6, self.width))
        out = self.unpatchify(self.final(x[:, :tokens], cond), f, h, w)
        if not inspect:
            return out
        extra = {"self_attention": torch.stack(self_ps, 1), "adaln": torch.stack(mods, 1)}
        if self.conditioning == "cross":
            extra["cross_attention"] = torch.stack(cross_ps, 1)
        return out, extra
