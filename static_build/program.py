"""The `trustwidgets` command: the service's commands (widget_server.cli) and the build's (static_build.cli).

static_build depends on widget_server, never the other way round (tests/test_layering.py), so the
command line is put together here, in the package above: widget_server's parser, with the build's
commands added.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from static_build.cli import add_commands
from widget_server.cli import parser as service_parser
from widget_server.cli import run
from widget_server.sync_cli import add_commands as add_sync_commands


def parser() -> argparse.ArgumentParser:
    return service_parser(add_sync_commands, add_commands)


def main(argv: Sequence[str] | None = None) -> int:
    return run(parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
