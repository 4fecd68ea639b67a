"""A refusal for the budget is logged at most once a minute per node; the next logged one
says how many were left out."""

from __future__ import annotations

from hub.refusal_log import RefusalLog


def test_refusals_within_a_minute_are_counted_into_the_next_logged_one():
    now = [1000.0]
    refusals = RefusalLog(lambda: now[0])
    assert refusals.details("node:GM0014", "rate_limit") == {}
    assert refusals.details("node:GM0014", "rate_limit") is None
    assert refusals.details("node:GM0014", "rate_limit") is None
    assert refusals.details("node:GM0363", "rate_limit") == {}  # each node apart
    now[0] += 59.0
    assert refusals.details("node:GM0014", "rate_limit") is None
    now[0] += 1.0
    assert refusals.details("node:GM0014", "rate_limit") == {"repeated": 3}
    now[0] += 60.0
    assert refusals.details("node:GM0014", "rate_limit") == {}  # none left out since
