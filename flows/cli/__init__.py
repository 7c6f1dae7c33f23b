"""The `township` command (DESIGN §6): `app` with every command registered, in the order `--help` lists them."""
# isort: skip_file  (importing a module registers its commands: this order is the order of `--help`)
from __future__ import annotations

from flows.cli import ops, returns, runs, samples, adopt  # noqa: F401
from flows.cli.app import app

__all__ = ["app"]
