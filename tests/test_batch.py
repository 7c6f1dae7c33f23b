"""How a batch is cut into child jobs: whole units, each unit's files in order, jobs staggered so the workers
reach their writes at different moments and finish together."""
from pathlib import Path

from tasks.intake.discover import Dropped
from tasks.intake.pool import JOB_FILES, jobs_of, staggered


def _batch(files_per_unit: list[int]) -> list[Dropped]:
    return [Dropped(f"u{u:03d}", Path(f"/inbox/u{u:03d}/{i:02d}.xlsx"), f"{i:02d}.xlsx", 1, float(i))
            for u, n in enumerate(files_per_unit) for i in range(n)]


def test_jobs_keep_units_whole_and_in_order_and_even():
    batch = _batch([12] * 83 + [4])                     # 1,000 files, like the benchmark's
    jobs = jobs_of(batch, workers=2)
    assert sorted(d.path for job in jobs for d in job) == sorted(d.path for d in batch)
    assert all(len(job) <= JOB_FILES + 12 for job in jobs)
    # Two rounds of two workers, staggered: a half job first for the second worker, a half job last.
    sizes = [len(job) for job in jobs]
    assert len(sizes) == 5 and abs(sizes[1] - sizes[0] / 2) <= 12 and abs(sizes[4] - sizes[0] / 2) <= 12
    # Handed out in order to whichever worker is free, the jobs give each worker the same load.
    loads = [0, 0]
    for size in sizes:
        loads[loads.index(min(loads))] += size
    assert abs(loads[0] - loads[1]) <= 12
    for job in jobs:
        units = [d.unit for d in job]
        for unit in set(units):
            mine = [d for d in job if d.unit == unit]
            assert len(mine) == units.count(unit) == sum(d.unit == unit for d in batch)  # whole
            assert [d.mtime for d in mine] == sorted(d.mtime for d in mine)              # in order


def test_staggered_shares_give_each_worker_whole_rounds():
    assert staggered(2, 1) == [1.0, 0.5, 0.5]
    assert staggered(2, 2) == [1.0, 0.5, 1.0, 1.0, 0.5]
    assert abs(sum(staggered(3, 2)) - 6) < 1e-9 and staggered(1, 3) == [1.0, 1.0, 1.0]


def test_small_batches_make_no_empty_jobs():
    assert jobs_of([], workers=2) == []
    assert [len(j) for j in jobs_of(_batch([3]), workers=2)] == [3]


def test_as_few_units_as_workers_are_one_job_each():
    assert sorted(len(j) for j in jobs_of(_batch([5, 2]), workers=2)) == [2, 5]
