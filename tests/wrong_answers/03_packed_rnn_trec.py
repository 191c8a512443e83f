"""Lab 03: wrong answers that pass the visible checks and fail the hidden ones (see tests/test_hidden_tests.py)."""

PRELUDE = """\
import math
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence
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
