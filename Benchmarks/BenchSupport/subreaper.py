"""What the benchmarks' Python clients share: becoming their descendants' subreaper and reaping them,
so the CPU time of the driver and of every Chromium process reaches the parent benchmark's
accounting (the Python twin of CPUAccounting.swift)."""
import ctypes
import os
import time


def become_subreaper():
    """prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants (Chromium's zygotes, renderers) come back here."""
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)


def reap_orphans(limit_s=5.0):
    """Reaps the orphaned Chromium processes handed to this subreaper (bounded wait)."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)
