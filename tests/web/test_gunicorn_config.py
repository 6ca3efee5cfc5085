"""gunicorn.conf.py: workers forked from a preloaded app get database pools of their own."""
from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

from grants import create_app
from grants.extensions import db

CONFIG = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))


def test_the_app_is_loaded_once_in_the_master():
    assert CONFIG["preload_app"] is True


def test_a_forked_worker_does_not_reuse_the_masters_connections(tmp_path):
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'master.db'}"})
    with app.app_context():
        before = {name: engine.pool for name, engine in db.engines.items()}
    server = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app))
    CONFIG["post_fork"](server, worker=None)
    with app.app_context():
        after = {name: engine.pool for name, engine in db.engines.items()}
    assert before and all(after[name] is not pool for name, pool in before.items())


def test_an_app_without_a_database_is_left_alone():
    server = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: (lambda environ, start_response: [])))
    assert CONFIG["post_fork"](server, worker=None) is None
