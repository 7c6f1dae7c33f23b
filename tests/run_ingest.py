"""`python -m tests.run_ingest HOME [BATCH] [LATER]`: the ingest steps without Prefect's start-up, for
tests that kill or race many processes (the steps are the same functions the flow's tasks call).
LATER seconds are added to the wall clock, as if the files had arrived that much earlier. Prints the
number of files and the process's own peak memory (kB)."""
import datetime as dt
import sys
import time
from pathlib import Path

from tasks.home import open_home
from tasks.intake.pool import ingest_batch
from tasks.intake.take_stock import find_new, reconcile_home

if __name__ == "__main__":
    home, size = open_home(Path(sys.argv[1])), int(sys.argv[2]) if len(sys.argv) > 2 else 10
    later = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    now = dt.datetime.now(dt.UTC)
    wall = time.time() + later
    reconcile_home(home)
    ready = list(find_new(home, now, wall).ready)
    for i in range(0, len(ready), size):
        ingest_batch(home, ready[i:i + size], now, wall)
    # the peak memory of this process alone (VmHWM: since its exec, not inherited from whoever started it)
    peak = next((line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")), "0")
    print("done", len(ready), "peak_kb", peak)
