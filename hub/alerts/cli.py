"""`zichtlijn hub evaluate`: apply the alert rules now (the operator's "on demand").

Safe while the hub serves: the evaluation is one transaction against the same
database, and watchers see its changes at their next look (within a second).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from hub.alerts.config import load_alert_config
from hub.alerts.engine import AlertEngine
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
    store = HubStore(config.db_path)
    try:
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


def register(commands: argparse._SubParsersAction,
             add_home: Callable[[argparse.ArgumentParser], None],
             home_of: Callable[[argparse.Namespace], Path]) -> None:
    evaluate = commands.add_parser("evaluate", help="apply the alert rules to everything linked")
    add_home(evaluate)
    evaluate.set_defaults(run=lambda args: cmd_evaluate(home_of(args)))
