"""Lab 06: wrong answers that pass the visible checks and fail the hidden ones (see tests/test_hidden_tests.py)."""

PRELUDE = """\
import math
from types import SimpleNamespace
import numpy as np
import scipy.sparse as sp
import torch
import torch.nn as nn
import torch.nn.functional as F
from labs_utils.text import PAD_ID, UNK_ID
NAMES = ["World", "Sports", "Business", "Sci/Tech"]
cfg = SimpleNamespace(clf_hidden=8, clf_dropout=0.3, clf_input_dropout=0.1)
"""

# PMI with the row sums for both marginals: right for the lab's symmetric co-occurrence matrix (the visible check),
# wrong as soon as C[a, :].sum() and C[:, b].sum() differ
_PPMI_ROW_SUMS_TWICE = """\
def ppmi(counts):
    coo = counts.tocoo()
    total = coo.data.sum()
    sums = np.asarray(counts.sum(1)).ravel()
    pmi = np.log(coo.data * total / (sums[coo.row] * sums[coo.col]))
    keep = pmi > 0
    return sp.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=counts.shape)
"""

# the max over the tokens after zeroing the padding (words * mask): right while the real values are positive
_POOL_ZERO_PADDING_IN_MAX = """\
def pool_mean_max(words, lengths):
    real = (torch.arange(words.size(1))[None] < lengths[:, None]).unsqueeze(-1)
    mean = (words * real).sum(1) / lengths[:, None]
    return torch.cat([mean, (words * real).max(1).values], -1)
"""

# the per-layer statistics broadcast without [:, None]: [3, D] lines up with the T axis of [B, 3, T, D]; with
# T = 3 and the same statistics for every layer (the visible check) the result is right, otherwise not
_CLASSIFIER_STATS_ON_THE_WRONG_AXIS = """\
class ArticleClassifier(nn.Module):
    def __init__(self, static=None, mixer=None, stats=None, lm=None):
        super().__init__()
        if static is not None:
            static = nn.Embedding.from_pretrained(torch.as_tensor(static), padding_idx=PAD_ID)
        self.static, self.mixer, self.lm = static, mixer, lm
        self.register_buffer("stats", stats)
        width = 0 if static is None else static.embedding_dim
        width += 0 if mixer is None else stats.shape[-1]
        self.input_drop = nn.Dropout(cfg.clf_input_dropout)
        hidden = cfg.clf_hidden
        self.head = nn.Sequential(nn.Linear(2 * width, hidden), nn.ReLU(), nn.Dropout(cfg.clf_dropout))
        self.head.append(nn.Linear(hidden, len(NAMES)))

    def words(self, ids, *rest):
        parts = [] if self.static is None else [self.static(ids)]
        if self.mixer is not None:
            layers = rest[0] if len(rest) == 2 else elmo_layers(self.lm.eval(), ids, rest[-1])
            parts.append(self.mixer((layers.float() - self.stats[0]) / self.stats[1]))
        return torch.cat(parts, -1)

    def forward(self, ids, *rest):
        words = self.input_drop(self.words(ids, *rest))
        return self.head(pool_mean_max(words, rest[-1]))
"""

_LM_HEAD = """\
class ELMoLite(nn.Module):
    def __init__(self, vocab_size, dim, n_layers=2, dropout=0.1, cutoffs=(1000,)):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=PAD_ID)
        self.forward_lstms = nn.ModuleList(nn.LSTM(dim, dim, batch_first=True) for _ in range(n_layers))
        self.backward_lstms = nn.ModuleList(nn.LSTM(dim, dim, batch_first=True) for _ in range(n_layers))
        self.drop = nn.Dropout(dropout)
        self.softmax = nn.AdaptiveLogSoftmaxWithLoss(dim, vocab_size, list(cutoffs), div_value=4.0)

    def directions(self, x, lengths=None):
        if lengths is None:
            lengths = torch.full((x.size(0),), x.size(1), dtype=torch.long)
        forward_states, backward_states, h = [], [], x
        for lstm in self.forward_lstms:
            h, _ = lstm(self.drop(h))
            forward_states.append(h)
        h = reverse_padded(x, lengths)
        for lstm in self.backward_lstms:
            h, _ = lstm(self.drop(h))
            backward_states.append(reverse_padded(h, lengths))
        return forward_states, backward_states
"""

# directions() is right (the visible gradient checks pass), but forward() feeds the backward LSTMs with the
# forward stack's output instead of the embeddings: the backward LM's prediction of token t-1 has read t-1.
_LM_BACKWARD_READS_FORWARD_STACK = (
    _LM_HEAD
    + """
    def forward(self, ids, lengths=None):
        x = self.embed(ids)
        forward_states, _ = self.directions(x, lengths)
        h = forward_states[-1].flip(1)
        for lstm in self.backward_lstms:
            h, _ = lstm(self.drop(h))
        return self.drop(forward_states[-1]), self.drop(h.flip(1))
"""
)

# forward() returns the forward stack's top layer for both directions (a copy-paste slip)
_LM_BACKWARD_IS_FORWARD = (
    _LM_HEAD
    + """
    def forward(self, ids, lengths=None):
        forward_states, backward_states = self.directions(self.embed(ids), lengths)
        return self.drop(forward_states[-1]), self.drop(forward_states[-1])
"""
)

_PERPLEXITY_MEAN_OF_BATCHES = """\
def perplexity(lm, windows, batch_size=64):
    lm.eval()
    total, n_batches = [0.0, 0.0], 0
    with torch.no_grad():
        for start in range(0, len(windows), batch_size):
            inputs, fwd_targets, bwd_targets = lm_targets(windows[start:start + batch_size])
            states = lm(inputs)
            for k, (h, targets) in enumerate(zip(states, (fwd_targets, bwd_targets))):
                total[k] += lm.softmax(h.reshape(-1, h.size(-1)), targets.reshape(-1)).loss.item()
            n_batches += 1
    return math.exp(total[0] / n_batches), math.exp(total[1] / n_batches)
"""

CASES = [
    dict(
        solution="ppmi",
        test="ppmi_test",
        setup=[],
        wrong=_PPMI_ROW_SUMS_TWICE,
        name="row_sums_for_both_marginals",
        why="uses the row sums for the column marginal too: only right for a symmetric matrix",
    ),
    dict(
        solution="pooling",
        test="pooling_test",
        setup=[],
        wrong=_POOL_ZERO_PADDING_IN_MAX,
        name="zero_padding_wins_the_max",
        why="zeroes the padding before the max: a zero <pad> vector wins when every real value is negative",
    ),
    dict(
        solution="classifier",
        test="classifier_test",
        setup=["reverse_padded", "elmo_lm", "elmo_layers", "mixing", "pooling"],
        wrong=_CLASSIFIER_STATS_ON_THE_WRONG_AXIS,
        name="layer_stats_on_the_time_axis",
        why="standardises with stats [3, D] broadcast over the positions instead of the layers",
    ),
    dict(
        solution="elmo_lm",
        test="elmo_lm_test",
        setup=["reverse_padded"],
        wrong=_LM_BACKWARD_READS_FORWARD_STACK,
        name="backward_reads_forward_stack",
        why="forward() runs the backward LSTMs over the forward stack's output: the backward LM sees the past",
    ),
    dict(
        solution="elmo_lm",
        test="elmo_lm_test",
        setup=["reverse_padded"],
        wrong=_LM_BACKWARD_IS_FORWARD,
        name="backward_output_is_forward",
        why="forward() returns the forward stack's top layer as the backward output too",
    ),
    dict(
        solution="perplexity",
        test="perplexity_test",
        setup=["lm_targets", "reverse_padded", "elmo_lm"],
        wrong=_PERPLEXITY_MEAN_OF_BATCHES,
        name="mean_of_batch_means",
        why="averages per-batch mean losses: a smaller last batch counts as much as a full one",
    ),
]
