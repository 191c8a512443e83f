"""Command-line tools behind the make targets (``python -m tools.<name>`` from the repository root).

A package so that the tools import each other (``tools.grade`` uses ``tools.course``) and the tests import
them by name, without editing ``sys.path``.
"""
