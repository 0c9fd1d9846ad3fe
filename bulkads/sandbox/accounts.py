"""The sandbox's fixed test keys, their advertisers and their asset libraries.

Usage::

    from bulkads.sandbox.accounts import SOLO_KEY, AGENCY_ADVERTISERS
    AGENCY_ADVERTISERS[0].advertiser_id   # '7100000000000000001'
"""

from __future__ import annotations

from dataclasses import dataclass

PLATFORM = "tiktok_ads"
PLATFORMS = ("google_ads", "meta_ads", "tiktok_ads", "linkedin_ads")


@dataclass(frozen=True)
class Advertiser:
    """One TikTok advertiser account connected to a key."""

    advertiser_id: str
    name: str


SOLO_KEY = "sk_test_solo_4f1c2a"
AGENCY_KEY = "sk_test_agency_9b7e3d"

SOLO_ADVERTISERS: tuple[Advertiser, ...] = (Advertiser("7000000000000000001", "Acme Outfitters"),)
AGENCY_ADVERTISERS: tuple[Advertiser, ...] = (
    Advertiser("7100000000000000001", "Northwind Coffee"),
    Advertiser("7100000000000000002", "Contoso Sports"),
    Advertiser("7100000000000000003", "Fabrikam Home"),
)

# label -> (secret, advertisers); the label is what the ledger and the admin paths use.
TEST_KEYS: dict[str, tuple[str, tuple[Advertiser, ...]]] = {
    "solo": (SOLO_KEY, SOLO_ADVERTISERS),
    "agency": (AGENCY_KEY, AGENCY_ADVERTISERS),
}


def library_image_ids(advertiser_id: str) -> tuple[str, ...]:
    """The images already in an advertiser's asset library (usable as `existing_image_ids`)."""
    return tuple(f"img_lib_{advertiser_id[-3:]}_{n}" for n in (1, 2, 3))
