"""The creative tools (CONTRACT §5): asset bundles, image uploads, carousel cards, the library.

Usage::

    validate_and_prepare_tiktok_assets(ctx, {"image_urls": [...], "advertiser_id": "7…"})
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bulkads.arguments import CALLS_TO_ACTION, CARD_TYPES
from bulkads.sandbox.accounts import Advertiser, library_image_ids
from bulkads.sandbox.answers import Output, ToolError
from bulkads.sandbox.toolkit import Context, file_name, https_urls, is_https, string_list

BUNDLE_LIFETIME = timedelta(minutes=60)
_SIZE = re.compile(r"(\d{2,5})\s*[x×]\s*(\d{2,5})", re.IGNORECASE)
_DEFAULT_SIZE = (1080, 1920)


def image_size(url: str) -> tuple[int, int] | None:
    """The WxH a file name carries (`spring_1080x1920.jpg`), if any."""
    found = _SIZE.search(file_name(url))
    return (int(found[1]), int(found[2])) if found else None


def _image_problem(number: int, url: str) -> str | None:
    if not is_https(url):
        return f"Image {number} ({url}) is not a public https:// URL"
    size = image_size(url)
    if size is None:
        return None
    width, height = size
    if width * 16 != height * 9:
        return f"Image {number} ({url}) is {width}x{height}, not 9:16"
    if width < 540:
        return f"Image {number} ({url}) is {width}x{height}, below the 540x960 minimum"
    return None


def validate_and_prepare_tiktok_assets(ctx: Context, args: dict[str, Any]) -> Output:
    advertiser = ctx.advertiser(args)
    urls = string_list(args, "image_urls", least=1, most=20)
    problems = [p for n, url in enumerate(urls, 1) if (p := _image_problem(n, url))]
    if problems:
        raise ToolError(
            "Image validation failed: "
            + "; ".join(problems)
            + ". TikTok image ads need vertical 9:16 images (e.g. 1080x1920), at least 540x960."
        )
    bundle_id = f"bndl_{ctx.sandbox.random_hex()}"
    expires = ctx.sandbox.clock.now() + BUNDLE_LIFETIME
    expires_text = f"{expires:%Y-%m-%d %H:%M:%S}"
    ctx.add("bundle", bundle_id, advertiser, args, image_urls=urls, expires_at=expires_text)
    rows = []
    for number, url in enumerate(urls, start=1):
        width, height = image_size(url) or _DEFAULT_SIZE
        rows.append(f"| {number} | {file_name(url)} | {width}x{height} | 9:16 | ✅ valid |")
    text = (
        f"✅ **{len(urls)} of {len(urls)} images passed validation**\n\n"
        "| # | Image | Size | Aspect | Status |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + f"\n\n**Asset bundle ID:** `{bundle_id}`\n"
        f"**Valid until:** {expires_text} (60 minutes)\n\n"
        "Pass it to create_tiktok_campaign as `asset_bundle_id`."
    )
    structured = {"asset_bundle_id": bundle_id, "expires_at": expires_text}
    return Output(text, structured if ctx.sandbox.config.structured else None)


def upload_tiktok_images(ctx: Context, args: dict[str, Any]) -> Output:
    advertiser = ctx.advertiser(args)
    urls = https_urls(args, "image_urls", least=1, most=20)
    image_ids = []
    lines = []
    for number, url in enumerate(urls, start=1):
        image_id = f"img_{ctx.sandbox.random_hex()}"
        ctx.add("image", image_id, advertiser, args, url=url)
        image_ids.append(image_id)
        lines.append(f"{number}. {file_name(url)} — Image ID: {image_id}")
    text = (
        f"✅ **Uploaded {len(urls)} image(s) to the TikTok Asset Library** "
        f"({advertiser.name})\n\n" + "\n".join(lines)
    )
    return Output(text, {"image_ids": image_ids})


# What an asset ID may look like: TikTok's image IDs hold letters, digits and `_-./:`.
ASSET_ID_FORM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-./:]{0,127}")
POST_ID_FORM = re.compile(r"[0-9]{1,30}")


def check_form(name: str, values: list[str], form: re.Pattern[str]) -> None:
    """The only check the sandbox can make of a user's own IDs: their form."""
    bad = [value for value in values if not form.fullmatch(value)]
    if bad:
        raise ToolError(f"{name}: malformed ID(s): {', '.join(bad)}")


def known_image(ctx: Context, advertiser: Advertiser, image_id: str) -> bool:
    """An image in the advertiser's library: pre-loaded or uploaded with this key."""
    in_library = image_id in library_image_ids(advertiser.advertiser_id)
    return in_library or ctx.owned("image", image_id, advertiser) is not None


def check_images_known(ctx: Context, advertiser: Advertiser, image_ids: list[str]) -> None:
    """Well-formed IDs; strict: each one in the library or uploaded with this key."""
    check_form("image_ids", image_ids, ASSET_ID_FORM)
    if not ctx.sandbox.config.strict_library:
        return
    unknown = [i for i in image_ids if not known_image(ctx, advertiser, i)]
    if unknown:
        raise ToolError(
            f"Unknown image ID(s) for advertiser {advertiser.advertiser_id}: "
            f"{', '.join(unknown)}. Upload them with upload_tiktok_images or find them "
            "with discover_tiktok_assets."
        )


def _choice(args: dict[str, Any], name: str, choices: tuple[str, ...], default: str | None) -> Any:
    value = args.get(name, default)
    if value is not None and value not in choices:
        raise ToolError(f"{name}: '{value}' is not one of {', '.join(choices)}")
    return value


def create_tiktok_carousel_card(ctx: Context, args: dict[str, Any]) -> Output:
    advertiser = ctx.advertiser(args)
    image_ids = string_list(args, "image_ids", least=2, most=10)
    string_list(args, "ad_texts")
    https_urls(args, "landing_page_urls", least=0, most=10)
    _choice(args, "call_to_action", CALLS_TO_ACTION, None)
    card_type = _choice(args, "card_type", CARD_TYPES, "IMAGE")
    check_images_known(ctx, advertiser, image_ids)
    card_id = f"card_{ctx.sandbox.random_hex()}"
    ctx.add("card", card_id, advertiser, args, card_type=card_type, image_ids=image_ids)
    text = (
        "✅ **Carousel card created**\n\n"
        f"**Card ID:** {card_id}\n**Card type:** {card_type}\n**Images:** {len(image_ids)}\n\n"
        f"Use it in create_tiktok_campaign with `card_id` and `card_type`={card_type}."
    )
    return Output(text, {"card_id": card_id})


def discover_tiktok_assets(ctx: Context, args: dict[str, Any]) -> Output:
    advertiser = ctx.advertiser(args, primary_if_omitted=True)
    library = library_image_ids(advertiser.advertiser_id)
    rows = [f"| {i} | (library) | 1080x1920 |" for i in library]
    for image in ctx.sandbox.ledger.created("image"):
        if ctx.owned("image", image.id, advertiser):
            url = image.details["url"]
            width, height = image_size(url) or _DEFAULT_SIZE
            rows.append(f"| {image.id} | {file_name(url)} | {width}x{height} |")
    text = (
        f"🖼️ **TikTok Asset Library** — {advertiser.name} ({advertiser.advertiser_id}): "
        f"{len(rows)} image(s)\n\n| Image ID | File | Size |\n|---|---|---|\n"
        + "\n".join(rows)
        + "\n\nReuse them in create_tiktok_campaign via `existing_image_ids`."
    )
    return Output(text)
