"""A latent U-Net like Stable Diffusion's (Rombach et al. 2022), small: ResBlocks
with the timestep embedding added, and at every resolution a spatial transformer
(self-attention, cross-attention to the text tokens, feed-forward). Levels halve
the resolution; the skip connections concatenate.

Its ONNX signature matches the DiT's, so the page swaps one for the other:
latent (N, F, C, H, W), timestep (N,), context (N, 24, 128) -> (N, F, C, H, W);
frames are denoised independently (it is an image model)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from layers import CrossAttention, LayerNorm, SelfAttention, mlp, timestep_embedding


class ResBlock(nn.Module):
    def __init__(self, ch_in, ch_out, t_dim):
        super().__init__()
        self.n1, self.c1 = nn.GroupNorm(8, ch_in), nn.Conv2d(ch_in, ch_out, 3, padding=1)
        self.t = nn.Linear(t_dim, ch_out)
        self.n2, self.c2 = nn.GroupNorm(8, ch_out), nn.Conv2d(ch_out, ch_out, 3, padding=1)
        self.skip = nn.Conv2d(ch_in, ch_out, 1) if ch_in != ch_out else nn.Identity()
        nn.init.zeros_(self.c2.weight)
        nn.init.zeros_(self.c2.bias)

    def forward(self, x, temb):
        h = self.c1(F.silu(self.n1(x))) + self.t(F.silu(temb))[:, :, None, None]
        return self.skip(x) + self.c2(F.silu(self.n2(h)))


class SpatialTransformer(nn.Module):
    def __init__(self, ch, context_dim, heads):
        super().__init__()
        self.norm, self.proj_in = nn.GroupNorm(8, ch), nn.Linear(ch, ch)
        self.n1, self.attn = LayerNorm(ch), SelfAttention(ch, heads)
        self.n2, self.cross = LayerNorm(ch), CrossAttention(ch, context_dim, heads)
        self.n3, self.ff = LayerNorm(ch), mlp(ch)
        self.proj_out = nn.Linear(ch, ch)
        nn.init.zeros_(self.proj_out.weight)
        nn.init.zeros_(self.proj_out.bias)

    def forward(self, x, context):
        n, c, h, w = x.shape
        y = self.proj_in(self.norm(x).reshape(n, c, h * w).transpose(1, 2))
        a, self_p = self.attn(self.n1(y))
        y = y + a
        a, cross_p = self.cross(self.n2(y), context)
        y = y + a
        y = y + self.ff(self.n3(y))
        return x + self.proj_out(y).transpose(1, 2).reshape(n, c, h, w), self_p, cross_p


class UNet(nn.Module):
    def __init__(self, channels=4, widths=(64, 128), context_dim=128, heads=4, attention_from=0):
        """widths: channels at each level (each level halves the resolution);
        attention_from: the first level with spatial transformers (pixel space skips 32 x 32)."""
        super().__init__()
        self.channels = channels
        t_dim = 4 * widths[0]
        self.t_mlp = nn.Sequential(nn.Linear(widths[0], t_dim), nn.SiLU(), nn.Linear(t_dim, t_dim))
        self.conv_in = nn.Conv2d(channels, widths[0], 3, padding=1)
        self.down, self.attn_down, self.downsample = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        ch = widths[0]
        skips = []
        for i, w in enumerate(widths):
            self.down.append(ResBlock(ch, w, t_dim))
            self.attn_down.append(SpatialTransformer(w, context_dim, heads) if i >= attention_from else None)
            skips.append(w)
            ch = w
            self.downsample.append(nn.Conv2d(w, w, 3, stride=2, padding=1) if i < len(widths) - 1 else None)
        self.mid1, self.mid_attn, self.mid2 = ResBlock(ch, ch, t_dim), SpatialTransformer(ch, context_dim, heads), ResBlock(ch, ch, t_dim)
        self.up, self.attn_up, self.upsample = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for i, w in reversed(list(enumerate(widths))):
            self.up.append(ResBlock(ch + skips[i], w, t_dim))
            self.attn_up.append(SpatialTransformer(w, context_dim, heads) if i >= attention_from else None)
            self.upsample.append(nn.Conv2d(w, w, 3, padding=1) if i > 0 else None)
            ch = w
        self.out = nn.Sequential(nn.GroupNorm(8, ch), nn.SiLU(), nn.Conv2d(ch, channels, 3, padding=1))
        nn.init.zeros_(self.out[-1].weight)
        nn.init.zeros_(self.out[-1].bias)
        self.width0 = widths[0]

    def forward(self, latent, timestep, context, pooled=None, inspect=False):
        n, f, c, h, w = latent.shape
        x = latent.reshape(n * f, c, h, w)
        t = timestep.repeat_interleave(f) if f > 1 else timestep
        ctx = context.repeat_interleave(f, dim=0) if f > 1 else context
        temb = self.t_mlp(timestep_embedding(t, self.width0))
        x = self.conv_in(x)
        skips, cross_ps = [], []

        def attend(block, x):
            if block is None:
                return x
            size = x.shape[-2:]
            x, _, cp = block(x, ctx)
            cross_ps.append((cp, size))
            return x

        for res, att, ds in zip(self.down, self.attn_down, self.downsample):
            x = attend(att, res(x, temb))
            skips.append(x)
            if ds is not None:
                x = ds(x)
        x = self.mid2(attend(self.mid_attn, self.mid1(x, temb)), temb)
        for res, att, us in zip(self.up, self.attn_up, self.upsample):
            x = attend(att, res(torch.cat([x, skips.pop()], dim=1), temb))
            if us is not None:
                x = us(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        out = self.out(x).reshape(n, f, c, h, w)
        if not inspect:
            return out
        # Cross-attention maps of different resolutions: upsample each to the latent grid, then stack.
        maps = []
        for p, (ph, pw) in cross_ps:  # each at the resolution of its level, (ph, pw)
            heads, k = p.shape[1], p.shape[3]
            m = p.reshape(n * f, heads, ph, pw, k).permute(0, 1, 4, 2, 3).reshape(n * f, heads * k, ph, pw)
            m = F.interpolate(m, size=(h, w), mode="nearest").reshape(n * f, heads, k, h * w).permute(0, 1, 3, 2)
            maps.append(m)
        return out, {"cross_attention": torch.stack(maps, 1)}
