"""The one table of `create_tiktok_campaign`'s arguments, plus the multi-step columns.

Parsing, validation, the template (notes, dropdowns, example row) and the docs all
read this table. Adding an argument is one `Argument(...)` line.

Usage::

    from bulkads.arguments import ARGUMENTS, BY_KEY, header_key
    BY_KEY[header_key("Campaign Name")].name   # 'campaign_name'
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

# The API's tools bulkads calls: their names are written here and nowhere else.
CREATE = "create_tiktok_campaign"
PREPARE = "validate_and_prepare_tiktok_assets"
UPLOAD = "upload_tiktok_images"
CARD = "create_tiktok_carousel_card"
USAGE = "get_usage_status"  # free
ACCOUNTS = "list_connected_accounts"  # free


class Kind(enum.Enum):
    """How a cell is read and checked."""

    TEXT = "text"  # free text, length-limited (CJK counts double)
    URL = "url"  # one absolute https:// URL
    ID = "id"  # one identifier, kept as exact text
    IDS = "ids"  # a list of identifiers
    URLS = "urls"  # a list of https:// URLs
    ENUM = "enum"  # one value of `choices`, case-insensitive, sent upper-case
    ENUMS = "enums"  # a list of values of `choices`
    LANGUAGES = "languages"  # a list of two-letter language codes
    BOOL = "bool"  # true/false, yes/no, 1/0
    MONEY = "money"  # a number >= 1, currency sign tolerated
    DATETIME = "datetime"  # a date/time, sent as YYYY-MM-DD HH:MM:SS

    @property
    def is_list(self) -> bool:
        return self in (Kind.IDS, Kind.URLS, Kind.ENUMS, Kind.LANGUAGES)


@dataclass(frozen=True, kw_only=True)
class Argument:
    """One column a sheet may carry."""

    name: str
    kind: Kind
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None  # TEXT: TikTok's length, CJK characters counting double
    min_length: int | None = None
    advised_max_length: int | None = None  # TEXT: longer warns (TikTok may truncate)
    advised_minimum: float | None = None  # MONEY: lower warns (TikTok's usual floor, USD)
    digits_only: bool = False  # ID/IDS: every ID is all digits
    min_items: int | None = None  # list kinds
    max_items: int | None = None
    example: str = ""  # the template's example row ('' = left empty)
    # The preparing calls bulkads turns this column into, in order, before the create (§5).
    steps: tuple[str, ...] = ()


OBJECTIVES = ("TRAFFIC", "CONVERSIONS", "LEAD_GENERATION", "REACH", "VIDEO_VIEWS", "APP_PROMOTION")
APP_PROMOTION_TYPES = ("APP_INSTALL", "APP_RETARGETING")
CALLS_TO_ACTION = (
    "LEARN_MORE", "SHOP_NOW", "SIGN_UP", "DOWNLOAD", "CONTACT_US", "APPLY_NOW", "BOOK_NOW",
    "GET_QUOTE", "SUBSCRIBE", "ORDER_NOW", "BUY_NOW", "GET_OFFER", "WATCH_NOW",
)  # fmt: skip
OPTIMIZATION_EVENTS = (
    "COMPLETE_PAYMENT", "ON_WEB_CART", "ON_WEB_DETAIL", "ON_WEB_REGISTER", "FORM",
    "CONVERSION_LEADS", "INITIATE_ORDER", "PAGE_VISIT", "CLICK_LANDING_PAGE", "ON_WEB_SUBSCRIBE",
    "PHONE_CONNECT", "CONSULT", "SEARCH", "SUBSCRIBE", "DOWNLOAD_FINISH",
)  # fmt: skip
AGE_GROUPS = ("AGE_13_17", "AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100")
GENDERS = ("GENDER_UNLIMITED", "GENDER_MALE", "GENDER_FEMALE")
PLACEMENT_TYPES = ("PLACEMENT_TYPE_AUTOMATIC", "PLACEMENT_TYPE_NORMAL")
PLACEMENTS = ("PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE")
OPERATING_SYSTEMS = ("ANDROID", "IOS")
CARD_TYPES = ("IMAGE", "PRODUCT")

# fmt: off
ARGUMENTS: tuple[Argument, ...] = (
    Argument(name="campaign_name", kind=Kind.TEXT, required=True, max_length=480,
             help="Campaign name. TikTok adds a timestamp suffix for uniqueness.",
             example="Spring Sale - US"),
    Argument(name="advertiser_id", kind=Kind.ID, digits_only=True,
             help="TikTok advertiser ID. Required when the key has several advertisers "
                  "(see `bulkads accounts`); leave empty when it has one."),
    Argument(name="objective", kind=Kind.ENUM, choices=OBJECTIVES,
             help="Campaign objective. Default: TRAFFIC. APP_PROMOTION needs app_id; "
                  "CONVERSIONS needs pixel_id.",
             example="TRAFFIC"),
    Argument(name="app_id", kind=Kind.ID,
             help="TikTok app ID. Required when objective is APP_PROMOTION."),
    Argument(name="app_promotion_type", kind=Kind.ENUM, choices=APP_PROMOTION_TYPES,
             help="Only with objective APP_PROMOTION. Default: APP_INSTALL."),
    Argument(name="budget_daily", kind=Kind.MONEY, advised_minimum=50,
             help="Daily budget in account currency (at least 1; TikTok's floor is about 50). "
                  "Not with budget_lifetime.",
             example="50"),
    Argument(name="budget_lifetime", kind=Kind.MONEY, advised_minimum=50,
             help="Lifetime budget in account currency. Needs schedule_end_time. "
                  "Not with budget_daily."),
    Argument(name="schedule_end_time", kind=Kind.DATETIME,
             help="Campaign end, YYYY-MM-DD HH:MM[:SS], in the future. "
                  "Required with budget_lifetime."),
    Argument(name="budget_optimize_on", kind=Kind.BOOL,
             help="Campaign Budget Optimization. TikTok's default: true."),
    Argument(name="ad_text", kind=Kind.TEXT, required=True, min_length=1, max_length=100,
             advised_max_length=50,
             help="Ad text, 1-100 characters; over 50 may be truncated.",
             example="Fresh spring styles, 20% off this week"),
    Argument(name="display_name", kind=Kind.TEXT, required=True, max_length=40,
             help="Brand name shown on the ad, at most 40 characters.",
             example="Acme Outfitters"),
    Argument(name="landing_page_url", kind=Kind.URL, required=True,
             help="Landing page, an absolute https:// URL.",
             example="https://www.example.com/spring-sale"),
    Argument(name="call_to_action", kind=Kind.ENUM, choices=CALLS_TO_ACTION,
             help="Call-to-action button. Default: chosen by TikTok.",
             example="SHOP_NOW"),
    Argument(name="pixel_id", kind=Kind.ID,
             help="TikTok Pixel ID. Required for objective CONVERSIONS."),
    Argument(name="optimization_event", kind=Kind.ENUM, choices=OPTIMIZATION_EVENTS,
             help="Conversion event to optimize for; only with pixel_id. "
                  "Default: COMPLETE_PAYMENT."),
    Argument(name="target_locations", kind=Kind.IDS, digits_only=True,
             help="TikTok location IDs. Default: 6252001 (US). UK 2635167, Canada 6251999, "
                  "Australia 2077456.",
             example="6252001"),
    Argument(name="target_age_groups", kind=Kind.ENUMS, choices=AGE_GROUPS,
             help="Age groups. Default: all 18+."),
    Argument(name="target_gender", kind=Kind.ENUM, choices=GENDERS,
             help="Gender targeting. Default: GENDER_UNLIMITED."),
    Argument(name="interest_category_ids", kind=Kind.IDS, digits_only=True,
             help="Interest category IDs."),
    Argument(name="audience_ids", kind=Kind.IDS, digits_only=True,
             help="Custom audience IDs to include."),
    Argument(name="excluded_audience_ids", kind=Kind.IDS, digits_only=True,
             help="Custom audience IDs to exclude (none also in audience_ids)."),
    Argument(name="languages", kind=Kind.LANGUAGES,
             help="Two-letter language codes, e.g. en, es. Default: all languages."),
    Argument(name="placement_type", kind=Kind.ENUM, choices=PLACEMENT_TYPES,
             help="Default: PLACEMENT_TYPE_AUTOMATIC. PLACEMENT_TYPE_NORMAL needs placements."),
    Argument(name="placements", kind=Kind.ENUMS, choices=PLACEMENTS,
             help="Manual placements; only with, and required by, placement_type "
                  "PLACEMENT_TYPE_NORMAL."),
    Argument(name="operating_systems", kind=Kind.ENUMS, choices=OPERATING_SYSTEMS,
             help="Device OS. Default: all."),
    Argument(name="video_download_disabled", kind=Kind.BOOL,
             help="Disable video download. Default: false."),
    Argument(name="comment_disabled", kind=Kind.BOOL,
             help="Disable comments. Default: false."),
    # The creative: exactly one of the next seven columns.
    Argument(name="asset_bundle_id", kind=Kind.ID,
             help="Creative: a bundle from validate_and_prepare_tiktok_assets "
                  "(expires after 60 minutes; prefer image_urls)."),
    Argument(name="existing_image_ids", kind=Kind.IDS,
             help="Creative: TikTok image IDs already in the asset library."),
    Argument(name="tiktok_item_id", kind=Kind.ID,
             help="Creative: a TikTok post ID to boost as a Spark Ad."),
    Argument(name="card_id", kind=Kind.ID,
             help="Creative: a carousel card ID. Needs card_type."),
    Argument(name="card_type", kind=Kind.ENUM, choices=CARD_TYPES,
             help="Carousel card type; required with card_id."),
    Argument(name="image_urls", kind=Kind.URLS, min_items=1, max_items=20,
             steps=(PREPARE,),
             help="Creative: public https:// image URLs (9:16). bulkads prepares them "
                  "(one extra call) right before the create.",
             example="https://cdn.example.com/spring-1080x1920.jpg"),
    Argument(name="carousel_image_urls", kind=Kind.URLS, min_items=2, max_items=10,
             steps=(UPLOAD, CARD),
             help="Creative: 2-10 public https:// image URLs for a carousel. bulkads uploads "
                  "them and builds the card (two extra calls)."),
    Argument(name="carousel_image_ids", kind=Kind.IDS, min_items=2, max_items=10,
             steps=(CARD,),
             help="Creative: 2-10 TikTok image IDs for a carousel. bulkads builds the card "
                  "(one extra call)."),
)
# fmt: on

CREATIVE_COLUMNS = (
    "asset_bundle_id",
    "existing_image_ids",
    "tiktok_item_id",
    "card_id",
    "image_urls",
    "carousel_image_urls",
    "carousel_image_ids",
)

# Columns a results workbook adds, in its order: `row, status, message` before the
# sheet's own columns, the rest after (the contract's, then the multi-step IDs).
# Read back as results, never as arguments (§6).
RESULT_COLUMNS = (
    "row",
    "status",
    "message",
    "campaign_id",
    "ad_group_id",
    "ad_id",
    "idempotency_key",
    "attempts",
    "response",
    "finished_at",
    "prepared_asset_bundle_id",
    "prepared_image_ids",
    "prepared_card_id",
    "sent_as",  # what the sheet's words were sent as (§2a): "target_locations: 6252001"
)

# The names people write for the arguments (CONTRACT §2a), matched like words: case,
# spaces and punctuation ignored (`Language(s)`, `Daily Budget ($)`). One line per argument.
ALIASES: dict[str, tuple[str, ...]] = {
    "campaign_name": ("Campaign", "Campaign Title"),
    "advertiser_id": ("Advertiser", "Account", "Account ID", "Ad Account", "Ad Account ID"),
    "objective": ("Campaign Objective", "Goal", "Objective Type"),
    "app_id": ("App",),
    "app_promotion_type": ("App Promotion",),
    "budget_daily": ("Daily Budget", "Budget per Day", "Daily Spend", "Daily"),
    "budget_lifetime": ("Lifetime Budget", "Total Budget", "Lifetime"),
    "schedule_end_time": ("End Date", "End", "End Time", "Ends", "End Date/Time", "Stop Date"),
    "budget_optimize_on": ("CBO", "Campaign Budget Optimization", "Budget Optimization"),
    "ad_text": ("Text", "Ad Copy", "Copy", "Caption", "Primary Text"),
    "display_name": ("Brand", "Brand Name", "Identity"),
    "landing_page_url": ("URL", "Landing Page", "Landing URL", "Link", "Website",
                         "Destination URL", "Final URL"),
    "call_to_action": ("CTA", "Call to Action", "Button"),
    "pixel_id": ("Pixel",),
    "optimization_event": ("Event", "Conversion Event", "Optimization Goal"),
    "target_locations": ("Locations", "Location", "Countries", "Country", "Geo", "Geos",
                         "Regions", "Region", "Markets", "Market"),
    "target_age_groups": ("Age", "Ages", "Age Groups", "Age Group", "Age Range"),
    "target_gender": ("Gender", "Genders"),
    "interest_category_ids": ("Interests", "Interest", "Interest Categories",
                              "Interest Category"),
    "audience_ids": ("Audiences", "Audience", "Custom Audiences", "Include Audiences"),
    "excluded_audience_ids": ("Excluded Audiences", "Exclude Audiences", "Exclusions"),
    "languages": ("Language", "Lang"),
    "placement_type": ("Placement Type",),
    "placements": ("Placement",),
    "operating_systems": ("OS", "Operating System", "Device OS"),
    "video_download_disabled": ("Disable Download", "Disable Video Download"),
    "comment_disabled": ("Disable Comments", "Comments Disabled"),
    "tiktok_item_id": ("Spark Post", "Spark Ad", "TikTok Post ID", "Post ID", "Item ID"),
    "image_urls": ("Images", "Image", "Image URL", "Creative", "Creative URL"),
    "carousel_image_urls": ("Carousel Images", "Carousel", "Carousel URLs"),
    "carousel_image_ids": ("Carousel Image IDs",),
    "existing_image_ids": ("Image IDs", "Image ID", "Library Images"),
    "card_id": ("Card",),
    "asset_bundle_id": ("Asset Bundle", "Bundle", "Bundle ID"),
}  # fmt: skip

# Columns whose names (not IDs) are looked up with search_tiktok_targeting (§2a).
TARGETING: dict[str, str] = {
    "target_locations": "regions",
    "interest_category_ids": "interest_categories",
}

_NOT_KEY_CHARS = re.compile(r"[\s_\-]+")
_NOT_WORD_CHARS = re.compile(r"[\W_]+")


def header_key(header: str) -> str:
    """The matching key of a header: lower-case, without spaces, `_` and `-`."""
    return _NOT_KEY_CHARS.sub("", header).lower()


def word_key(text: str) -> str:
    """The matching key of a word or alias: case, spaces, punctuation and `_` ignored."""
    return _NOT_WORD_CHARS.sub("", text.casefold())


BY_NAME: dict[str, Argument] = {argument.name: argument for argument in ARGUMENTS}
# The columns that become preparing calls, never sent to the create as they are.
STEP_COLUMNS: tuple[str, ...] = tuple(argument.name for argument in ARGUMENTS if argument.steps)
BY_KEY: dict[str, Argument] = {header_key(argument.name): argument for argument in ARGUMENTS}
RESULT_KEYS: dict[str, str] = {header_key(name): name for name in RESULT_COLUMNS}
BY_ALIAS: dict[str, Argument] = {
    word_key(alias): BY_NAME[name]
    for name, aliases in ALIASES.items()
    for alias in (name, *aliases)
}


def argument_for(header: str) -> Argument | None:
    """The argument a header names: its own name (§2) or an alias (§2a)."""
    return BY_KEY.get(header_key(header)) or BY_ALIAS.get(word_key(header))
