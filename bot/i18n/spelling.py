"""One spelling for the Arabic letters residents write several ways.

Arabic is typed with or without hamza on the alef (أريد / اريد, آذي / اذي), with taa marbuta
or haa at the end (مساعدة / مساعده), alef maqsura or yaa (على / علي), and hamza on waw or yaa
or not (يؤذي / يوذي). Each of these is one letter for another, so folding keeps a text's
length and every offset in it: the lexicons (entities, crisis patterns) match the folded text
and report what the resident wrote at the same positions. Folding both the patterns and the
text means a pattern written with any of the spellings matches all of them.
"""
from __future__ import annotations

import re

ARABIC_LETTER_FOLD = str.maketrans({
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # أ إ آ ٱ -> ا
    "\u0649": "\u064a",  # ى -> ي
    "\u0629": "\u0647",  # ة -> ه
    "\u0624": "\u0648",  # ؤ -> و
    "\u0626": "\u064a",  # ئ -> ي
})


# vowel marks (harakat), the dagger alef and tatweel (the stretching stroke, "شكـــرا"): left
# out wherever Arabic is matched or counted (the crisis guard, the tokenizer's folded words)
ARABIC_MARKS = re.compile("[\u0640\u064b-\u065f\u0670]")


def fold_arabic_letters(text: str) -> str:
    """``text`` with each Arabic letter above replaced by its one spelling (same length)."""
    return text.translate(ARABIC_LETTER_FOLD)


# One consonant skeleton for Arabic written in Arabic letters or in Arabizi (Latin letters,
# digits for the sounds Latin lacks: 2 ء, 3 ع, 5 خ, 7 ح, 9 ق). Short vowels are not written in
# Arabic script and are written any way in Arabizi (mtarjem, motarjem, mutarjim), so vowels,
# and the long-vowel letters ا و ي, are left out of both; letters that sound alike in the
# dialects share one symbol (ث ت -> t, ذ ض د -> d, ص س -> s, ظ ز -> z; Egyptian g is ج), and
# a doubled letter is written once. "مترجم", "mtarjem" and "mutarjim" are all "mtrjm";
# "عايز" and "3ayez" are "3z"; "مساعدة" and "mosa3ada" are "ms3dh" and "ms3d".
ARABIC_SKELETON = {
    "\u0628": "b", "\u062a": "t", "\u062b": "t", "\u062c": "j", "\u062d": "7", "\u062e": "5",
    "\u062f": "d", "\u0630": "d", "\u0631": "r", "\u0632": "z", "\u0633": "s", "\u0634": "S",
    "\u0635": "s", "\u0636": "d", "\u0637": "t", "\u0638": "z", "\u0639": "3", "\u063a": "8",
    "\u0641": "f", "\u0642": "q", "\u0643": "k", "\u0644": "l", "\u0645": "m", "\u0646": "n",
    "\u0647": "h", "\u0629": "h", "\u067e": "b", "\u0686": "j", "\u06a4": "f", "\u06af": "j",
    "\u06a9": "k",
}
ARABIZI_SKELETON = (("sh", "S"), ("ch", "S"), ("kh", "5"), ("gh", "8"), ("th", "t"),
                    ("dh", "d"), ("ou", ""), ("9", "q"), ("2", ""), ("g", "j"), ("c", "k"),
                    ("p", "b"), ("v", "f"), ("x", "ks"))
_ARABIC_LETTER = re.compile("[\u0621-\u06ff]")
_LATIN_LETTER = re.compile("[a-z]")
_ARABIZI_VOWELS = re.compile("[aeiouwy]")
_NOT_SKELETON = re.compile("[^a-zS0-9]")
_DOUBLED = re.compile(r"(.)\1+")


def consonant_skeleton(word: str) -> str:
    """The consonant skeleton of one lower-case word in Arabic letters or Arabizi (see above);
    "" for a word with neither (numbers, other scripts)."""
    if _ARABIC_LETTER.search(word):
        skeleton = "".join(ARABIC_SKELETON.get(letter, "") for letter in word)
    elif _LATIN_LETTER.search(word):
        skeleton = word
        for spelling, sound in ARABIZI_SKELETON:
            skeleton = skeleton.replace(spelling, sound)
        skeleton = _NOT_SKELETON.sub("", _ARABIZI_VOWELS.sub("", skeleton))
    else:
        return ""
    return _DOUBLED.sub(r"\1", skeleton)
