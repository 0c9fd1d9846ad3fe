"""`search_tiktok_targeting` in the sandbox: a small, realistic catalogue.

Usage::

    search_tiktok_targeting(ctx, {"targeting_type": "regions", "level_range": "TO_CITY"})

Interest categories with their sub-categories, and regions (countries, provinces, cities)
with GeoNames IDs, the namesakes real catalogues have (`London` in England and in Ontario,
`Accessories` under two parents) included. A billable tool, like the real one.
"""

from __future__ import annotations

from typing import Any

from bulkads.sandbox.answers import Output, ToolError
from bulkads.sandbox.toolkit import Context, optional_str

# (ID, name, parent name or "")
INTEREST_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("10100", "Apparel & Accessories", ""),
    ("10101", "Women's Clothing", "Apparel & Accessories"),
    ("10102", "Men's Clothing", "Apparel & Accessories"),
    ("10103", "Accessories", "Apparel & Accessories"),
    ("10104", "Shoes", "Apparel & Accessories"),
    ("10200", "Beauty & Personal Care", ""),
    ("10201", "Skincare", "Beauty & Personal Care"),
    ("10202", "Makeup", "Beauty & Personal Care"),
    ("10203", "Fragrance", "Beauty & Personal Care"),
    ("10300", "Gaming", ""),
    ("10301", "Mobile Games", "Gaming"),
    ("10302", "Console & PC Games", "Gaming"),
    ("10400", "Food & Beverage", ""),
    ("10401", "Coffee & Tea", "Food & Beverage"),
    ("10402", "Snacks", "Food & Beverage"),
    ("10500", "Sports & Outdoors", ""),
    ("10501", "Fitness", "Sports & Outdoors"),
    ("10502", "Running", "Sports & Outdoors"),
    ("10503", "Camping & Hiking", "Sports & Outdoors"),
    ("10600", "Tech & Electronics", ""),
    ("10601", "Accessories", "Tech & Electronics"),
    ("10602", "Smartphones", "Tech & Electronics"),
    ("10700", "Travel", ""),
    ("10800", "Home & Garden", ""),
    ("10801", "Furniture", "Home & Garden"),
    ("10900", "Pets", ""),
    ("11000", "Education", ""),
    ("11100", "Financial Services", ""),
)

# (GeoNames ID, name, level, parent)
REGIONS: tuple[tuple[str, str, str, str], ...] = (
    ("6252001", "United States", "COUNTRY", ""),
    ("2635167", "United Kingdom", "COUNTRY", ""),
    ("6251999", "Canada", "COUNTRY", ""),
    ("2077456", "Australia", "COUNTRY", ""),
    ("2921044", "Germany", "COUNTRY", ""),
    ("3017382", "France", "COUNTRY", ""),
    ("614540", "Georgia", "COUNTRY", ""),
    ("5332921", "California", "PROVINCE", "United States"),
    ("4736286", "Texas", "PROVINCE", "United States"),
    ("5128638", "New York", "PROVINCE", "United States"),
    ("4197000", "Georgia", "PROVINCE", "United States"),
    ("6093943", "Ontario", "PROVINCE", "Canada"),
    ("6115047", "Quebec", "PROVINCE", "Canada"),
    ("6269131", "England", "PROVINCE", "United Kingdom"),
    ("2638360", "Scotland", "PROVINCE", "United Kingdom"),
    ("2951839", "Bavaria", "PROVINCE", "Germany"),
    ("2155400", "New South Wales", "PROVINCE", "Australia"),
    ("5128581", "New York City", "CITY", "New York, United States"),
    ("5368361", "Los Angeles", "CITY", "California, United States"),
    ("4671654", "Austin", "CITY", "Texas, United States"),
    ("2643743", "London", "CITY", "England, United Kingdom"),
    ("6058560", "London", "CITY", "Ontario, Canada"),
    ("2643123", "Manchester", "CITY", "England, United Kingdom"),
    ("6167865", "Toronto", "CITY", "Ontario, Canada"),
    ("6077243", "Montreal", "CITY", "Quebec, Canada"),
    ("2147714", "Sydney", "CITY", "New South Wales, Australia"),
    ("2867714", "Munich", "CITY", "Bavaria, Germany"),
    ("2950159", "Berlin", "CITY", "Germany"),
    ("2988507", "Paris", "CITY", "France"),
)
_LEVELS = {"TO_COUNTRY": 1, "TO_PROVINCE": 2, "TO_CITY": 3, "TO_DISTRICT": 3, "ALL": 3}
_DEPTH = {"COUNTRY": 1, "PROVINCE": 2, "CITY": 3}
TYPES = ("interest_categories", "regions")


def search_tiktok_targeting(ctx: Context, args: dict[str, Any]) -> Output:
    kind = optional_str(args, "targeting_type")
    if kind is None:
        raise ToolError("targeting_type: Field required")
    if kind == "interest_categories":
        return _interests()
    if kind == "regions":
        level = optional_str(args, "level_range") or "TO_COUNTRY"
        if level not in _LEVELS:
            raise ToolError(f"level_range: '{level}' is not one of {', '.join(_LEVELS)}")
        return _regions(_LEVELS[level])
    raise ToolError(
        f"targeting_type: '{kind}' is not supported by this sandbox; use one of {', '.join(TYPES)}"
    )


def _interests() -> Output:
    rows = [{"id": i, "name": name, "parent": parent} for i, name, parent in INTEREST_CATEGORIES]
    lines = [f"| {i} | {name} | {parent or '—'} |" for i, name, parent in INTEREST_CATEGORIES]
    text = (
        f"🎯 **TikTok interest categories** ({len(rows)})\n\n"
        "| ID | Name | Parent |\n|---|---|---|\n"
        + "\n".join(lines)
        + "\n\nUse the IDs in `interest_category_ids`."
    )
    return Output(text, {"targeting_type": "interest_categories", "results": rows})


def _regions(depth: int) -> Output:
    found = [r for r in REGIONS if _DEPTH[r[2]] <= depth]
    rows = [
        {"location_id": i, "name": name, "level": level, "parent": parent}
        for i, name, level, parent in found
    ]
    lines = [f"| {i} | {name} | {level} | {parent or '—'} |" for i, name, level, parent in found]
    text = (
        f"📍 **TikTok regions** ({len(rows)})\n\n| Location ID | Name | Level | Parent |\n"
        "|---|---|---|---|\n" + "\n".join(lines) + "\n\nUse the IDs in `target_locations`."
    )
    return Output(text, {"targeting_type": "regions", "results": rows})
