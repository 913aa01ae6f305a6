"""The ``kg`` console script (and ``python -m kg``).

kg's imports (rdflib, pyshacl, pyoxigraph…) take about half a second, during which a
Ctrl-C would stop Python inside some library's import, with a traceback, or be
swallowed by a library's ``except``. So Ctrl-C and SIGTERM are held until the command's
body begins (kg.cli's ``_command`` lets them act): a Ctrl-C typed during the imports or
while typer reads the arguments then ends kg with the usual line and exit code 130, and
a SIGTERM ends it as SIGTERM does (nothing has been written yet). Once an export's
outputs are committed they are held again until the process exits
(kg.cleanup.hold_signals_past_commit): the run completed, and says so with exit 0.
"""

from __future__ import annotations

import signal
import sys

HELD = {signal.SIGINT, signal.SIGTERM}


def main() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, HELD)  # released by the command's body (kg.cli._command)
    from kg.cleanup import hold_signals_past_commit
    from kg.cli import app

    hold_signals_past_commit()
    try:
        app()
    except KeyboardInterrupt as exc:  # one typer let through: told as every command tells it
        from kg.errors import failure

        told = failure(exc)
        sys.stderr.write("".join(f"{line}\n" for line in told.lines))
        raise SystemExit(told.code) from None


if __name__ == "__main__":
    main()
