"""The page's HTTP server: static files, a small JSON API and a stream of progress events.

Usage::

    app = create_app(UiSettings(folder=Path("."), live_url=..., api_key=None), gate)
    # GET  /                     the page (the printed URL's token is traded for a cookie)
    # GET  /api/state            work folder, its sheets, the targets, the launch in course
    # POST /api/upload           a sheet (multipart), saved in the work folder, then checked
    # POST /api/check            {"sheet"}: every row, every bad cell with its message
    # POST /api/plan|launch      {"sheet", "target": "rehearsal"|"live"}
    # POST /api/stop             stop sending; in-flight calls stay resumable
    # GET  /api/events           server-sent events: the launch's snapshot when it changes
    # GET  /api/results          ?sheet=&target=: the results workbook

Every request passes `security.Gate` first. Nothing here ever holds the API key in a
response: it stays in `Targets` and goes only to the API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

from bulkads.config import Secret, default
from bulkads.errors import BulkadsError
from bulkads.guard import DEFAULT_LIMITS
from bulkads.sandbox import Sandbox
from bulkads.sheet import read_sheet
from bulkads.status import sheet_status, validate
from bulkads.ui.launch import Launcher
from bulkads.ui.security import Gate, refused
from bulkads.ui.targets import KINDS, Kind, Targets
from bulkads.ui.views import check_view, counts
from bulkads.ui.workfolder import Paths, TooBig, WorkFolder

log = logging.getLogger("bulkads.ui")

_STATIC = {"app.css": "text/css", "app.js": "text/javascript", "index.html": "text/html"}
_HEARTBEAT = 15.0  # seconds between keep-alive comments on the event stream
_PUSH_EVERY = 0.25  # seconds: bursts of row events go out as one snapshot


@dataclass(frozen=True, kw_only=True)
class UiSettings:
    folder: Path
    live_url: str
    api_key: Secret | None
    sandbox: Sandbox = field(default_factory=Sandbox)
    upload_limit: int = DEFAULT_LIMITS.max_bytes
    rate: float = default("rate")  # as `bulkads run`'s
    rehearsal_rate: float = 10.0


LAUNCHER = web.AppKey("launcher", Launcher)
SETTINGS = web.AppKey("settings", UiSettings)


def create_app(settings: UiSettings, gate: Gate) -> web.Application:
    # Uploads are streamed (and capped) by the handler; JSON bodies are small.
    app = web.Application(client_max_size=64 * 1024)
    gate.install(app)
    app[SETTINGS] = settings
    app.cleanup_ctx.append(_launcher)
    app.on_shutdown.append(_close_streams)
    app.router.add_get("/", _page)
    app.router.add_get("/static/{name}", _static)
    app.router.add_get("/api/state", _state)
    app.router.add_post("/api/upload", _upload)
    app.router.add_post("/api/check", _check)
    app.router.add_post("/api/plan", _plan)
    app.router.add_post("/api/launch", _launch)
    app.router.add_post("/api/stop", _stop)
    app.router.add_get("/api/events", _events)
    app.router.add_get("/api/results", _results)
    return app


async def _launcher(app: web.Application) -> Any:
    settings = app[SETTINGS]
    targets = Targets(
        settings.live_url,
        settings.api_key,
        sandbox=settings.sandbox,
        rate=settings.rate,
        rehearsal_rate=settings.rehearsal_rate,
    )
    async with targets:
        launcher = Launcher(WorkFolder(settings.folder), targets)
        app[LAUNCHER] = launcher
        yield
        launcher.close()
        await launcher.finish()


async def _close_streams(app: web.Application) -> None:
    """End the event streams, so the server can stop without waiting for browsers."""
    app[LAUNCHER].close()


def _asset(name: str) -> bytes:
    return (resources.files("bulkads.ui") / "static" / name).read_bytes()


async def _page(request: web.Request) -> web.Response:
    return web.Response(body=_asset("index.html"), content_type="text/html", charset="utf-8")


async def _static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in _STATIC or name == "index.html":
        raise web.HTTPNotFound()
    return web.Response(body=_asset(name), content_type=_STATIC[name], charset="utf-8")


async def _state(request: web.Request) -> web.Response:
    launcher = request.app[LAUNCHER]
    targets = launcher.targets
    return web.json_response(
        {
            "folder": str(launcher.folder.root),
            "sheets": launcher.folder.sheets(),
            "live": {"base_url": targets.live_url, "has_key": targets.has_key},
            "job": launcher.snapshot(),
        }
    )


async def _upload(request: web.Request) -> web.Response:
    launcher = request.app[LAUNCHER]
    limit = request.app[SETTINGS].upload_limit
    if (request.content_length or 0) > limit + 64 * 1024:
        return refused(413, TooBig.__doc__ or "too big")
    try:
        reader = await request.multipart()
        part = await reader.next()
        if not isinstance(part, BodyPartReader) or part.name != "sheet":
            return refused(400, "send the sheet as the form field 'sheet'")
        path = await launcher.folder.save_upload(part, limit=limit)
    except TooBig as exc:
        return refused(413, str(exc))
    except BulkadsError as exc:
        return refused(400, str(exc))
    return await _checked(launcher, path.name)


async def _check(request: web.Request) -> web.Response:
    body = await _json(request)
    return await _checked(request.app[LAUNCHER], str(body.get("sheet", "")))


async def _checked(launcher: Launcher, name: str) -> web.Response:
    try:
        paths = launcher.folder.paths(name, rehearsal=False)
        view = await asyncio.to_thread(_check_sheet, paths)
    except BulkadsError as exc:
        return refused(400, str(exc))
    return web.json_response({"sheet": name, **view})


def _check_sheet(paths: Paths) -> dict[str, Any]:
    """The validation `bulkads validate` does (its messages), the cells to show, and what
    an earlier live launch (from the page or the command line) left in the journal."""
    sheet = read_sheet(paths.sheet)  # read once, for the checks and the journal's view
    report = validate(sheet, results=None)
    view = check_view(sheet, report.rows, notes=report.notes)
    earlier = None
    if paths.journal.is_file():
        rows = sheet_status(sheet, journal=paths.journal).rows
        earlier = {"counts": counts(rows), "results": paths.results.name}
    return {**view, "earlier": earlier}


async def _plan(request: web.Request) -> web.Response:
    launcher = request.app[LAUNCHER]
    sheet, kind = await _sheet_and_kind(request)
    try:
        return web.json_response(await launcher.plan(sheet, kind))
    except BulkadsError as exc:
        return refused(409 if launcher.busy else 400, str(exc))


async def _launch(request: web.Request) -> web.Response:
    launcher = request.app[LAUNCHER]
    sheet, kind = await _sheet_and_kind(request)
    try:
        await launcher.launch(sheet, kind)
    except BulkadsError as exc:
        return refused(409 if launcher.busy else 400, str(exc))
    return web.json_response(launcher.snapshot(), status=202)


async def _stop(request: web.Request) -> web.Response:
    launcher = request.app[LAUNCHER]
    await _json(request)
    if not launcher.stop():
        return refused(409, "nothing is being sent")
    return web.json_response(launcher.snapshot(), status=202)


async def _events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the launch's snapshot each time it changes."""
    launcher = request.app[LAUNCHER]
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"}
    )
    await response.prepare(request)
    seen = -1
    with contextlib.suppress(ConnectionError):  # the page was closed or reloaded
        while not launcher.closing:
            if launcher.changes.version != seen:
                seen = launcher.changes.version
                data = json.dumps(launcher.snapshot())
                await response.write(f"data: {data}\n\n".encode())
                await asyncio.sleep(_PUSH_EVERY)
            else:
                await launcher.changes.wait(seen=seen, timeout=_HEARTBEAT)
                if launcher.changes.version == seen:
                    await response.write(b": still here\n\n")
    return response


async def _results(request: web.Request) -> web.StreamResponse:
    launcher = request.app[LAUNCHER]
    kind = _kind(request.query.get("target", ""))
    try:
        paths = launcher.folder.paths(request.query.get("sheet", ""), rehearsal=kind == "rehearsal")
    except BulkadsError as exc:
        return refused(404, str(exc))
    if not paths.results.is_file():
        return refused(404, "no results yet: launch the sheet first")
    return web.FileResponse(
        paths.results,
        headers={"Content-Disposition": f'attachment; filename="{paths.results.name}"'},
    )


async def _json(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send JSON")
    try:
        body = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(text="not JSON") from exc
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="send a JSON object")
    return body


async def _sheet_and_kind(request: web.Request) -> tuple[str, Kind]:
    body = await _json(request)
    return str(body.get("sheet", "")), _kind(str(body.get("target", "")))


def _kind(value: str) -> Kind:
    for kind in KINDS:
        if value == kind:
            return kind
    raise web.HTTPBadRequest(text="target must be 'rehearsal' or 'live'")
