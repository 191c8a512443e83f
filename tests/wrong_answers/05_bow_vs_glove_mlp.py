"""Lab 05: wrong answers that pass the visible checks and fail the hidden ones (see tests/test_hidden_tests.py)."""

PRELUDE = """\
import numpy as np
import scipy.sparse as sp
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression

from labs_utils import text, train
"""

_CE_GRAD_UNSTABLE_SOFTMAX = """\
def softmax_ce_grad(logits, targets):
    e = torch.exp(logits)                               # softmax by hand, without subtracting the max
    probs = e / e.sum(dim=1, keepdim=True)
    onehot = F.one_hot(targets, num_classes=logits.shape[1]).to(logits.dtype)
    return (probs - onehot) / logits.shape[0]
"""

_SENTENCE_VECTORS_FLOAT32 = """\
def sentence_vectors(token_lists, vocab, matrix):
    out = torch.zeros(len(token_lists), matrix.shape[1])   # float32, whatever the matrix's dtype
    for i, toks in enumerate(token_lists):
        ids = [vocab.stoi[t] for t in toks if t in vocab]
        if ids:
            out[i] = matrix[ids].mean(dim=0)
    return out
"""

_FEEDFORWARD_INPUT_BN_WITH_HIDDEN = """\
class FeedForward(nn.Module):
    def __init__(self, n_in, hidden_sizes, n_out, dropout=0.5, input_bn=True):
        super().__init__()
        layers = [nn.BatchNorm1d(n_in)] if hidden_sizes else []    # input BN whenever there is a hidden layer
        width = n_in
        for h in hidden_sizes:
            layers += [nn.Linear(width, h), nn.ReLU(), nn.BatchNorm1d(h), nn.Dropout(dropout)]
            width = h
        layers.append(nn.Linear(width, n_out))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
"""

_NB_RATIO_UNNORMALISED = """\
class NBLogisticRegression:
    def __init__(self, C=1.0, alpha=1.0, class_weight="balanced", max_iter=3000):
        self.C, self.alpha, self.class_weight, self.max_iter = C, alpha, class_weight, max_iter

    def log_count_ratio(self, X, positive):
        present = (X[positive] > 0, X[~positive] > 0)
        p, q = (self.alpha + np.asarray(m.sum(0), dtype=np.float64).ravel() for m in present)
        return np.log(p) - np.log(q)    # p and q not normalised by their sums
"""

CASES = [
    dict(
        solution="softmax_ce_grad",
        test="softmax_ce_grad_test",
        setup=[],
        wrong=_CE_GRAD_UNSTABLE_SOFTMAX,
        name="softmax_overflows",
        why="softmax as exp(l) / sum exp(l): inf / inf = nan for logits near 1000",
    ),
    dict(
        solution="feedforward",
        test="feedforward_test",
        setup=[],
        wrong=_FEEDFORWARD_INPUT_BN_WITH_HIDDEN,
        name="input_bn_ignored",
        why="input BatchNorm decided by 'has hidden layers' instead of input_bn: the "
        "visible cases (hidden layers with input_bn=True, none with False) cannot tell",
    ),
    dict(
        solution="sentence_vectors",
        test="sentence_vectors_test",
        setup=[],
        wrong=_SENTENCE_VECTORS_FLOAT32,
        name="float32_output",
        why="torch.zeros without dtype: a float64 matrix gives float32 sentence vectors",
    ),
    dict(
        solution="nb_log_count_ratio",
        test="nb_log_count_ratio_test",
        setup=[],
        wrong=_NB_RATIO_UNNORMALISED,
        name="ratio_not_normalised",
        why="log p - log q without dividing p and q by their sums: the visible toy matrix has "
        "equal sums (7 and 7), so only classes of different sizes or another alpha tell",
    ),
]
