"""What the ETL tests share: the shipped data/ built once per module, and a fresh copy of it to break."""
from __future__ import annotations

import shutil

import pytest

from tests.support.built import built_copy


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of data/ built once as a fresh clone builds it: the shipped commune geometry is the default."""
    return built_copy(tmp_path_factory.mktemp("data"))


@pytest.fixture()
def data_copy(built, tmp_path):
    """A fresh copy of the built data folder, to break in a test."""
    data = tmp_path / "data"
    shutil.copytree(built, data)
    return data
