"""`zichtlijn hub evaluate`: apply the alert rules now (the operator's "on demand").

Safe while the hub serves, under the rules the serving hub loaded: the
evaluation is one transaction against the same database, and watchers see its
changes at their next look (within a second). Under other rules it is refused
while the hub serves: the hub would go on evaluating each night's persons under
the rules it loaded at start, leaving alerts of two rule sets side by side.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from hub.admin_cli import is_serving
from hub.alerts.config import load_alert_config
from hub.alerts.engine import AlertEngine
from hub.alerts.store import create_tables, get_meta
from hub.config import load_config
from hub.settings import settings_of
from hub.store import HubStore
from linkage.schema import default_schema
from zichtlijn.errors import CliError


def cmd_evaluate(home: Path) -> int:
    config = load_config(home)
    if config.alerts is None:
        raise CliError(f"{home / 'hub.toml'}: no alert configuration (alerts = DIR)")
    alert_config = load_alert_config(config.alerts)
    store = HubStore.for_operator(config.db_path)
    try:
        if is_serving(config.home) and _loaded_rules(store) != alert_config.digest:
            raise CliError(f"the alert rules in {config.alerts} differ from those the hub "
                           "serving on this home loaded at its start; restart the hub to "
                           "apply them (it evaluates everything under the new rules then)")
        policy = settings_of(home).matching.policy()
        run = AlertEngine(store, alert_config, default_schema(), policy).evaluate(full=True)
    finally:
        store.close()
    report = run.report
    print(f"evaluated {run.sightings} linked sightings: {run.findings} findings; "
          f"{report.created} alerts created, {report.updated} updated "
          f"({report.reopened} reopened), {report.merged} merged, {report.unchanged} unchanged "
          f"({run.seconds:.2f}s)")
    return 0


def _loaded_rules(store: HubStore) -> str | None:
    """The digest of the alert rules the hub last evaluated under (None: never)."""
    with store.lock:
        create_tables(store.db.conn)
        return get_meta(store.db.conn, "config_digest")


def register(commands: argparse._SubParsersAction,
             add_home: Callable[[argparse.ArgumentParser], None],
             home_of: Callable[[argparse.Namespace], Path]) -> None:
    evaluate = commands.add_parser("evaluate", help="apply the alert rules to everything linked")
    add_home(evaluate)
    evaluate.set_defaults(run=lambda args: cmd_evaluate(home_of(args)))
