"""Record a lab's headline numbers: ``record(lab, metrics)`` -> ``results/<lab>.json``.

Why: instructors compare a run with the reference numbers without re-reading notebooks;
each file says which profile, device, library versions and how many seconds produced it.
"""

from __future__ import annotations

import json
import math
import os
from datetime import datetime, timezone
from pathlib import Path

from .datasets import REPO_ROOT
from .runtime import current_profile, environment, get_device


def results_dir() -> Path:
    """``LABS_RESULTS_DIR`` or ``<repo>/results``."""
    return Path(os.environ.get("LABS_RESULTS_DIR") or REPO_ROOT / "results")


def record(lab: str, metrics: dict, seconds: float | None = None, notes: str = "") -> Path:
    """Write ``metrics`` (numbers or strings) with run context to ``results/<lab>.json``."""
    if not lab or "/" in lab or lab.startswith("."):
        raise ValueError(f"lab must be a plain name like '01_word2vec', got {lab!r}")
    clean = {}
    for key, value in metrics.items():
        if hasattr(value, "item"):
            size = value.numel() if hasattr(value, "numel") else getattr(value, "size", 1)
            if size != 1:
                raise TypeError(f"metric {key!r} is an array of {size} values; record one number per key")
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"metric {key!r} is {value}; record only finite numbers")
        if not isinstance(value, (int, float, str, bool)):
            raise TypeError(f"metric {key!r} has type {type(value).__name__}; use numbers or strings")
        clean[key] = value
    env = environment()
    payload = {
        "lab": lab,
        "profile": current_profile(),
        "device": str(get_device()),
        "device_name": env["device_name"],
        "seconds": None if seconds is None else round(float(seconds), 2),
        "metrics": clean,
        "versions": {k: env[k] for k in ("python", "torch", "numpy", "pandas", "scikit-learn", "gensim")},
        "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "notes": notes,
    }
    out = results_dir() / f"{lab}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2))
    os.replace(tmp, out)
    return out
