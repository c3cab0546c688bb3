from __future__ import annotations

from pathlib import Path

import pytest

from tests.config.helpers import make_project


@pytest.fixture(scope="session")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project directory holding the catalog files the valid config names."""
    return make_project(tmp_path_factory.mktemp("project"))
