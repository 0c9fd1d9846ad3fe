"""Planning (CONTRACT §4, §5, §6): what each row needs, what it costs, what is sent.

Usage::

    plan = make_plan(checked, facts, budget=quota_left, now=now)
    plan.work          # rows to send, in sheet order, each with its remaining steps
    plan.decisions     # row number -> Decision for every row not sent this run
    plan = make_plan(checked, facts, budget=quota_left, now=now, look_up=True)
    plan.lookups       # the search_tiktok_targeting calls the rows with names need first

Pure functions over plain data; the journal is read by the caller and passed in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bulkads.accounts import Accounts
from bulkads.answers import Quota
from bulkads.arguments import BY_NAME, CARD, CREATE, PREPARE, STEP_COLUMNS, UPLOAD
from bulkads.rules import CheckedRow, Issue
from bulkads.states import RowRecord, Status, StepRecord

# The ID each step must produce; an answer without it leaves the row rejected.
PRODUCES = {PREPARE: "asset_bundle_id", UPLOAD: "image_ids", CARD: "card_id", CREATE: "campaign_id"}
# The IDs a results workbook fed back in may carry for a row created earlier.
EARLIER_IDS = ("campaign_id", "ad_group_id", "ad_id")
BUNDLE_MAX_AGE = timedelta(minutes=50)  # bundles live 60 minutes; keep a margin


@dataclass(frozen=True)
class Decision:
    """The status of a row that is not sent this run."""

    status: Status
    message: str
    issues: tuple[Issue, ...] = ()
    ids: Mapping[str, Any] = field(default_factory=dict)  # what an earlier run produced
    lookup: bool = False  # pending only for names still to look up (§2a)


@dataclass(frozen=True)
class Work:
    """A row to send: the steps still to do, in order."""

    number: int
    fingerprint: str
    arguments: dict[str, Any]
    steps: tuple[str, ...]
    restart: tuple[str, ...] = ()  # steps to plan afresh with new keys (a stale bundle)
    warning: str = ""  # said in the row's message whatever the outcome

    @property
    def cost(self) -> int:
        return len(self.steps)


@dataclass(frozen=True, kw_only=True)
class Facts:
    """What is known before planning: the journal, a fed-back results sheet, the accounts."""

    journal_rows: Mapping[str, RowRecord] = field(default_factory=dict)
    journal_steps: Mapping[str, Mapping[str, StepRecord]] = field(default_factory=dict)
    # Rows of a results workbook fed back in that carry a campaign_id: row -> their IDs.
    created_earlier: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    accounts: Accounts | None = None
    retry_rejected: bool = False


@dataclass(frozen=True)
class Plan:
    work: tuple[Work, ...]
    decisions: dict[int, Decision]
    calls: int  # billable calls the work (and the lookups) will spend at most
    reopen: tuple[str, ...] = ()  # rejected fingerprints to send again (--retry-rejected)
    lookups: tuple[str, ...] = ()  # targeting types looked up for this run (in `calls`), §2a


def steps_for(arguments: Mapping[str, Any]) -> tuple[str, ...]:
    """The billable calls a row needs, in order: its step column's (the argument table
    says which), then the create."""
    for name in STEP_COLUMNS:
        if name in arguments:
            return (*BY_NAME[name].steps, CREATE)
    return (CREATE,)


def encode(arguments: Mapping[str, Any]) -> bytes:
    """The request body, canonical so that the same arguments give the same bytes."""
    body = {"arguments": dict(arguments)}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def step_arguments(
    tool: str, arguments: Mapping[str, Any], produced: Mapping[str, Any]
) -> dict[str, Any]:
    """The arguments of one step, from the row and what its earlier steps produced."""
    account = {"advertiser_id": arguments["advertiser_id"]} if "advertiser_id" in arguments else {}
    if tool == PREPARE:
        return {"image_urls": arguments["image_urls"], **account}
    if tool == UPLOAD:
        return {"image_urls": arguments["carousel_image_urls"], **account}
    if tool == CARD:
        card = {
            "image_ids": produced.get("image_ids") or arguments["carousel_image_ids"],
            "ad_texts": [arguments["ad_text"]],
            "landing_page_urls": [arguments["landing_page_url"]],
            "card_type": "IMAGE",
            **account,
        }
        if "call_to_action" in arguments:
            card["call_to_action"] = arguments["call_to_action"]
        return card
    create = {k: v for k, v in arguments.items() if k not in STEP_COLUMNS}
    steps = steps_for(arguments)
    if PREPARE in steps:
        create["asset_bundle_id"] = produced["asset_bundle_id"]
    elif CARD in steps:
        create["card_id"] = produced["card_id"]
        create["card_type"] = "IMAGE"
    return create


def account_issues(arguments: Mapping[str, Any], accounts: Accounts | None) -> list[Issue]:
    """The §4 account rules: a named advertiser must be connected; none needs exactly one."""
    if accounts is None:
        return []
    advertiser = arguments.get("advertiser_id")
    if not accounts.ids:
        message = (
            "advertiser_id: no TikTok advertiser is connected to this key; "
            "connect one at adspirer.ai"
        )
        return [Issue("advertiser_id", message)]
    hint = f"connected: {accounts.describe()} (run `bulkads accounts`)"
    if advertiser is not None and advertiser not in accounts.ids:
        message = f"advertiser_id: {advertiser} is not connected to this key; {hint}"
        return [Issue("advertiser_id", message)]
    if advertiser is None and len(accounts.ids) > 1:
        message = (
            "advertiser_id: several advertisers are connected to this key; set advertiser_id "
            f"(or --advertiser-id) to one of: {accounts.describe()}"
        )
        return [Issue("advertiser_id", message)]
    return []


def run_budget(quota: Quota | None, max_calls: int | None) -> int | None:
    """The billable calls this run may spend: min(quota left, --max-calls), None if neither
    is known. The plan is the one place that keeps the work within it; the engine sends
    only the plan's work, and a 402 halts the run if someone else spends on the key."""
    limits = [n for n in (quota.left if quota else None, max_calls) if n is not None]
    return min(limits) if limits else None


def make_plan(
    rows: Sequence[CheckedRow],
    facts: Facts,
    *,
    budget: int | None,
    now: datetime,
    look_up: bool = False,
) -> Plan:
    """Decide every row: not sent (with why) or sent with its remaining steps, within budget.

    A row with names (§2a) needs one search_tiktok_targeting call per targeting type first,
    charged to the first row that needs the type: a row is affordable only with the lookups
    it brings. With `look_up` (a run about to look them up, or a dry run) such rows are
    planned as the run will send them once their names are looked up, and the types are in
    `lookups` and `calls`; without it they wait (`Decision.lookup`), spending nothing."""
    present = {row.fingerprint for row in rows}
    earlier_by_number = _by_number(facts.journal_rows)
    decisions: dict[int, Decision] = {}
    work: list[Work] = []
    reopen: list[str] = []
    types: list[str] = []  # the lookups charged so far, in the order rows brought them
    left = budget
    for row in rows:
        decision, item = _decide(row, facts, present, earlier_by_number, now)
        if item is None:
            assert decision is not None
            decisions[row.number] = decision
            continue
        new = sorted({name.targeting_type for name in row.names} - set(types))
        if left is not None and item.cost + len(new) > left:
            decisions[row.number] = Decision("pending", _unaffordable(item, new, budget or 0))
            continue
        if decision is not None and not look_up:  # its names wait for a run's lookups
            decisions[row.number] = decision
            continue
        work.append(item)
        types += new
        if left is not None:
            left -= item.cost + len(new)
        record = facts.journal_rows.get(row.fingerprint)
        if record is not None and record.status == "rejected":
            reopen.append(row.fingerprint)
    calls = sum(item.cost for item in work) + len(types)
    return Plan(tuple(work), decisions, calls, tuple(reopen), tuple(types))


def _decide(
    row: CheckedRow,
    facts: Facts,
    present: set[str],
    earlier_by_number: Mapping[int, list[RowRecord]],
    now: datetime,
) -> tuple[Decision | None, Work | None]:
    """(decision, None): not sent; (None, work): sent; (decision, work): a row whose names
    wait for their lookups, and the work it will be once they are looked up."""
    if row.number in facts.created_earlier:
        ids = facts.created_earlier[row.number]
        return Decision("created", "created earlier (campaign_id in the sheet)", ids=ids), None
    record = facts.journal_rows.get(row.fingerprint)
    if record is not None and record.status == "created":  # whatever the rules say today
        message = record.message or "created in an earlier run"
        return Decision("created", message, ids=record.ids), None
    issues = (*row.issues, *account_issues(row.arguments, facts.accounts))
    if any(issue.severity == "error" for issue in issues):
        errors = [i.message for i in issues if i.severity == "error"]
        return Decision("invalid", "; ".join(errors), tuple(issues)), None
    if row.names:  # never sent with a name in place of an ID; what it will cost once looked up
        listed = ", ".join(repr(str(name)) for name in row.names[:5])
        message = f"not sent: {listed} to look up with search_tiktok_targeting first"
        return Decision("pending", message, lookup=True), _work(row, {}, now)
    if record is not None and record.status == "rejected" and not facts.retry_rejected:
        message = (
            f"{record.message} (not sent again unchanged: fix the row, or pass --retry-rejected)"
        )
        return Decision("rejected", message), None
    if record is not None and record.status == "rejected":  # --retry-rejected: all afresh
        return None, _work(row, {}, now)
    earlier = [
        version
        for version in earlier_by_number.get(row.number, [])
        if version.fingerprint != row.fingerprint and version.fingerprint not in present
    ]
    changed = _changed(earlier)
    if changed is not None:
        return changed, None
    work = _work(row, facts.journal_steps.get(row.fingerprint, {}), now)
    if any(_unconfirmed(facts, version) for version in earlier):
        work = replace(work, warning=UNCONFIRMED)
    return None, work


UNCONFIRMED = (
    "this row was edited after its earlier values were sent without an answer; if "
    "TikTok Ads Manager shows that campaign, the earlier one exists too"
)


def _changed(earlier: Sequence[RowRecord]) -> Decision | None:
    """A row edited after an earlier version of it was created is not created again."""
    for version in earlier:
        if version.status == "created":
            campaign = version.ids.get("campaign_id", "?")
            message = (
                f"changed after creation: this row was created as campaign {campaign} from other "
                "values; it is not created again (add a new row for a new campaign)"
            )
            return Decision("rejected", message)
    return None


def _unconfirmed(facts: Facts, version: RowRecord) -> bool:
    """Whether an earlier version's create went out and no answer settled it."""
    create = facts.journal_steps.get(version.fingerprint, {}).get(CREATE)
    return create is not None and create.status == "sent" and create.attempts > 0


def _work(row: CheckedRow, journaled: Mapping[str, StepRecord], now: datetime) -> Work:
    if _bundle_stale(journaled, now):  # prepare again, then create with the new bundle
        again = (PREPARE, CREATE)
        return Work(row.number, row.fingerprint, row.arguments, again, restart=again)
    remaining = tuple(t for t in steps_for(row.arguments) if not _step_done(journaled, t))
    return Work(row.number, row.fingerprint, row.arguments, remaining)


def _bundle_stale(journaled: Mapping[str, StepRecord], now: datetime) -> bool:
    """A prepared bundle too old to use, for a create that never went out."""
    create = journaled.get(CREATE)
    if not _step_done(journaled, PREPARE) or (create is not None and create.attempts > 0):
        return False
    finished = datetime.fromisoformat(journaled[PREPARE].finished_at)
    return now - finished > BUNDLE_MAX_AGE


def _step_done(journaled: Mapping[str, StepRecord], tool: str) -> bool:
    step = journaled.get(tool)
    return step is not None and step.status == "done"


def _by_number(journal_rows: Mapping[str, RowRecord]) -> dict[int, list[RowRecord]]:
    found: dict[int, list[RowRecord]] = {}
    for record in journal_rows.values():
        found.setdefault(record.row_number, []).append(record)
    return found


def _unaffordable(item: Work, lookups: Sequence[str], budget: int) -> str:
    cost = item.cost + len(lookups)
    calls = "call" if cost == 1 else "calls"
    looked = (
        f" ({len(lookups)} of them search_tiktok_targeting for its names: {', '.join(lookups)})"
        if lookups
        else ""
    )
    return (
        f"not sent: this row needs {cost} billable {calls}{looked} and the run's budget "
        f"({budget} calls: quota left or --max-calls) is used up; rerun when the quota allows"
    )
