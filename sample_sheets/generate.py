"""Regenerate the sample sheets in this folder.

Usage::

    python sample_sheets/generate.py            # writes beside this file
    python sample_sheets/generate.py OUT_DIR

small_launch.xlsx        one brand, all valid, no advertiser_id (the single-advertiser key)
marketer_launch.xlsx     the same brand written the way a marketer writes (headers such as
                         Daily Budget, CTA, Locations; values such as Shop now, US, UK,
                         18-24, Female, English, 12/31/2030, interests by name); all valid;
                         what `bulkads demo` runs
agency_launch.xlsx       three advertisers of the agency key, IDs as text
image_and_carousel.csv   image_urls, carousel_image_urls and carousel_image_ids rows
common_mistakes.xlsx     each rule of CONTRACT §3 broken at least once, a Notes column
                         saying which, and a few valid rows

Image URLs carry a 9:16 size in their name (the sandbox checks it); dates are in 2030.
Output is deterministic (fixed document dates).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import xlsxwriter

Row = dict[str, object]

FIXED_DATE = datetime(2026, 1, 1)
END = datetime(2030, 6, 30, 23, 59)
SOLO = "7000000000000000001"
AGENCY = {
    "7100000000000000001": "Northwind Coffee",
    "7100000000000000002": "Contoso Sports",
    "7100000000000000003": "Fabrikam Home",
}
TEXT_COLUMNS = {"advertiser_id", "app_id", "pixel_id", "tiktok_item_id", "card_id",
                "target_locations", "audience_ids", "excluded_audience_ids",
                "interest_category_ids", "existing_image_ids", "carousel_image_ids"}  # fmt: skip
CDN = "https://cdn.example.com"


def image(folder: str, name: str) -> str:
    return f"{CDN}/{folder}/{name}_1080x1920.jpg"


def library(advertiser_id: str, *numbers: int) -> str:
    """IDs of images already in the advertiser's library (the sandbox pre-loads three)."""
    return ",".join(f"img_lib_{advertiser_id[-3:]}_{n}" for n in numbers)


# --- small_launch.xlsx -------------------------------------------------------------

SMALL_HEADERS = ["campaign_name", "advertiser_id", "objective", "budget_daily", "budget_lifetime",
                 "schedule_end_time", "ad_text", "display_name", "landing_page_url",
                 "call_to_action", "pixel_id", "optimization_event", "target_locations",
                 "target_age_groups", "target_gender", "languages", "placement_type", "placements",
                 "operating_systems", "image_urls", "existing_image_ids",
                 "tiktok_item_id"]  # fmt: skip


def small_launch() -> list[Row]:
    acme = {"display_name": "Acme Outfitters", "target_locations": "6252001"}
    shop = "https://www.acme-outfitters.example.com"
    return [
        {**acme, "campaign_name": "Spring Denim - US", "objective": "TRAFFIC", "budget_daily": 50,
         "ad_text": "New spring denim, made to move", "landing_page_url": f"{shop}/denim",
         "call_to_action": "SHOP_NOW", "image_urls": image("spring", "denim-01")},
        {**acme, "campaign_name": "Spring Dresses - US", "objective": "TRAFFIC",
         "budget_daily": 75, "ad_text": "Light dresses for warm days",
         "landing_page_url": f"{shop}/dresses", "call_to_action": "SHOP_NOW",
         "target_gender": "GENDER_FEMALE", "target_age_groups": "AGE_18_24,AGE_25_34",
         "image_urls": f"{image('spring', 'dress-01')},{image('spring', 'dress-02')}"},
        {**acme, "campaign_name": "Sneaker Drop - US", "objective": "CONVERSIONS",
         "budget_daily": 120, "ad_text": "The Runner 2 is here. Limited pairs.",
         "landing_page_url": f"{shop}/runner-2", "call_to_action": "BUY_NOW",
         "pixel_id": "7301000000000000001", "optimization_event": "COMPLETE_PAYMENT",
         "image_urls": image("drops", "runner-2")},
        {**acme, "campaign_name": "Summer Preview - US+CA", "objective": "REACH",
         "budget_lifetime": 1500, "schedule_end_time": END, "ad_text": "A first look at summer",
         "landing_page_url": f"{shop}/summer", "call_to_action": "LEARN_MORE",
         "target_locations": "6252001,6251999", "image_urls": image("summer", "preview")},
        {**acme, "campaign_name": "Rain Jackets - UK", "objective": "TRAFFIC", "budget_daily": 60,
         "ad_text": "Stay dry in style this spring", "landing_page_url": f"{shop}/uk/rain",
         "call_to_action": "SHOP_NOW", "target_locations": "2635167", "languages": "en",
         "image_urls": image("spring", "rain-jacket")},
        {**acme, "campaign_name": "Bestsellers Retarget - US", "objective": "TRAFFIC",
         "budget_daily": 50, "ad_text": "Still thinking it over? Free returns.",
         "landing_page_url": f"{shop}/bestsellers", "call_to_action": "SHOP_NOW",
         "existing_image_ids": library(SOLO, 1, 2)},
        {**acme, "campaign_name": "Accessories - US iOS", "objective": "TRAFFIC",
         "budget_daily": 55, "ad_text": "Belts, bags and the rest",
         "landing_page_url": f"{shop}/accessories", "call_to_action": "LEARN_MORE",
         "operating_systems": "IOS", "placement_type": "PLACEMENT_TYPE_NORMAL",
         "placements": "PLACEMENT_TIKTOK", "existing_image_ids": library(SOLO, 3)},
        {**acme, "campaign_name": "Lookbook Boost - US", "objective": "VIDEO_VIEWS",
         "budget_daily": 80, "ad_text": "Our spring lookbook, styled by you",
         "landing_page_url": f"{shop}/lookbook", "call_to_action": "WATCH_NOW",
         "tiktok_item_id": "7350000000000000101"},
        {**acme, "campaign_name": "Creator Collab - US", "objective": "TRAFFIC",
         "budget_daily": 90, "ad_text": "Styled by @maya: shop the look",
         "landing_page_url": f"{shop}/collab", "call_to_action": "SHOP_NOW",
         "tiktok_item_id": "7350000000000000102", "target_age_groups": "AGE_18_24"},
        {**acme, "campaign_name": "Spring Sale - Spanish US", "objective": "TRAFFIC",
         "budget_daily": 50, "ad_text": "Rebajas de primavera: 20% menos",
         "landing_page_url": f"{shop}/es/sale", "call_to_action": "SHOP_NOW", "languages": "es",
         "image_urls": image("spring", "sale-es")},
    ]  # fmt: skip


# --- marketer_launch.xlsx ----------------------------------------------------------

MARKETER_HEADERS = ["Campaign", "Objective", "Daily Budget", "Lifetime Budget", "End Date",
                    "Ad Text", "Brand", "Landing Page", "CTA", "Locations", "Age Groups",
                    "Gender", "Language(s)", "OS", "Placement Type", "Placement(s)",
                    "Interests", "Images", "Spark Post"]  # fmt: skip


def marketer_launch() -> list[Row]:
    """Words for values (CONTRACT §2a): what bulkads sends is in the results' sent_as."""
    acme = {"Brand": "Acme Outfitters", "Objective": "Traffic"}
    shop = "https://www.acme-outfitters.example.com"
    return [
        {**acme, "Campaign": "Spring Denim - US & UK", "Daily Budget": "$50.00",
         "Ad Text": "New spring denim, made to move", "Landing Page": f"{shop}/denim",
         "CTA": "Shop now", "Locations": "US, UK", "Age Groups": "18-24, 25–34",
         "Gender": "All", "Language(s)": "English", "Images": image("spring", "denim-01")},
        {**acme, "Campaign": "Summer Dresses - US", "Lifetime Budget": "1,500",
         "End Date": "12/31/2030", "Ad Text": "Light dresses for warm days",
         "Landing Page": f"{shop}/dresses", "CTA": "Learn more", "Locations": "United States",
         "Age Groups": "18+", "Gender": "Female",
         "Interests": "Apparel & Accessories; Beauty & Personal Care",
         "Images": image("spring", "dress-01")},
        {**acme, "Campaign": "Gamer Hoodies - Canada", "Daily Budget": 60,
         "Ad Text": "Hoodies for the long sessions", "Landing Page": f"{shop}/hoodies",
         "CTA": "Shop now", "Locations": "Canada, Ontario", "Language(s)": "English, French",
         "OS": "iOS, Android", "Placement Type": "Manual", "Placement(s)": "TikTok",
         "Interests": "Gaming", "Images": image("fall", "hoodie-01")},
        {**acme, "Campaign": "Coffee Run Tees - Texas & California", "Daily Budget": 55,
         "Ad Text": "Tees for the morning coffee run", "Landing Page": f"{shop}/tees",
         "CTA": "Order now", "Locations": "Texas, California", "Age Groups": "25-44",
         "Interests": "Coffee & Tea", "Images": image("spring", "tee-01")},
        {**acme, "Campaign": "Winterjacken - Deutschland", "Daily Budget": "75 EUR",
         "Ad Text": "Warme Jacken für kalte Tage", "Landing Page": f"{shop}/de/jacken",
         "CTA": "Shop now", "Locations": "Germany, Munich", "Language(s)": "German",
         "Images": image("fall", "jacket-de")},
        {**acme, "Campaign": "Lookbook Boost - Men 55+", "Objective": "Video views",
         "Daily Budget": 80, "Ad Text": "Our spring lookbook, styled by you",
         "Landing Page": f"{shop}/lookbook", "CTA": "Watch now", "Gender": "Men",
         "Age Groups": "55+", "Placement Type": "Automatic",
         "Spark Post": "7350000000000000101"},
        {**acme, "Campaign": "Rain Jackets - Manchester", "Daily Budget": 60,
         "Ad Text": "Stay dry in style this spring", "Landing Page": f"{shop}/uk/rain",
         "CTA": "Shop now", "Locations": "Manchester", "Images": image("spring", "rain-jacket")},
        {**acme, "Campaign": "Swimwear - Sydney", "Objective": "Lead generation",
         "Lifetime Budget": "$2,000", "End Date": "2030-06-30", "Ad Text": "Get first dibs on swim",
         "Landing Page": f"{shop}/au/swim", "CTA": "Sign up", "Locations": "Sydney",
         "Age Groups": "18-24", "Images": image("summer", "swim-01")},
    ]  # fmt: skip


# --- agency_launch.xlsx --------------------------------------------------------------

AGENCY_HEADERS = ["Campaign Name", "Advertiser ID", "Objective", "Budget Daily", "Ad Text",
                  "Display Name", "Landing Page URL", "Call To Action", "Target Locations",
                  "Target Age Groups", "Image URLs", "Existing Image IDs",
                  "TikTok Item ID"]  # fmt: skip

BRANDS = {
    "7100000000000000001": ("https://www.northwind-coffee.example.com", "coffee",
                            ["Cold Brew", "Espresso Beans", "Oat Latte", "Gift Cards",
                             "Subscription", "Travel Mug"]),
    "7100000000000000002": ("https://shop.contoso-sports.example.com", "sports",
                            ["Trail Shoes", "Yoga Mats", "Cycling Kit", "Tennis Rackets",
                             "Swimwear", "Gym Bags"]),
    "7100000000000000003": ("https://www.fabrikam-home.example.com", "home",
                            ["Linen Bedding", "Desk Lamps", "Rugs", "Planters", "Cookware",
                             "Candles"]),
}  # fmt: skip


def agency_launch() -> list[Row]:
    rows: list[Row] = []
    for advertiser_id, (site, folder, products) in BRANDS.items():
        for n, product in enumerate(products):
            slug = product.lower().replace(" ", "-")
            row: Row = {
                "Campaign Name": f"{product} - Spring",
                "Advertiser ID": advertiser_id,
                "Objective": "TRAFFIC",
                "Budget Daily": 50 + 10 * n,
                "Ad Text": f"{product}: new this spring",
                "Display Name": AGENCY[advertiser_id],
                "Landing Page URL": f"{site}/{slug}",
                "Call To Action": "SHOP_NOW" if n % 2 == 0 else "LEARN_MORE",
                "Target Locations": "6252001" if n % 3 else "6252001,6251999",
                "Target Age Groups": "" if n % 2 else "AGE_25_34,AGE_35_44",
            }
            if n == 4:
                row["Existing Image IDs"] = library(advertiser_id, 1, 2)
            elif n == 5:
                row["TikTok Item ID"] = f"73600000000000{advertiser_id[-1]}0{n}01"
            else:
                row["Image URLs"] = image(folder, slug)
            rows.append(row)
    return rows


# --- image_and_carousel.csv ----------------------------------------------------------

CAROUSEL_HEADERS = ["campaign_name", "advertiser_id", "budget_daily", "ad_text", "display_name",
                    "landing_page_url", "call_to_action", "image_urls", "carousel_image_urls",
                    "carousel_image_ids"]  # fmt: skip


def image_and_carousel() -> list[Row]:
    base = {"advertiser_id": SOLO, "display_name": "Acme Outfitters",
            "call_to_action": "SHOP_NOW"}  # fmt: skip
    shop = "https://www.acme-outfitters.example.com"

    def looks(folder: str, count: int) -> list[str]:
        return [image(folder, f"look-{n:02d}") for n in range(1, count + 1)]

    rows: list[Row] = [
        {"campaign_name": "Single Image - Denim", "image_urls": image("spring", "denim-01")},
        {"campaign_name": "Two Images - Dresses", "image_urls": ", ".join(looks("dresses", 2))},
        {"campaign_name": "Three Images - Semicolons", "image_urls": ";".join(looks("tops", 3))},
        {"campaign_name": "Images - New Lines", "image_urls": "\n".join(looks("knitwear", 2))},
        {"campaign_name": "Carousel - 2 Looks", "carousel_image_urls": ",".join(looks("c2", 2))},
        {"campaign_name": "Carousel - 5 Looks", "carousel_image_urls": ",".join(looks("c5", 5))},
        {"campaign_name": "Carousel - 10 Looks", "carousel_image_urls": ",".join(looks("c10", 10))},
        {"campaign_name": "Carousel - JSON List",
         "carousel_image_urls": '["' + '", "'.join(looks("cj", 3)) + '"]'},
        {"campaign_name": "Library Carousel - 2", "carousel_image_ids": library(SOLO, 1, 2)},
        {"campaign_name": "Library Carousel - 3", "carousel_image_ids": library(SOLO, 1, 2, 3)},
        {"campaign_name": "Library Carousel - Reordered",
         "carousel_image_ids": library(SOLO, 3, 1)},
    ]  # fmt: skip
    for n, row in enumerate(rows):
        slug = str(row["campaign_name"]).lower().replace(" - ", "-").replace(" ", "-")
        row.update(base, budget_daily=50 + 5 * n, ad_text="Spring looks, swipe through",
                   landing_page_url=f"{shop}/{slug}")  # fmt: skip
    return rows


# --- common_mistakes.xlsx ------------------------------------------------------------

MISTAKE_HEADERS = ["Notes", *SMALL_HEADERS[:12], "app_id", "app_promotion_type",
                   "budget_optimize_on", *SMALL_HEADERS[12:], "interest_category_ids",
                   "audience_ids", "excluded_audience_ids", "card_id", "card_type",
                   "carousel_image_urls", "carousel_image_ids"]  # fmt: skip


def common_mistakes() -> list[Row]:
    good: Row = {"campaign_name": "Valid - Denim", "budget_daily": 50,
                 "ad_text": "New spring denim", "display_name": "Acme Outfitters",
                 "landing_page_url": "https://www.acme-outfitters.example.com/denim",
                 "image_urls": image("spring", "denim-01")}  # fmt: skip

    def bad(note: str, **cells: object) -> Row:
        name = note.split(":")[0][:60]
        row: Row = {**good, "campaign_name": f"Mistake - {name}", "Notes": note}
        row.update(cells)
        return {key: value for key, value in row.items() if value is not None}

    too_many_urls = ",".join(image("many", f"look-{n:02d}") for n in range(1, 22))
    return [
        {**good, "Notes": "valid: a correct row"},
        {**good, "Notes": "valid: a correct lifetime-budget row",
         "campaign_name": "Valid - Lifetime", "budget_daily": None, "budget_lifetime": 900,
         "schedule_end_time": END},
        {**good, "Notes": "valid: a correct Spark row", "campaign_name": "Valid - Spark",
         "image_urls": None, "tiktok_item_id": "7350000000000000101"},
        bad("duplicate: the same arguments as the first row", campaign_name="Valid - Denim"),
        bad("missing campaign_name", campaign_name=None),
        bad("campaign_name over 480 characters", campaign_name="Spring " * 70),
        bad("missing ad_text", ad_text=None),
        bad("ad_text over 100 characters", ad_text="Our biggest spring sale ever: " * 4),
        bad("missing display_name", display_name=None),
        bad("display_name over 40 characters", display_name="Acme Outfitters Official Store Spring"
                                                            " Edition"),
        bad("display_name in CJK counts double (25 characters = 50)", display_name="春" * 25),
        bad("missing landing_page_url", landing_page_url=None),
        bad("http:// landing page", landing_page_url="http://www.acme-outfitters.example.com"),
        bad("landing page is not a URL", landing_page_url="acme-outfitters.example.com/denim"),
        bad("bad enum: objective TRAFIC", objective="TRAFIC"),
        bad("APP_PROMOTION without app_id", objective="APP_PROMOTION"),
        bad("app_promotion_type without APP_PROMOTION", app_promotion_type="APP_INSTALL"),
        bad("CONVERSIONS without pixel_id", objective="CONVERSIONS"),
        bad("optimization_event without pixel_id", optimization_event="COMPLETE_PAYMENT"),
        bad("bad enum: optimization_event PURCHASES", objective="CONVERSIONS",
            pixel_id="7301000000000000001", optimization_event="PURCHASES"),
        bad("both budgets", budget_lifetime=900, schedule_end_time=END),
        bad("budget_lifetime without schedule_end_time", budget_daily=None, budget_lifetime=900),
        bad("budget under 1", budget_daily=0.5),
        bad("budget is not a number", budget_daily="fifty"),
        bad("past schedule_end_time", budget_daily=None, budget_lifetime=900,
            schedule_end_time=datetime(2020, 1, 31, 23, 59)),
        bad("schedule_end_time is not a date", budget_daily=None, budget_lifetime=900,
            schedule_end_time="next friday"),
        bad("schedule_end_time whose day and month could be swapped", budget_daily=None,
            budget_lifetime=900, schedule_end_time="03/04/2031"),
        bad("two creatives: image_urls and tiktok_item_id", tiktok_item_id="7350000000000000101"),
        bad("no creative", image_urls=None),
        bad("card_id without card_type", image_urls=None, card_id="crd_0001"),
        bad("bad enum: card_type VIDEO", image_urls=None, card_id="crd_0001", card_type="VIDEO"),
        bad("bad enum: call_to_action BUY", call_to_action="BUY"),
        bad("bad enum: target_gender MALES", target_gender="MALES"),
        bad("bad enum: target_age_groups AGE_18_30", target_age_groups="AGE_18_24,AGE_18_30"),
        bad("bad enum: operating_systems WINDOWS", operating_systems="WINDOWS"),
        bad("placements without PLACEMENT_TYPE_NORMAL", placement_type="PLACEMENT_TYPE_AUTOMATIC",
            placements="PLACEMENT_TIKTOK"),
        bad("PLACEMENT_TYPE_NORMAL without placements", placement_type="PLACEMENT_TYPE_NORMAL"),
        bad("target_locations: a US state's code alone", target_locations="United States, TX"),
        bad("target_locations: a name that is a country and a US state",
            target_locations="Georgia"),
        bad("interest_category_ids: a letter O for a zero", interest_category_ids="12O45"),
        bad("audience both included and excluded", audience_ids="6900000000000000001",
            excluded_audience_ids="6900000000000000001,6900000000000000002"),
        bad('language misspelt "Englsh"', languages="Englsh"),
        bad("http:// image URL", image_urls="http://cdn.example.com/spring/denim-01_1080x1920.jpg"),
        bad("image URL on a private host", image_urls="https://192.168.1.20/denim_1080x1920.jpg"),
        bad("21 image_urls (at most 20)", image_urls=too_many_urls),
        bad("carousel with 1 image URL (2-10)", image_urls=None,
            carousel_image_urls=image("c1", "look-01")),
        bad("carousel with 1 library image (2-10)", image_urls=None,
            carousel_image_ids=library(SOLO, 1)),
        bad("advertiser_id typed as a number", advertiser_id=float(SOLO)),
        bad("budget_optimize_on is not a boolean", budget_optimize_on="maybe"),
        bad("warning: ad_text over 50 characters",
            ad_text="Our spring denim is here, in twelve washes and five fits"),
        bad("warning: budget under 50", budget_daily=20),
        bad("warning: no budget", budget_daily=None),
    ]  # fmt: skip


# --- writing -------------------------------------------------------------------------


def write_xlsx(path: Path, headers: Sequence[str], rows: Sequence[Row]) -> None:
    """One `Campaigns` sheet; ID columns formatted as text and their cells written as text."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"author": "bulkads", "created": FIXED_DATE})
    sheet = workbook.add_worksheet("Campaigns")
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.freeze_panes(1, 1)
    for col, header in enumerate(headers):
        is_text = header.lower().replace(" ", "_") in TEXT_COLUMNS
        sheet.set_column(col, col, max(14, min(len(header) + 4, 40)), text if is_text else None)
        sheet.write_string(0, col, header, bold)
    for number, row in enumerate(rows, start=1):
        for col, header in enumerate(headers):
            value = row.get(header)
            if isinstance(value, datetime):
                sheet.write_datetime(number, col, value, when)
            elif isinstance(value, int | float):
                sheet.write_number(number, col, value)
            elif value is not None:
                sheet.write_string(number, col, str(value))
    workbook.close()


def write_csv(path: Path, headers: Sequence[str], rows: Sequence[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if row.get(h) is None else row[h] for h in headers])


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else Path(__file__).resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    write_xlsx(folder / "small_launch.xlsx", SMALL_HEADERS, small_launch())
    write_xlsx(folder / "marketer_launch.xlsx", MARKETER_HEADERS, marketer_launch())
    write_xlsx(folder / "agency_launch.xlsx", AGENCY_HEADERS, agency_launch())
    write_csv(folder / "image_and_carousel.csv", CAROUSEL_HEADERS, image_and_carousel())
    write_xlsx(folder / "common_mistakes.xlsx", MISTAKE_HEADERS, common_mistakes())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
