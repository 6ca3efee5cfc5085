"""The floor for scripts/bench.py: a bare Flask app that answers "Hello" on /.

Served by the same gunicorn and loaded by the same wrk as the real app, its requests per second
are the most any page of the app could reach on this machine in that run.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
