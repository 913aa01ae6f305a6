"""The ``kg`` console script (and ``python -m kg``).

kg's imports (rdflib, pyshacl, pyoxigraph…) take about half a second, during which a
Ctrl-C would stop Python inside some library's import, with a traceback, or be
swallowed by a library's ``except``. So Ctrl-C and SIGTERM wait until the imports are
done: a Ctrl-C typed meanwhile then ends kg with the usual line and exit code 130, and
a SIGTERM ends it as SIGTERM does (nothing has been written yet).
"""

from __future__ import annotations

import signal
import sys

HELD = {signal.SIGINT, signal.SIGTERM}


def main() -> None:
    before = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        from kg.cli import app
    finally:
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)  # a Ctrl-C held meanwhile acts here
        except KeyboardInterrupt:
            sys.stderr.write("error: interrupted\n")
            raise SystemExit(130) from None
    app()


if __name__ == "__main__":
    main()
