"""Lab 06: wrong answers that pass the visible checks and fail the hidden ones (see tests/test_hidden_tests.py)."""

PRELUDE = """\
import math
import torch
import torch.nn as nn
from labs_utils.text import PAD_ID, UNK_ID
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
