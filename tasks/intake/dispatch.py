"""Splitting a large inbox by unit, so per-unit ingest runs can go to any worker (several machines).

A unit is never split across runs: each run holds its units' locks, so no two runs ever see the same
file. Small units are packed together, because every flow run on a process worker costs a Python
start (seconds), which would dwarf a unit's one or two files.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from tasks.intake.discover import Discovery


def files_per_unit(discovery: Discovery) -> dict[str, int]:
    return dict(Counter(d.unit for d in discovery.ready))


def plan_runs(counts: dict[str, int], per_run: int) -> list[list[str]]:
    """Groups of units, each group about `per_run` files (a unit larger than that is a run of its own).

    Largest units first into the emptiest group (greedy), so groups come out even; deterministic."""
    per_run = max(1, per_run)
    units = sorted((u for u, n in counts.items() if n > 0), key=lambda u: (-counts[u], u))
    total = sum(counts[u] for u in units)
    if not units:
        return []
    groups: list[list[str]] = [[] for _ in range(min(len(units), max(1, -(-total // per_run))))]
    sizes = [0] * len(groups)
    for unit in units:
        i = min(range(len(groups)), key=lambda k: (sizes[k], k))
        groups[i].append(unit)
        sizes[i] += counts[unit]
    return [sorted(g) for g in groups if g]


def only_units(discovery: Discovery, units: set[str]) -> Discovery:
    """The part of a discovery a per-unit run may take; strays belong to the whole-home report."""
    return replace(discovery, ready=tuple(d for d in discovery.ready if d.unit in units),
                   settling=tuple(d for d in discovery.settling if d.unit in units), strays=(),
                   blocked=tuple(p for p in discovery.blocked if p.unit in units))
