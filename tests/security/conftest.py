"""Fixtures of the security tests: a populated world built once on SQLite, copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from elearn import create_app
from tests.conftest import BASE_CONFIG
from tests.security.world import Snapshot, World, build_world, dispose, restore, snapshot


@pytest.fixture(scope="session")
def world_snapshot(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    directory = tmp_path_factory.mktemp("security-world")
    database = directory / "build.sqlite3"
    shutil.copyfile(sqlite_template, database)
    app = create_app(
        {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "INSTANCE_PATH": str(directory),
        }
    )
    world = build_world(app)
    return snapshot(app, world, directory / "world.sqlite3")


@pytest.fixture
def fresh(world_snapshot: Snapshot, tmp_path: Path) -> Iterator[tuple[Flask, World]]:
    """A private copy of the world: what one test changes, the next one never sees."""
    app, world = restore(world_snapshot, tmp_path)
    yield app, world
    dispose(app)


@pytest.fixture(scope="module")
def shared(
    world_snapshot: Snapshot, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, World]]:
    """One copy of the world for a whole module of tests that only read (GET fuzzing)."""
    app, world = restore(world_snapshot, tmp_path_factory.mktemp("shared-world"))
    yield app, world
    dispose(app)


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """Fuzzing runs on SQLite; a test that needs PostgreSQL parametrizes `backend` itself."""
    return request.param
