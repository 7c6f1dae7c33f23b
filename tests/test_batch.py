"""How a batch is cut into child jobs: whole units, each unit's files in order, jobs of even size."""
from pathlib import Path

from tasks.intake.discover import Dropped
from tasks.intake.pool import JOB_FILES, jobs_of


def _batch(files_per_unit: list[int]) -> list[Dropped]:
    return [Dropped(f"u{u:03d}", Path(f"/inbox/u{u:03d}/{i:02d}.xlsx"), f"{i:02d}.xlsx", 1, float(i))
            for u, n in enumerate(files_per_unit) for i in range(n)]


def test_jobs_keep_units_whole_and_in_order_and_even():
    batch = _batch([12] * 83 + [4])                     # 1,000 files, like the benchmark's
    jobs = jobs_of(batch, workers=2)
    assert sorted(d.path for job in jobs for d in job) == sorted(d.path for d in batch)
    assert len(jobs) % 2 == 0 and all(len(job) <= JOB_FILES + 12 for job in jobs)
    assert max(map(len, jobs)) - min(map(len, jobs)) <= 12  # one unit at most between two jobs
    for job in jobs:
        units = [d.unit for d in job]
        for unit in set(units):
            mine = [d for d in job if d.unit == unit]
            assert len(mine) == units.count(unit) == sum(d.unit == unit for d in batch)  # whole
            assert [d.mtime for d in mine] == sorted(d.mtime for d in mine)              # in order


def test_small_batches_make_no_empty_jobs():
    assert jobs_of([], workers=2) == []
    assert [len(j) for j in jobs_of(_batch([3]), workers=2)] == [3]
