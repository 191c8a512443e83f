"""data/README.md is generated from the registry; it must not drift from it."""

import importlib.util
from pathlib import Path

from labs_utils.datasets import REGISTRY

ROOT = Path(__file__).resolve().parents[1]


def test_data_readme_matches_registry():
    spec = importlib.util.spec_from_file_location("dataset_table", ROOT / "tools" / "dataset_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (ROOT / "data" / "README.md").read_text()
    assert committed == module.render(), "regenerate: python tools/dataset_table.py > data/README.md"
    for ds in REGISTRY.values():
        for sources in ds.files.values():
            for src in sources:
                assert src.sha256 in committed and src.path in committed
