"""Shared helpers of the benchmarks: realistic sheets, measured child processes, RESULTS.md.

Usage::

    xlsx, csv_path = sheet_files(5000)             # cached under benchmarks/data/
    child = run_child([sys.executable, "-m", "bulkads", "validate", str(xlsx)])
    child.wall, child.cpu, child.peak_mb           # this child's own figures (os.wait4)
    update_section("Validating a sheet", markdown)  # replaces only that section

Sheets are generated with a fixed seed: ~30 columns (28 arguments, two header spellings,
a `Notes` column), varied names, texts, URLs, budgets, enums and lists; ID columns are
text cells in the xlsx; a share of the rows (default 5%) carries one mistake.
"""

from __future__ import annotations

import csv
import functools
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS_MD = HERE / "RESULTS.md"
GENERATOR_VERSION = 3  # bump when the generated rows change: cached sheets are rebuilt

SOLO_ADVERTISER = "7000000000000000001"
Row = dict[str, object]

# The sheet's columns, in order. Headers are argument names, a few spelled as people do.
COLUMNS: tuple[str, ...] = (
    *("campaign_name", "advertiser_id", "objective", "app_id", "app_promotion_type"),
    *("budget_daily", "budget_lifetime", "schedule_end_time", "budget_optimize_on", "ad_text"),
    *("display_name", "landing_page_url", "call_to_action", "pixel_id", "optimization_event"),
    *("target_locations", "target_age_groups", "target_gender", "interest_category_ids"),
    *("audience_ids", "excluded_audience_ids", "languages", "placement_type", "placements"),
    *("operating_systems", "comment_disabled", "tiktok_item_id", "image_urls"),
    *("existing_image_ids", "carousel_image_urls", "Notes"),
)
HEADERS = {"campaign_name": "Campaign Name", "ad_text": "Ad Text", "display_name": "display-name"}
TEXT_COLUMNS = frozenset(
    {"advertiser_id", "app_id", "pixel_id", "tiktok_item_id", "target_locations"}
    | {"interest_category_ids", "audience_ids", "excluded_audience_ids", "existing_image_ids"}
)

BRANDS = (
    "Acme Outfitters", "Northwind Coffee", "Contoso Sports", "Fabrikam Home", "Lumen Beauty",
    "Tailspin Toys", "Wide World Travel", "Blue Yonder Air", "Adventure Works", "Proseware Tech",
)  # fmt: skip
SEASONS = ("Spring", "Summer", "Back to School", "Black Friday", "Holiday", "New Year", "Evergreen")
PRODUCTS = (
    "sneakers", "cold brew", "yoga mats", "sofas", "serum", "puzzles", "city breaks",
    "lounge access", "tents", "earbuds", "rain jackets", "espresso pods", "desk lamps",
)  # fmt: skip
MARKETS = ("US", "UK", "CA", "AU", "DE", "FR", "ES", "BR", "JP", "MX")
LOCATIONS = ("6252001", "2635167", "6251999", "2077456", "2921044", "3017382", "2510769")
HOOKS = (
    "Fresh {p}, {n}% off this week", "Meet the {p} everyone is talking about",
    "{p} that just work. Free shipping over $50", "Your new favourite {p} is here",
    "Last chance: {p} from ${n}", "Why {n}k people switched to our {p}",
    "Tap to see {p} in action", "{p} for every day, made to last",
)  # fmt: skip
LONG_TAIL = " Limited stock, while supplies last; terms apply."
CJK = ("春季大促 {p}", "新品上市，限时{n}折", "夏のセール {p}")
OBJECTIVES = ("TRAFFIC",) * 5 + ("CONVERSIONS",) * 3 + ("REACH", "VIDEO_VIEWS", "LEAD_GENERATION")
CTAS = ("SHOP_NOW", "LEARN_MORE", "SIGN_UP", "ORDER_NOW", "BUY_NOW", "GET_OFFER", "WATCH_NOW")
EVENTS = ("COMPLETE_PAYMENT", "ON_WEB_CART", "ON_WEB_REGISTER", "INITIATE_ORDER", "PAGE_VISIT")
AGES = ("AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100")
LANGS = ("en", "es", "fr", "de", "pt", "ja")
MISTAKES = (
    "ad_text too long", "http landing page", "objective typo", "both budgets",
    "display_name missing", "location not an ID", "budget under 1", "age group typo",
    "placements without manual placement", "ID typed as a number", "no creative",
    "end time in the past",
)  # fmt: skip


def make_rows(
    count: int,
    *,
    seed: int = 2026,
    mistakes: float = 0.05,
    spark_only: bool = False,
    advertiser_id: str | None = None,
) -> list[Row]:
    """`count` rows, unique by campaign name; `mistakes` of them with one error each.

    `spark_only`: every creative is a TikTok post (one create call per row) and every
    row names `advertiser_id` (for sending to the sandbox's single-advertiser key).
    """
    rng = random.Random(seed)
    rows = [_row(i, rng, spark_only, advertiser_id) for i in range(count)]
    if not mistakes:  # no accidental mistake either: the long tail can push ad_text past 100
        for row in rows:
            if len(str(row["ad_text"])) > 100:
                row["ad_text"] = str(row["ad_text"]).removesuffix(LONG_TAIL)
    for i in rng.sample(range(count), round(count * mistakes)):
        _spoil(rows[i], rng.choice(MISTAKES), rng)
    return rows


def _row(i: int, rng: random.Random, spark_only: bool, advertiser_id: str | None) -> Row:
    brand, product = rng.choice(BRANDS), rng.choice(PRODUCTS)
    market, n = rng.choice(MARKETS), rng.randint(10, 60)
    objective = "TRAFFIC" if spark_only and rng.random() < 0.5 else rng.choice(OBJECTIVES)
    slug = re.sub(r"\W+", "-", f"{brand} {product}".lower())
    row: Row = {
        "campaign_name": f"{rng.choice(SEASONS)} {product.title()} - {market} #{i:06d}",
        "advertiser_id": advertiser_id or f"70000000000000{rng.randint(10000, 99999)}",
        "objective": objective.lower() if rng.random() < 0.1 else objective,
        "ad_text": rng.choice(HOOKS).format(p=product, n=n),
        "display_name": brand,
        "landing_page_url": f"https://www.{slug.split('-')[0]}.example.com/{market.lower()}/"
        f"{slug}?utm_source=tiktok&utm_campaign=c{i}",
        "call_to_action": rng.choice(CTAS),
        "target_locations": ",".join(rng.sample(LOCATIONS, rng.randint(1, 3))),
        "target_gender": rng.choice(("GENDER_UNLIMITED",) * 4 + ("GENDER_FEMALE", "GENDER_MALE")),
        "Notes": rng.choice(("", "", "brief v2", "approved by J. Park", "=check with legal")),
    }
    if rng.random() < 0.3:
        row["ad_text"] = str(row["ad_text"]) + LONG_TAIL  # over 50: a warning, not an error
    if rng.random() < 0.01:
        row["ad_text"] = rng.choice(CJK).format(p=product, n=n)
    if rng.random() < 0.7:
        row["budget_daily"] = float(rng.choice((50, 75, 100, 150, 250, 500, 1200)))
    else:
        row["budget_lifetime"] = float(rng.randint(10, 400) * 50)
        end = datetime(2030, rng.randint(1, 12), rng.randint(1, 28), 23, 59)
        row["schedule_end_time"] = end if rng.random() < 0.8 else f"{end:%Y-%m-%d %H:%M}"
    if objective == "CONVERSIONS":
        row["pixel_id"] = f"{rng.randint(10**18, 9 * 10**18)}"
        row["optimization_event"] = rng.choice(EVENTS)
    if rng.random() < 0.5:
        row["target_age_groups"] = ",".join(sorted(rng.sample(AGES, rng.randint(1, 3))))
    if rng.random() < 0.3:
        row["interest_category_ids"] = ";".join(str(rng.randint(10000, 99999)) for _ in range(3))
    if rng.random() < 0.2:
        row["audience_ids"] = str(rng.randint(10**9, 10**10))
        row["excluded_audience_ids"] = str(rng.randint(10**9, 10**10))
    if rng.random() < 0.4:
        row["languages"] = ",".join(rng.sample(LANGS, rng.randint(1, 2)))
    if rng.random() < 0.2:
        row["placement_type"] = "PLACEMENT_TYPE_NORMAL"
        row["placements"] = "PLACEMENT_TIKTOK" + (",PLACEMENT_PANGLE" if rng.random() < 0.5 else "")
    else:
        row["placement_type"] = "PLACEMENT_TYPE_AUTOMATIC"
    if rng.random() < 0.3:
        row["operating_systems"] = rng.choice(("ANDROID", "IOS", "ANDROID,IOS"))
    if rng.random() < 0.3:
        row["budget_optimize_on"] = rng.choice((True, "yes", "TRUE"))
    if rng.random() < 0.2:
        row["comment_disabled"] = rng.choice((False, "no", "FALSE"))
    _creative(row, i, rng, "spark" if spark_only else None)
    return row


def _creative(row: Row, i: int, rng: random.Random, kind: str | None) -> None:
    draw = rng.random()
    kind = kind or (
        "spark" if draw < 0.6 else "images" if draw < 0.85 else "library" if draw < 0.95 else "card"
    )
    cdn = f"https://cdn.example.com/{rng.choice(('spring', 'summer', 'fw26', 'core'))}"
    if kind == "spark":
        row["tiktok_item_id"] = f"72{rng.randint(10**16, 10**17 - 1)}"
    elif kind == "images":
        urls = [f"{cdn}/look-{i % 997}-{k}_1080x1920.jpg" for k in range(rng.randint(1, 3))]
        row["image_urls"] = "\n".join(urls) if rng.random() < 0.3 else ",".join(urls)
    elif kind == "library":
        row["existing_image_ids"] = ",".join(f"img_lib_001_{k}" for k in (1, 2))
    else:
        row["carousel_image_urls"] = ";".join(
            f"{cdn}/card-{i % 499}-{k}_1080x1920.jpg" for k in range(rng.randint(3, 5))
        )


def _spoil(row: Row, mistake: str, rng: random.Random) -> None:
    """One realistic mistake (each breaks a §3 rule)."""
    if mistake == "ad_text too long":
        row["ad_text"] = str(row["ad_text"]) + LONG_TAIL * 3
    elif mistake == "http landing page":
        row["landing_page_url"] = str(row["landing_page_url"]).replace("https://", "http://")
    elif mistake == "objective typo":
        row["objective"] = "TRAFIC"
    elif mistake == "both budgets":
        row["budget_daily"], row["budget_lifetime"] = 100.0, 5000.0
        row["schedule_end_time"] = datetime(2030, 6, 30, 23, 59)
    elif mistake == "display_name missing":
        row.pop("display_name", None)
    elif mistake == "location not an ID":
        row["target_locations"] = "US, UK"
    elif mistake == "budget under 1":
        row.pop("budget_lifetime", None)
        row.pop("schedule_end_time", None)
        row["budget_daily"] = 0.5
    elif mistake == "age group typo":
        row["target_age_groups"] = "AGE_18_25"
    elif mistake == "placements without manual placement":
        row["placement_type"] = "PLACEMENT_TYPE_AUTOMATIC"
        row["placements"] = "PLACEMENT_TIKTOK"
    elif mistake == "ID typed as a number":
        row["pixel_id"] = float(rng.randint(10**18, 9 * 10**18))  # inexact: "format as text"
        row["objective"] = "CONVERSIONS"
    elif mistake == "no creative":
        for name in ("tiktok_item_id", "image_urls", "existing_image_ids", "carousel_image_urls"):
            row.pop(name, None)
    else:
        row["schedule_end_time"] = datetime(2024, 1, 31, 23, 59)
        row["budget_lifetime"] = row.pop("budget_daily", None) or row.get("budget_lifetime")


def write_xlsx(path: Path, rows: Sequence[Row], columns: Sequence[str] = COLUMNS) -> Path:
    """An xlsx as Excel would hold it: IDs and lists as text, numbers, dates, booleans."""
    options = {"constant_memory": True, "strings_to_urls": False, "strings_to_formulas": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        book.set_properties({"created": datetime(2026, 1, 1)})
        sheet = book.add_worksheet("Launch")
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        for col, name in enumerate(columns):
            sheet.write_string(0, col, HEADERS.get(name, name))
        for r, row in enumerate(rows, start=1):
            for col, name in enumerate(columns):
                value = row.get(name)
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(r, col, value)
                elif isinstance(value, datetime):
                    sheet.write_datetime(r, col, value, when)
                elif isinstance(value, float):
                    sheet.write_number(r, col, value)
                else:
                    sheet.write_string(r, col, str(value))
    return path


def write_csv(path: Path, rows: Sequence[Row], columns: Sequence[str] = COLUMNS) -> Path:
    """The same rows as a UTF-8 CSV (what "CSV UTF-8" in Excel saves)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([HEADERS.get(name, name) for name in columns])
        for row in rows:
            writer.writerow([_csv_text(row.get(name)) for name in columns])
    return path


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    return str(value)


def sheet_files(count: int, *, seed: int = 2026) -> tuple[Path, Path]:
    """The xlsx and CSV of `make_rows(count)`, generated once and kept under DATA."""
    DATA.mkdir(parents=True, exist_ok=True)
    stem = DATA / f"sheet-{count}-s{seed}-v{GENERATOR_VERSION}"
    xlsx, csv_path = stem.with_suffix(".xlsx"), stem.with_suffix(".csv")
    if not (xlsx.exists() and csv_path.exists()):
        rows = make_rows(count, seed=seed)
        write_csv(csv_path, rows)
        write_xlsx(xlsx, rows)
    return xlsx, csv_path


@dataclass(frozen=True)
class Child:
    """One finished child process, with its own resource use (not its siblings')."""

    returncode: int
    wall: float  # seconds, from spawn to reaped
    user: float  # CPU seconds
    system: float
    peak_mb: float  # peak RSS (ru_maxrss)
    stdout: str
    stderr: str

    @property
    def cpu(self) -> float:
        return self.user + self.system


def run_child(
    command: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> Child:
    """Run `command` to its end; time it and read its rusage with os.wait4 (its own only).

    The child runs bulkads as installed: with its modules' bytecode (`child_env`)."""
    environment = child_env(env)
    _compile_once(ROOT / "bulkads")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, env=environment, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            process.returncode,
            wall,
            usage.ru_utime,
            usage.ru_stime,
            usage.ru_maxrss / 1024,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


def child_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a measured child: this one's and `env`, bytecode kept.

    `pip install` byte-compiles what it installs, so an installed bulkads never compiles
    its modules when it starts. A child run from this tree with PYTHONDONTWRITEBYTECODE
    set (this machine sets it) would compile all of them from source every time: 0.17 s
    that no user pays. The children write and read bulkads/__pycache__ instead.
    """
    merged = {**os.environ, **(env or {})}
    merged.pop("PYTHONDONTWRITEBYTECODE", None)
    return merged


@functools.cache
def _compile_once(package: Path) -> None:
    """Byte-compile `package` before the first child, as pip does at install."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package)],
        env=child_env(),
        check=True,
    )


@contextmanager
def served(sandbox: Any) -> Iterator[str]:
    """Serve a `bulkads.sandbox.Sandbox` on 127.0.0.1 on its own loop in a thread."""
    from bulkads.sandbox import serve_in_thread

    with serve_in_thread(sandbox) as base_url:
        yield base_url


def machine_note() -> str:
    """One line: cores, CPU, Python, the code measured (commit, and whether it was edited)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--", "bulkads", strip=False)
    edited = ", ".join(sorted({line[3:] for line in dirty.splitlines() if line[3:]}))
    code = f"bulkads at {commit}" + (f" with uncommitted edits to {edited}" if edited else "")
    return (
        f"Machine: {os.cpu_count()} cores ({cpu}), shared and noisy (±10–25% between runs: "
        f"compare ratios, not absolute times); Python {platform.python_version()}; {code}; "
        f"{datetime.now():%Y-%m-%d}."
    )


def _git(*args: str, strip: bool = True) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return done.stdout.strip() if strip else done.stdout


INTRO = (
    "# Benchmarks\n\n"
    "Figures measured by the scripts in this folder; each section says how to rerun it.\n"
)


def update_section(title: str, body: str, *, path: Path = RESULTS_MD) -> None:
    """Put `## title` + body in RESULTS.md, replacing that section only (or appending it)."""
    text = path.read_text(encoding="utf-8") if path.exists() else INTRO
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
