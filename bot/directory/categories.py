"""The 12 need categories residents ask about (DESIGN.md, "Need categories").

In ORUK data a category is a service attribute whose ``taxonomy_term.taxonomy`` is
``harrow-needs`` and whose ``taxonomy_term.term`` is one of the codes below; the first such
attribute is the service's primary category. ``esd_ids`` are the LGA (esd) service type ids
where one exists, so feeds that use the LGA list can be mapped onto our codes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

NEEDS_TAXONOMY = "harrow-needs"


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    esd_ids: tuple[int, ...] = ()


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("interpreting", "Interpreting and translation", (169,)),
        Category("advocacy", "Advocacy", (728, 162, 645)),
        Category("conversation_cafe", "Conversation Cafés"),
        Category("customer_access_point", "Customer access points"),
        Category("mental_health", "Mental health and wellbeing", (1284,)),
        Category("carers", "Support for carers", (225, 298)),
        Category("safeguarding", "Safeguarding adults"),
        Category("accessible_information", "Accessible information (easy read, large print)"),
        Category("digital_inclusion", "Digital skills and getting online"),
        Category("employment_support", "Employment support for disabled people"),
        Category("community_groups", "Community groups"),
        Category("care_assessment", "Care and support needs assessment"),
    )
}

CATEGORY_CODES: tuple[str, ...] = tuple(CATEGORIES)

_ESD_TO_CODE = {esd: c.code for c in CATEGORIES.values() for esd in c.esd_ids}

# Words in a foreign feed's taxonomy term names or descriptions that point at a category.
# Used only for records that carry no harrow-needs attribute.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "interpreting": ("interpret", "translat", "sign language"),
    "advocacy": ("advocacy", "advocate"),
    "conversation_cafe": ("conversation caf",),
    "customer_access_point": ("customer access", "customer service centre"),
    "mental_health": ("mental health", "wellbeing", "well-being", "anxiety", "depression",
                      "talking therap", "counselling"),
    "carers": ("carer",),
    "safeguarding": ("safeguarding", "abuse", "neglect"),
    "accessible_information": ("easy read", "large print", "braille", "accessible information"),
    "digital_inclusion": ("digital", "computer skills", "getting online", "internet"),
    "employment_support": ("employment", "job", "volunteering", "supported work"),
    "community_groups": ("community group", "community centre", "community association"),
    "care_assessment": ("needs assessment", "care assessment", "care act assessment"),
}


def is_category(code: str | None) -> bool:
    """True when ``code`` is one of the 12 category codes."""
    return code in CATEGORIES


def label(code: str) -> str:
    """English label of a category code (the code itself when unknown)."""
    category = CATEGORIES.get(code)
    return category.label if category else code


def category_for_esd(esd_id: int | str) -> str | None:
    """Our category code for an LGA esd service type id, or None."""
    try:
        return _ESD_TO_CODE.get(int(esd_id))
    except (TypeError, ValueError):
        return None


def categories_from_text(*texts: str | None) -> list[str]:
    """Category codes whose keywords appear in any of ``texts`` (in category order)."""
    blob = " ".join(t for t in texts if t).casefold()
    blob = re.sub(r"\s+", " ", blob)
    return [code for code, words in _KEYWORDS.items() if any(w in blob for w in words)]
