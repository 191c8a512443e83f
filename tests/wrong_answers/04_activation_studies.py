"""Lab 04: wrong answers that pass the visible checks and fail the hidden ones (see tests/test_hidden_tests.py)."""

# ACTIVATIONS is the notebook's own dictionary (a plain cell without a grade_id), repeated here
PRELUDE = """\
import math
import torch
import torch.nn as nn
from labs_utils import text

ACTIVATIONS = {
    "identity": lambda x: x,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "sigmoid_plus_x": lambda x: torch.sigmoid(x) + x,
}
"""

_DERIVATIVE_OVERFLOWS = """\
def activation_derivative(name, x):
    if name == "identity":
        return torch.ones_like(x)
    e = torch.exp(-x)
    sigmoid_prime = e / (1 + e) ** 2            # the textbook formula: inf / inf = nan for very negative x
    if name == "sigmoid":
        return sigmoid_prime
    if name == "tanh":
        return 1 - torch.tanh(x) ** 2
    if name == "relu":
        return (x > 0).to(x.dtype)
    if name == "sigmoid_plus_x":
        return sigmoid_prime + 1
    raise ValueError(f"unknown activation {name!r}")
"""

_WINDOW_MASK = """\
def window_mask(lengths, max_len, k):
    pos = torch.arange(max_len, device=lengths.device)
    near = (pos[:, None] - pos[None, :]).abs() <= k
    real = pos[None, :] < lengths[:, None]
    return near[None, :, :] & real[:, None, :]


"""

_ATTENTION_SCALED_BY_VALUES = (
    _WINDOW_MASK
    + """\
def restricted_attention(q, k, v, mask):
    scores = q @ k.transpose(1, 2) / math.sqrt(v.shape[-1])     # the width of the values, not of q and k
    scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
    weights = torch.softmax(scores, dim=-1) * mask
    return weights @ v, weights
"""
)

_ATTENTION_RENORMALISED = (
    _WINDOW_MASK
    + """\
def restricted_attention(q, k, v, mask):
    weights = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(q.shape[-1]), dim=-1) * mask
    weights = weights / weights.sum(-1, keepdim=True).clamp(min=1e-12)   # mask after the softmax, renormalise
    return weights @ v, weights
"""
)

_SUB_SCORE_HEAD = """\
class SubScoreMLP(nn.Module):
    def __init__(self, vectors, hidden, feature_size=None):
        super().__init__()
        self.embedding = nn.Embedding.from_pretrained(vectors.clone(), freeze=True, padding_idx=text.PAD_ID)
        size = feature_size or vectors.shape[1]
        self.score = nn.Sequential(nn.Linear(size, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def features(self, tokens, lengths):
        return self.embedding(tokens)

    def forward(self, tokens, lengths):
        return self.contributions(tokens, lengths)[0].sum(1)

"""

_SUB_SCORE_OF_EMBEDDING = (
    _SUB_SCORE_HEAD
    + """\
    def contributions(self, tokens, lengths):
        real = torch.arange(tokens.shape[1])[None, :] < lengths[:, None]
        scores = self.score(self.embedding(tokens)).squeeze(-1) * real   # the raw embedding, not features()
        return scores, scores
"""
)

_SUB_SCORE_MASK_TO_LONGEST = (
    _SUB_SCORE_HEAD
    + """\
    def contributions(self, tokens, lengths):
        real = torch.arange(int(lengths.max()))[None, :] < lengths[:, None]   # [B, longest], not [B, T]
        scores = self.score(self.features(tokens, lengths)).squeeze(-1) * real
        return scores, scores
"""
)

_WEIGHTED_SUM_UNMASKED_SOFTMAX = """\
class WeightedSum(SubScoreMLP):
    def __init__(self, vectors, hidden, feature_size=None):
        super().__init__(vectors, hidden, feature_size)
        self.importance = nn.Linear(feature_size or vectors.shape[1], 1)

    def contributions(self, tokens, lengths):
        real = torch.arange(tokens.shape[1])[None, :] < lengths[:, None]
        feats = self.features(tokens, lengths)
        scores = self.score(feats).squeeze(-1) * real
        weights = torch.softmax(self.importance(feats).squeeze(-1), dim=1)   # padding takes a share
        return weights * scores, scores
"""

CASES = [
    dict(
        solution="activation_derivative",
        test="activation_derivative_test",
        setup=[],
        wrong=_DERIVATIVE_OVERFLOWS,
        name="sigmoid_prime_overflows",
        why="sigmoid' as exp(-x) / (1 + exp(-x))**2: nan once exp(-x) overflows (x = -1000 in float32)",
    ),
    dict(
        solution="window_attention",
        test="window_attention_test",
        setup=[],
        wrong=_ATTENTION_SCALED_BY_VALUES,
        name="scaled_by_value_width",
        why="divides the scores by sqrt of the values' width instead of d of q, k",
    ),
    dict(
        solution="window_attention",
        test="window_attention_test",
        setup=[],
        wrong=_ATTENTION_RENORMALISED,
        name="renormalised_after_softmax",
        why="softmax over all keys, then masks and renormalises: a huge score outside the window underflows the "
        "allowed ones",
    ),
    dict(
        solution="sub_score_mlp",
        test="sub_score_mlp_test",
        setup=[],
        wrong=_SUB_SCORE_OF_EMBEDDING,
        name="scores_the_embedding_not_features",
        why="scores self.embedding(tokens) instead of self.features(...): the attention model's context is ignored",
    ),
    dict(
        solution="sub_score_mlp",
        test="sub_score_mlp_test",
        setup=[],
        wrong=_SUB_SCORE_MASK_TO_LONGEST,
        name="mask_as_long_as_the_longest_review",
        why="builds the padding mask to lengths.max() positions: breaks when the batch is padded further",
    ),
    dict(
        solution="weighted_sum",
        test="weighted_sum_test",
        setup=["sub_score_mlp"],
        wrong=_WEIGHTED_SUM_UNMASKED_SOFTMAX,
        name="softmax_over_padding",
        why="softmax of the importance over every position: padding takes a share of the weight",
    ),
]
