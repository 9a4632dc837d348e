"""Every scenario of ``benchmarks/README.md`` in one run, each with its baseline beside it.

    .venv/bin/python -m benchmarks            # the sizes RESULTS.md reports (about 6 minutes)
    .venv/bin/python -m benchmarks --quick    # small sizes, to see that every scenario runs

Each scenario is also its own module (``python -m benchmarks.fanout --help`` …).
"""

from __future__ import annotations

import argparse
import asyncio

from benchmarks import durable, fanout, joins, signin, startup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a minute or two")
    quick = parser.parse_args().quick
    rooms, seconds = (20, 5.0) if quick else (200, 30.0)
    print("== fan-out")
    fanout.report(rooms, 14, seconds, 4, flood=False)
    print("\n== fan-out while one connection floods")
    fanout.report(rooms, 14, seconds, 4, flood=True)
    print("\n== joins and resume")
    asyncio.run(joins.run(100 if quick else 500, 1_000 if quick else 10_000))
    print("\n== sign-in burst")
    asyncio.run(signin.burst(20 if quick else 200, 2**14))
    print("\n== durable commands, as fast as acknowledged")
    asyncio.run(durable.run(10 if quick else 50, 10, seconds / 2, 4, 0.0, 3))
    print("\n== durable commands at 2,000 a second")
    asyncio.run(durable.run(10 if quick else 50, 10, seconds / 2, 4, 2000.0, 3))
    print("\n== start-up")
    asyncio.run(startup.main_async(3 if quick else 5))


if __name__ == "__main__":
    main()
