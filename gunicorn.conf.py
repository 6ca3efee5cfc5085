"""gunicorn's settings, read from the folder it is started in (gunicorn -w 4 -b 0.0.0.0:8000 wsgi:app)."""

# The master imports the app once and forks ready workers. Without it every worker imports the app
# itself (about 2 s of CPU each): after a restart one worker answers while the others still load, and
# the requests that waited during the restart queue behind it.
preload_app = True


def when_ready(server):
    """In the master, before the workers are forked: the app's first-request work, done once."""
    app = server.app.wsgi()
    if "sqlalchemy" in getattr(app, "extensions", {}):
        from grants import warm_up
        warm_up(app)


def post_fork(server, worker):
    """A worker does not share the master's database connections (SQLAlchemy's advice for forking)."""
    app = server.app.wsgi()
    sqlalchemy = getattr(app, "extensions", {}).get("sqlalchemy")
    if sqlalchemy is None:
        return
    with app.app_context():
        for engine in sqlalchemy.engines.values():
            engine.dispose(close=False)
