"""One spelling for the Arabic letters residents write several ways.

Arabic is typed with or without hamza on the alef (أريد / اريد, آذي / اذي), with taa marbuta
or haa at the end (مساعدة / مساعده), alef maqsura or yaa (على / علي), and hamza on waw or yaa
or not (يؤذي / يوذي). Each of these is one letter for another, so folding keeps a text's
length and every offset in it: the lexicons (entities, crisis patterns) match the folded text
and report what the resident wrote at the same positions. Folding both the patterns and the
text means a pattern written with any of the spellings matches all of them.
"""
from __future__ import annotations

ARABIC_LETTER_FOLD = str.maketrans({
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # أ إ آ ٱ -> ا
    "\u0649": "\u064a",  # ى -> ي
    "\u0629": "\u0647",  # ة -> ه
    "\u0624": "\u0648",  # ؤ -> و
    "\u0626": "\u064a",  # ئ -> ي
})


def fold_arabic_letters(text: str) -> str:
    """``text`` with each Arabic letter above replaced by its one spelling (same length)."""
    return text.translate(ARABIC_LETTER_FOLD)
