"""An endless loop in a learner's function ends in a verdict ("timed out"), not a hung
check; the timer is someone else's again afterwards."""

from __future__ import annotations

import signal
import threading
import time

import numpy as np
import pytest

from scratchnn.exercises import EXERCISES
from scratchnn.exercises._time_limit import enforceable, limited_to

GRADIENT = EXERCISES["part1.gradient"]

pytestmark = pytest.mark.skipif(not enforceable(), reason="needs POSIX and the main thread")


def endless(w, x, t):
    while True:
        pass


def endless_despite_except_exception(w, x, t):
    while True:
        try:
            time.sleep(0.01)
        except Exception:  # a learner's catch-all does not keep the check hanging
            continue


def slow_but_right(w, x, t):
    time.sleep(0.05)
    return np.mean(2 * x * (x * w - t))


@pytest.mark.parametrize("fn", [endless, endless_despite_except_exception])
def test_an_endless_loop_is_stopped_and_named(fn):
    verdict = GRADIENT.check(fn, seed=1, time_limit=0.2)
    assert verdict.status == "timed out" and not verdict.passed and verdict.attempted
    text = str(verdict)
    assert text.startswith("part1.gradient: too slow in case 1 of ")
    assert "still running after 0.2 s, so it was stopped: an endless loop" in text
    assert "check(fn, seed=1)" in text


def test_the_default_limit_and_none_leave_a_slow_right_answer_alone():
    assert GRADIENT.check(slow_but_right, seed=2).passed
    assert GRADIENT.check(slow_but_right, seed=2, time_limit=None).passed


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), 2e6])
def test_a_time_limit_out_of_range_is_refused(bad):
    with pytest.raises(ValueError, match="time_limit"):
        GRADIENT.check(slow_but_right, time_limit=bad)


@pytest.mark.parametrize("bad", ["10", True])
def test_a_time_limit_not_a_number_is_refused(bad):
    with pytest.raises(TypeError, match="time_limit"):
        GRADIENT.check(slow_but_right, time_limit=bad)


def test_the_previous_handler_and_a_running_timer_come_back():
    fired = []

    def theirs(signum, frame):
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, theirs)
    try:
        signal.setitimer(signal.ITIMER_REAL, 100.0)
        GRADIENT.check(endless, seed=3, time_limit=0.1)
        assert signal.getsignal(signal.SIGALRM) is theirs
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < left <= 100.0  # their timer runs on, minus the time the check took
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        end = time.monotonic() + 5
        while not fired and time.monotonic() < end:
            time.sleep(0.01)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_no_timer_is_left_behind():
    GRADIENT.check(slow_but_right, seed=4, time_limit=5.0)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outside_the_main_thread_there_is_no_limit_and_no_error():
    results = []

    def in_a_thread():
        assert not enforceable()
        with limited_to(0.01):
            time.sleep(0.1)
        results.append(GRADIENT.check(slow_but_right, seed=5, time_limit=0.01).passed)

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert results == [True]
