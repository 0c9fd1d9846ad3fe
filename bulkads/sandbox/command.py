"""`bulkads sandbox`: serve the sandbox on 127.0.0.1 until Ctrl-C.

Usage::

    bulkads sandbox --port 8765 --error-rate 0.1 --drop-rate 0.05
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from typing import Any

import click

from bulkads.sandbox.accounts import TEST_KEYS
from bulkads.sandbox.app import serve
from bulkads.sandbox.config import ACCOUNT_SHAPES, SandboxConfig
from bulkads.sandbox.state import Sandbox, tier_of

HOST = "127.0.0.1"
_RATE = click.FloatRange(0.0, 1.0)


def _latency(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, float]:
    low, _, high = value.partition("-")
    try:
        bounds = (float(low), float(high or low))
    except ValueError:
        raise click.BadParameter("use seconds as MIN-MAX, e.g. 0.01-0.05") from None
    if not 0 <= bounds[0] <= bounds[1]:
        raise click.BadParameter("MIN-MAX must satisfy 0 <= MIN <= MAX")
    return bounds


def _announce(base_url: str, config: SandboxConfig) -> None:
    lines = [f"bulkads sandbox: serving the Adspirer API at {base_url} (Ctrl-C to stop)", ""]
    lines.append("Test keys:")
    for secret, advertisers in TEST_KEYS.values():
        named = ", ".join(f"{a.advertiser_id} {a.name}" for a in advertisers)
        lines.append(f"  {secret:<23} {len(advertisers)} advertiser(s): {named}")
    faults = {
        "error rate": config.error_rate,
        "throttle rate": config.throttle_rate,
        "drop rate": config.drop_rate,
        "reset rate": config.reset_rate,
    }
    active = ", ".join(f"{name} {rate:g}" for name, rate in faults.items() if rate)
    limits = [f"{config.rate_limit:g} requests/s"] if config.rate_limit else []
    limits += [f"{config.max_in_flight} in flight"] if config.max_in_flight else []
    low, high = config.latency
    latency = "realistic (15-30 s per create)" if config.realistic else f"{low:g}-{high:g} s"
    lines += [
        f"Quota per key: {config.quota_used} of {config.quota_limit} used "
        f"({tier_of(config.quota_limit)} tier). "
        f"Latency: {latency}. "
        f"Faults: {active or 'none'}. "
        f"Limits per key: {', '.join(limits) or 'none'}.",
        "",
        "Try:",
        f"  ADSPIRER_BASE_URL={base_url} ADSPIRER_API_KEY={TEST_KEYS['solo'][0]} "
        "bulkads run sheet.xlsx",
        f"Ledger of calls and created objects: {base_url}/_sandbox/ledger",
    ]
    click.echo("\n".join(lines))
    sys.stdout.flush()


async def _serve_until_stopped(sandbox: Sandbox, port: int, started: Callable[[str], None]) -> None:
    async with serve(sandbox, host=HOST, port=port) as base_url:
        started(base_url)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()


@click.command("sandbox")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@click.option(
    "--latency",
    default="0.01-0.05",
    show_default=True,
    metavar="MIN-MAX",
    callback=_latency,
    help="Seconds each call takes, drawn uniformly.",
)
@click.option(
    "--realistic",
    is_flag=True,
    help="The API's own timings: 15-30 s per create, 5-15 s per image validation.",
)
@click.option("--error-rate", type=_RATE, default=0.0, help="Fraction answered 500/502/503.")
@click.option(
    "--throttle-rate",
    type=_RATE,
    default=0.0,
    help="Fraction of billable calls answered the upstream 429.",
)
@click.option(
    "--retry-after",
    type=click.IntRange(0),
    default=5,
    show_default=True,
    help="Seconds in the Retry-After of each 429.",
)
@click.option(
    "--rate-limit",
    type=click.FloatRange(0, min_open=True),
    default=None,
    help="Requests per second per key before a 429 (default: no limit).",
)
@click.option(
    "--max-in-flight",
    type=click.IntRange(min=1),
    default=None,
    help="Calls in flight per key before a 429 'Too many concurrent requests' (default: no limit).",
)
@click.option(
    "--quota-limit",
    type=click.IntRange(0),
    default=3000,
    show_default=True,
    help="Monthly calls per key (15 free, 150 plus, 600 pro, 3000 max).",
)
@click.option(
    "--quota-used",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Calls each key has already spent.",
)
@click.option(
    "--exhausted-status",
    type=click.Choice(["402", "429"]),
    default="402",
    show_default=True,
    help="Status of the quota-exhausted answer.",
)
@click.option(
    "--drop-rate",
    type=_RATE,
    default=0.0,
    help="Fraction of billable calls done and billed, then the connection dropped.",
)
@click.option(
    "--reset-rate", type=_RATE, default=0.0, help="Fraction of connections reset before any work."
)
@click.option("--seed", type=int, default=None, help="Seed for faults and generated IDs.")
@click.option(
    "--structured", is_flag=True, help="Create and validate answers also carry data.structured."
)
@click.option(
    "--strict-library",
    is_flag=True,
    help="Accept only image and card IDs from the sandbox's own library or made with the key "
    "(default: any well-formed ID is taken as the user's own).",
)
@click.option(
    "--accounts-as",
    type=click.Choice(ACCOUNT_SHAPES),
    default="structured",
    show_default=True,
    help="How list_connected_accounts answers: with data.structured, or as text alone "
    "(bullet lines, a markdown table, JSON, or a text naming no IDs).",
)
@click.option(
    "--hostile-text",
    is_flag=True,
    help="Hostile: names and refusals carry terminal escapes, markup and emoji codes.",
)
@click.option(
    "--echo-authorization",
    is_flag=True,
    help="Hostile: refusals quote the request's Authorization header (the key).",
)
@click.option(
    "--pad-bytes",
    type=click.IntRange(0),
    default=0,
    help="Hostile: add N bytes to every JSON answer (an oversized body).",
)
def sandbox_command(**options: Any) -> None:
    """Serve the Adspirer-compatible sandbox on 127.0.0.1 with two test keys."""
    port = options.pop("port")
    config = SandboxConfig(
        latency=options.pop("latency"),
        exhausted_status=int(options.pop("exhausted_status")),
        retry_after_s=options.pop("retry_after"),
        **options,
    )
    started: list[str] = []

    def announce(base_url: str) -> None:
        started.append(base_url)
        _announce(base_url, config)

    try:
        asyncio.run(_serve_until_stopped(Sandbox(config), port, announce))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        if started:
            raise
        click.echo(
            f"bulkads sandbox: cannot listen on {HOST}:{port} ({exc.strerror or exc}); "
            "choose another port with --port N (0 picks a free one).",
            err=True,
        )
        sys.exit(2)
    click.echo("bulkads sandbox: stopped.")
