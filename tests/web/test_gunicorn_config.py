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


def test_the_master_does_the_first_request_work_once_before_forking(tmp_path, monkeypatch):
    import grants
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'master.db'}"})
    warmed = []
    monkeypatch.setattr(grants, "warm_up", warmed.append)
    CONFIG["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))
    CONFIG["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: (lambda environ, start_response: []))))
    assert warmed == [app]  # the app, not the bare floor app of scripts/bench.py


def test_warming_up_configures_the_mappers_and_loads_every_template(tmp_path):
    from grants import warm_up
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'master.db'}"})
    warm_up(app)
    assert all(mapper.configured for mapper in db.Model.registry.mappers)
    loaded = {template.name for template in app.jinja_env.cache.values()}
    names = app.jinja_env.list_templates(extensions=("html", "txt"))
    assert "base.html" in loaded and set(names) <= loaded

