"""Run-time setup shared by every notebook: profile, seeds, device, threads, timing.

Why: a notebook states its sizes once for both profiles, prints which one ran, and
gets the same numbers when re-run on the same machine.

    cfg = profile(quick=dict(n_train=2000, epochs=2), full=dict(n_train=None, epochs=10))
    device = setup(seed=0)

``LABS_PROFILE`` selects the profile (``quick`` by default); ``LABS_THREADS`` caps the
number of CPU threads torch uses.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time
from types import SimpleNamespace

import numpy as np
import torch

PROFILES = ("quick", "full")


def current_profile() -> str:
    """Name of the active profile, from ``LABS_PROFILE`` (default ``quick``)."""
    name = os.environ.get("LABS_PROFILE", "quick").strip().lower() or "quick"
    if name not in PROFILES:
        raise ValueError(
            f"LABS_PROFILE={name!r} is not a profile; use one of {PROFILES} (e.g. `LABS_PROFILE=full make run`)."
        )
    return name


class Config(SimpleNamespace):
    """Attribute access to a profile's settings (``cfg.epochs``), plus ``cfg.profile``."""

    def as_dict(self) -> dict:
        return dict(vars(self))


def profile(quick: dict, full: dict, verbose: bool = True) -> Config:
    """Pick the settings of the active profile.

    Both dicts must name the same keys, so a notebook cannot forget a size in one profile.
    """
    if set(quick) != set(full):
        missing = sorted(set(quick) ^ set(full))
        raise ValueError(f"profile(): quick and full must set the same keys; differ on {missing}")
    if "profile" in quick:
        raise ValueError("profile(): 'profile' is reserved (cfg.profile is the profile's name); rename that key")
    name = current_profile()
    chosen = quick if name == "quick" else full
    cfg = Config(profile=name, **chosen)
    if verbose:
        shown = ", ".join(f"{k}={v}" for k, v in chosen.items())
        print(f"profile: {name} ({shown})")
    return cfg


def get_device(prefer: str | None = None) -> torch.device:
    """CUDA when present (or ``LABS_DEVICE`` / ``prefer`` says otherwise), else CPU."""
    wanted = prefer or os.environ.get("LABS_DEVICE")
    if wanted:
        return torch.device(wanted)
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def set_seed(seed: int = 0, deterministic: bool = True) -> None:
    """Seed python, numpy and torch (CPU and CUDA); optionally make cuDNN deterministic."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        # cuBLAS needs this for deterministic matmuls on CUDA >= 10.2.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")


def set_threads(n: int | None = None) -> int:
    """Cap the CPU threads of torch and of the BLAS/OpenMP pools (``LABS_THREADS`` or ``n``).

    Default: all cores. The BLAS pools (OpenBLAS under numpy, scipy, gensim and scikit-learn)
    are capped too, with threadpoolctl: uncapped, they spin on every core and a numpy-heavy
    cell runs several times slower as soon as another process shares the machine.
    """
    from threadpoolctl import threadpool_limits

    n = n or int(os.environ.get("LABS_THREADS", "0") or 0) or (os.cpu_count() or 1)
    torch.set_num_threads(n)
    threadpool_limits(limits=n)  # stays in force until changed (not used as a context manager)
    return n


def setup(seed: int = 0, threads: int | None = None, verbose: bool = True) -> torch.device:
    """Seed everything, set threads, choose the device and print one line saying so."""
    set_seed(seed)
    n = set_threads(threads)
    device = get_device()
    if verbose:
        print(f"device: {device} | seed: {seed} | torch threads: {n} | profile: {current_profile()}")
    return device


def environment() -> dict:
    """Versions and hardware, for notebooks' first cell and for ``results.record``."""
    import gensim
    import pandas
    import sklearn

    info = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "scikit-learn": sklearn.__version__,
        "gensim": gensim.__version__,
        "cpu_count": os.cpu_count(),
        "cuda": torch.cuda.is_available(),
        "device_name": torch.cuda.get_device_name(0) if torch.cuda.is_available() else platform.processor() or "cpu",
        "profile": current_profile(),
    }
    return info


class Stopwatch:
    """Wall time since creation: ``sw = Stopwatch(); ...; print(sw)`` -> ``12.3 s``."""

    def __init__(self):
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start

    def __str__(self) -> str:
        return f"{self.seconds:.1f} s"


def step_memory(step, device: torch.device | str = "cpu") -> int:
    """Bytes of memory one call of ``step()`` (forward + backward + update) needs.

    On CUDA: the peak allocated during the step above what was allocated before it
    (``torch.cuda.max_memory_allocated``). On the CPU, PyTorch keeps no such counter, so this
    counts what dominates and grows with the batch: the bytes of every tensor autograd saves
    for the backward pass (activations and gathered rows), via ``saved_tensors_hooks``.
    """
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        before = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
        step()
        torch.cuda.synchronize(device)
        return int(torch.cuda.max_memory_allocated(device) - before)
    saved = 0

    def pack(tensor):
        nonlocal saved
        saved += tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        step()
    return saved
