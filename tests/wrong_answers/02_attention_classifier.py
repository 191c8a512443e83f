"""Lab 02: wrong answers that pass the visible checks and fail the hidden ones (see tests/test_hidden_tests.py)."""

PRELUDE = """\
import math
import torch
import torch.nn as nn
from labs_utils import text, train
"""

_MASKED_SOFTMAX_RENORMALISED = """\
def masked_softmax(scores, mask, dim=-1):
    w = torch.softmax(scores, dim=dim) * mask          # softmax over every position, then drop the padding
    return w / w.sum(dim, keepdim=True).clamp(min=1e-12)
"""

_MASKED_SOFTMAX_LAST_DIM = """\
def masked_softmax(scores, mask, dim=-1):
    mask = mask.expand_as(scores)
    filled = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
    return torch.softmax(filled, dim=-1).masked_fill(~mask, 0.0)   # dim is ignored
"""

_LOCAL_CONTEXT_PADDING_1 = """\
class LocalContext(nn.Module):
    def __init__(self, dim, window=3):
        super().__init__()
        if window < 1 or window % 2 == 0:
            raise ValueError(f"window must be an odd number >= 1, got {window}")
        self.conv = nn.Conv1d(dim, dim, window, padding=1)        # right for window 3 only

    def forward(self, x, mask):
        m = mask.unsqueeze(-1).to(x.dtype)
        x = x * m
        local = torch.relu(self.conv(x.transpose(1, 2))).transpose(1, 2)
        return (x + local) * m
"""

_CLASSIFIER_MEAN_OVER_PADDING = """\
class ReviewClassifier(ReviewEncoder):
    def __init__(self, vectors, n_classes, pooling="attention", heads=4, key_dim=32, **encoder):
        super().__init__(vectors, **encoder)
        self.pooling, self.heads = pooling, heads if pooling == "attention" else 1
        dim = vectors.shape[1]
        self.attention = MultiHeadAttentionPooling(dim, heads, key_dim) if pooling == "attention" else None
        self.classifier = nn.Linear(self.heads * dim, n_classes)

    def pool(self, tokens):
        x, mask = self.states(tokens)
        if self.attention is None:
            return x.mean(1, keepdim=True), None          # averages the padding too
        return self.attention(x, mask)

    def forward(self, tokens, lengths=None):
        z, _ = self.pool(tokens)
        return self.classifier(self.dropout(z.flatten(1)))
"""

CASES = [
    dict(
        solution="masked_softmax",
        test="masked_softmax_test",
        setup=[],
        wrong=_MASKED_SOFTMAX_RENORMALISED,
        why="softmax over all positions, then zero the padding and renormalise: a large padded score underflows "
        "the real ones",
        name="renormalised_after_softmax",
    ),
    dict(
        solution="masked_softmax",
        test="masked_softmax_test",
        setup=[],
        wrong=_MASKED_SOFTMAX_LAST_DIM,
        why="ignores the dim argument and always normalises the last dimension",
        name="ignores_dim",
    ),
    dict(
        solution="local_context",
        test="local_context_test",
        setup=[],
        wrong=_LOCAL_CONTEXT_PADDING_1,
        why="Conv1d padding hard-coded to 1: right for window 3, breaks the shape for window 5",
        name="padding_fixed_for_window_3",
    ),
    dict(
        solution="classifier_pooling",
        test="classifier_test",
        setup=["masked_softmax", "attention_pooling", "masked_mean", "local_context", "classifier"],
        wrong=_CLASSIFIER_MEAN_OVER_PADDING,
        why="mean pooling averages over the <pad> positions too, so padding changes the logits",
        name="mean_pooling_counts_padding",
    ),
]
