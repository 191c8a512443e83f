"""Run one experiment over several seeds and summarise it as the labs print it: ``mean ± std``.

Why: a single seed's number is noise until its spread is known, and every lab compares
models by "mean ± std over seeds". ``over_seeds`` seeds everything before each run (so the
model's initial weights are seeded too) and collects one row per seed; ``mean_std`` turns
those rows into the table a notebook shows. ``soft_vote`` combines the class probabilities
of several models, one vote per group of models (e.g. the seeds of one architecture).

    runs = experiments.over_seeds(lambda seed: train_and_score(seed, pooling="mean"), seeds=[0, 1, 2])
    experiments.mean_std(runs, by=None, columns=["test_f1", "test_acc"])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pandas as pd
import torch

from .runtime import set_seed


def over_seeds(run: Callable[[int], dict], seeds: Iterable[int], **fixed) -> pd.DataFrame:
    """Call ``run(seed, **fixed)`` once per seed, after ``set_seed(seed)``; one row per seed.

    ``run`` returns a dict of results (numbers, names); the row gets ``seed`` and the
    ``fixed`` settings as columns too, so runs of several settings can be concatenated.
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("over_seeds needs at least one seed, e.g. seeds=[0, 1, 2]")
    rows = []
    for seed in seeds:
        set_seed(seed)
        result = run(seed, **fixed)
        if not isinstance(result, dict):
            raise TypeError(f"run(seed={seed}) returned {type(result).__name__}; return a dict of results")
        rows.append({**fixed, "seed": seed, **result})
    return pd.DataFrame(rows)


def mean_std(
    runs: pd.DataFrame, by: str | Sequence[str] | None, columns: Sequence[str], digits: int = 3
) -> pd.DataFrame:
    """``"mean ± std"`` of ``columns`` per group of ``by`` (None: one row), with the seed count.

    The standard deviation is the sample one (ddof=1); with one run per group only the mean is
    shown, since a spread of one number means nothing.
    """
    if runs.empty:
        raise ValueError("mean_std got no runs")
    keys = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in [*keys, *columns] if c not in runs.columns]
    if missing:
        raise KeyError(f"mean_std: no column {missing} in the runs; they have {list(runs.columns)}")
    groups = runs.groupby(keys, sort=False) if keys else [((), runs)]
    rows = {}
    for key, part in groups:
        row = {}
        for column in columns:
            mean, std = part[column].mean(), part[column].std(ddof=1)
            row[column] = f"{mean:.{digits}f}" if len(part) < 2 else f"{mean:.{digits}f} ± {std:.{digits}f}"
        row["seeds"] = len(part)
        rows[key if len(keys) > 1 else key[0] if keys else "all"] = row
    table = pd.DataFrame(list(rows.values()), index=list(rows))
    if len(keys) > 1:
        table.index = pd.MultiIndex.from_tuples(table.index, names=keys)
    else:
        table.index.name = keys[0] if keys else None
    return table


def soft_vote(groups: Sequence[Sequence]) -> torch.Tensor:
    """Class probabilities of an ensemble in which each *group* of models has one vote.

    Why: averaging the probability tables of all members at once lets a kind of model with
    many members (three seeds of a CNN) outvote a kind with one (an SVM). Here each group's
    members' tables ``[N, K]`` (tensors or arrays, rows in the same order) are averaged, then
    the groups' averages are averaged: ``mean_g mean_{m in g} P_m``. Returns a float32 tensor
    ``[N, K]``.
    """
    if not groups or any(len(group) == 0 for group in groups):
        raise ValueError("soft_vote needs at least one group, and at least one table in each group")
    means = []
    for group in groups:
        tables = [torch.as_tensor(table, dtype=torch.float32) for table in group]
        shapes = {tuple(table.shape) for table in tables} | {tuple(m.shape) for m in means}
        if len(shapes) > 1 or len(next(iter(shapes))) != 2:
            raise ValueError(f"soft_vote: every table must be [N, K] with the same N and K, got {sorted(shapes)}")
        means.append(torch.stack(tables).mean(dim=0))
    return torch.stack(means).mean(dim=0)
