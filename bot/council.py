"""The council's own contact route (data/council.yml), given whenever the assistant can't help."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from bot.paths import DATA_DIR, read_yaml

COUNCIL_FILE = DATA_DIR / "council.yml"


@dataclass(frozen=True)
class CouncilContact:
    name: str
    phone: str
    phone_verified: bool
    hours: str
    web: str

    def phone_in(self, lang: str) -> str:
        """The number as shown to residents (replies put ``hours_in`` in brackets after it,
        and that says whether the number is a sample)."""
        return self.phone

    def hours_in(self, lang: str) -> str:
        """The opening hours in ``lang``: the catalog's translation while it translates the
        hours data/council.yml gives (en.yml's council.hours), else the English from there;
        for an unverified number, led by "sample number" ("020 7946 0100 (sample number;
        Monday to Friday…)", not two brackets side by side)."""
        if _translated("council.hours", "en", "") != self.hours:
            hours = self.hours
        else:
            hours = _translated("council.hours", lang, self.hours)
        if self.phone_verified:
            return hours
        from bot.i18n.catalog import direction

        separator = "؛ " if direction(lang) == "rtl" else "; "  # Arabic script's semicolon
        return f"{_translated('council.sample_number', lang, 'sample number')}{separator}{hours}"

    def fields(self, lang: str = "en") -> dict[str, str]:
        """Template fields for replies: {council_phone}, {council_hours}, {council_web}."""
        return {"council_name": self.name, "council_phone": self.phone_in(lang),
                "council_hours": self.hours_in(lang), "council_web": self.web}


def _translated(key: str, lang: str, default: str) -> str:
    from bot.i18n.catalog import render
    try:
        return render(key, lang)
    except KeyError:
        return default


@lru_cache(maxsize=1)
def council_contact() -> CouncilContact:
    try:
        raw = read_yaml(COUNCIL_FILE)
        return CouncilContact(raw["name"], str(raw["phone"]), bool(raw.get("phone_verified")),
                              raw["hours"], raw["web"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as err:
        raise ValueError(f"{COUNCIL_FILE}: needs name, phone, phone_verified, hours and web "
                         f"({err})") from err
