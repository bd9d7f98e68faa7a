"""Placeholder: filled in by its feature (see etl/build.py FEATURE_LOADERS)."""
from __future__ import annotations


def load(step) -> list:
    return []
