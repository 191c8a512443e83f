"""Lab 03: wrong answers that pass the visible checks and fail the hidden ones (see tests/test_hidden_tests.py)."""

PRELUDE = """\
import math
from types import SimpleNamespace

import torch
import torch.nn as nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence
"""

_PACKED_UNSORTED_WITH_ORDER = """\
def packed_final_state(rnn, embedded, lengths):
    order = lengths.argsort(descending=True)               # sort by length by hand ...
    packed = pack_padded_sequence(embedded[order], lengths[order].cpu(), batch_first=True)
    _, h_n = rnn(packed)
    if isinstance(h_n, tuple):
        h_n = h_n[0]
    directions = 2 if rnn.bidirectional else 1
    return torch.cat(list(h_n[-directions:]), dim=-1)[order]   # ... and "unsort" with order, not its inverse
"""

_SENTENCE_VECTOR_LAST_ALWAYS_GATHERS = """\
READOUTS = ("padded_end", "packed", "gather", "last", "mean", "max", "attention")


def last_layer_state(h_n, directions):
    h_n = h_n[0] if isinstance(h_n, tuple) else h_n
    return torch.cat(list(h_n[-directions:]), dim=-1)


def sentence_vector(model, x, lengths):
    if isinstance(x, PackedSequence):
        return last_layer_state(model.rnn(x)[1], model.directions)
    readout = "gather" if model.readout == "last" else model.readout   # whatever the directions
    if readout == "padded_end":
        return last_layer_state(model.rnn(x)[1], model.directions)
    if readout == "packed":
        return packed_final_state(model.rnn, x, lengths)
    if readout == "gather":
        return gather_last(model.rnn(x)[0], lengths)
    return pooled_vector(model, x, lengths)
"""

_FORWARD_REPACKS_WITHOUT_ORDER = """\
class RNNClassifier(nn.Module):
    def __init__(self, embedding, recurrent, n_classes, readout="last", dropout=0.0, batchnorm=False):
        super().__init__()
        self.embedding, self.rnn, self.readout = embedding, recurrent, readout
        self.directions = 2 if recurrent.bidirectional else 1
        features = self.directions * recurrent.hidden_size
        self.attention = nn.Linear(features, 1) if readout == "attention" else None
        self.drop = nn.Dropout(dropout)
        self.norm = nn.BatchNorm1d(features) if batchnorm else nn.Identity()
        self.out = nn.Linear(features, n_classes)

    def forward(self, tokens, lengths=None):
        if isinstance(tokens, PackedSequence):   # a new PackedSequence: batch sizes kept, sort order lost
            embedded = PackedSequence(self.drop(self.embedding(tokens.data)), tokens.batch_sizes)
        else:
            embedded = self.drop(self.embedding(tokens))
        return self.out(self.drop(self.norm(sentence_vector(self, embedded, lengths))))
"""

_POOLED_VECTOR_PADDED_RUN = """\
def pooled_vector(model, x, lengths):
    outputs = model.rnn(x)[0]   # a padded run, bidirectional or not
    if model.readout in ("mean", "max"):
        return pool_states(outputs, lengths, model.readout)
    weights = attention_weights(model.attention(outputs).squeeze(-1), lengths)
    model.last_weights = weights.detach()
    return (weights.unsqueeze(-1) * outputs).sum(dim=1)
"""

_CLIP_EVERY_GRAD = """\
def clip_gradients(parameters, max_norm):
    norm = torch.sqrt(sum(p.grad.pow(2).sum() for p in parameters))   # assumes every parameter has a .grad
    if norm > max_norm:
        for p in parameters:
            p.grad.mul_(max_norm / norm)
    return norm
"""

_CLIP_NO_GRADIENT_AT_ALL = """\
def clip_gradients(parameters, max_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    norm = torch.sqrt(sum(g.pow(2).sum() for g in grads))   # sum([]) is the int 0: torch.sqrt raises
    if norm > max_norm:
        for g in grads:
            g.mul_(max_norm / norm)
    return norm
"""

_PENALTY_AS_NUMBER = """\
def penalty(model, l1=0.0, l2=0.0):
    total = 0.0
    for p in model.parameters():
        if p.requires_grad and p.dim() > 1:
            total += l1 * p.abs().sum().item() + l2 * p.pow(2).sum().item()   # a float: no gradient
    return total
"""

_EARLY_STOPPING_MIN_TIES = """\
class EarlyStopping:
    def __init__(self, patience, mode="max"):
        self.patience, self.mode = patience, mode
        self.best, self.best_epoch, self.epoch, self.waited = None, 0, 0, 0

    def step(self, value):
        self.epoch += 1
        # mode "min" as "not greater": an equal value counts as an improvement
        if self.best is None or (value > self.best) == (self.mode == "max"):
            self.best, self.best_epoch, self.waited = value, self.epoch, 0
        else:
            self.waited += 1
        return self.waited >= self.patience
"""

_QUESTION_FEATURES_LAST_WH = """\
WH_WORDS = {"what", "which", "who", "whom", "whose", "where", "when", "why", "how", "name"}
NOT_HEAD = {"is", "are", "was", "were", "be", "do", "does", "did", "the", "a", "an", "of", "'s", "kind", "type",
            "sort", "name", "one", "many", "much"}


def question_features(text):
    tokens = text.lower().split()
    at = None
    for i, token in enumerate(tokens):
        if token in WH_WORDS:
            at = i                                          # no break: keeps the last wh-word
    wh = tokens[at] if at is not None else "<none>"
    following = tokens[at + 1] if at is not None and at + 1 < len(tokens) else "<end>"
    after = tokens[at + 1:] if at is not None else []
    head = next((token for token in after if token not in NOT_HEAD and token[0].isalpha()), None)
    return {f"wh={wh}": 1, f"wh+next={wh} {following}": 1, f"head={head}": 1, f"first={tokens[0]}": 1}, head
"""

CASES = [
    dict(
        solution="packed_final_state",
        test="packed_final_state_test",
        setup=[],
        wrong=_PACKED_UNSORTED_WITH_ORDER,
        name="unsorted_with_sort_order",
        why="sorts the batch by length and puts h_n back with the sort order instead of its inverse (the visible "
        "lengths 5, 2, 3 give a sort order that is its own inverse)",
    ),
    dict(
        solution="sentence_vector",
        test="sentence_vector_test",
        setup=["packed_final_state", "gather_last"],
        wrong=_SENTENCE_VECTOR_LAST_ALWAYS_GATHERS,
        name="last_always_gathers",
        why="maps the readout 'last' to gathering whatever the directions: a bidirectional RNN's backward state "
        "at the last real position has read the padding (and only one word)",
    ),
    dict(
        solution="rnn_classifier",
        test="rnn_classifier_test",
        setup=["packed_final_state", "gather_last", "sentence_vector"],
        wrong=_FORWARD_REPACKS_WITHOUT_ORDER,
        name="packed_ids_lose_order",
        why="builds a new PackedSequence(data, batch_sizes) from the embedded packed ids: without "
        "sorted_indices the RNN returns the states in length order, not batch order (the visible batch is "
        "already sorted by length)",
    ),
    dict(
        solution="pooled_vector",
        test="pooled_vector_test",
        setup=["pool_states", "attention_weights"],
        wrong=_POOLED_VECTOR_PADDED_RUN,
        name="bidirectional_padded_run",
        why="pools the states of a padded run for a bidirectional RNN too: its backward direction reads the "
        "padding before the words",
    ),
    dict(
        solution="clip",
        test="clip_test",
        setup=[],
        wrong=_CLIP_EVERY_GRAD,
        name="parameter_without_grad",
        why="assumes every parameter has a gradient: fails on a frozen parameter whose .grad is None",
    ),
    dict(
        solution="clip",
        test="clip_test",
        setup=[],
        wrong=_CLIP_NO_GRADIENT_AT_ALL,
        name="no_gradient_at_all",
        why="skips parameters without a gradient but calls torch.sqrt on sum([]) == 0 (an int) when none has "
        "one, a TypeError instead of a norm of 0",
    ),
    dict(
        solution="penalty",
        test="penalty_test",
        setup=[],
        wrong=_PENALTY_AS_NUMBER,
        name="penalty_as_python_number",
        why="returns a Python float (.item()): the values are right, but fit(penalty=...) would add a constant "
        "to the loss and no gradient would reach the weights",
    ),
    dict(
        solution="early_stopping",
        test="early_stopping_test",
        setup=[],
        wrong=_EARLY_STOPPING_MIN_TIES,
        name="min_mode_tie_improves",
        why="mode 'min' written as 'not greater', so an equal value resets patience",
    ),
    dict(
        solution="question_features",
        test="question_features_test",
        setup=[],
        wrong=_QUESTION_FEATURES_LAST_WH,
        name="last_wh_word",
        why="the loop over tokens has no break, so the last wh-word wins over the first",
    ),
]
