"""Spotting likely personal data in a practitioner's question, so the bot can remind them not to share it.

`detect` answers *which kinds* of personal data a text seems to hold, never the text itself: the caller can
act on the finding (send a reminder) without ever holding on to a name or a number.

What counts, and what deliberately does not:

* NHS numbers: ten digits (``943 476 5919``, ``943-476-5919``, ``9434765919``) whose modulus-11 check digit is
  valid. Other ten-digit numbers are not NHS numbers.
* Dates of birth: full numeric day-month-year dates (``03/03/2015``, ``3.3.15``, ``3-3-2015``: in a question
  about a case, any full date is identifying), and written, partial or ISO dates next to a birth cue
  (``born 3 March 2015``, ``DOB: 3rd March``, ``born in March 2015``, ``date of birth 2015-03-03``). A month
  and year alone (``July 2016``), an audit year (``2016-17``), a priority (``2.5``) or an age (``a 14 year
  old``, ``under 5``) are not.
* UK postcodes in full (``RM7 0AG``, ``e1 6an``); ordinals (``S47 1st``) are not postcodes.
* UK phone numbers: mobiles (07...), geographic landlines (01..., 02...) and the same after +44 or 0044.
  Non-geographic 03/08/09 numbers are organisations' and helplines' (``0800 1111``), not people's.
* Email addresses.
* Names introduced as names: "a child called Ellie", "a boy named Jayden", "her name is Amira", "my client
  Jane Smith", "Mrs Smith". A capitalised word that is an agency or a role ("mum called Police", "our family
  Support Worker", "Child A") is not a name; bare capitalised words are not guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from enum import StrEnum


class PersonalData(StrEnum):
    """A kind of personal data a question may hold."""

    NHS_NUMBER = "nhs_number"
    DATE_OF_BIRTH = "date_of_birth"
    POSTCODE = "postcode"
    PHONE_NUMBER = "phone_number"
    EMAIL_ADDRESS = "email_address"
    NAME = "name"

    @property
    def label(self) -> str:
        return {
            "nhs_number": "an NHS number",
            "date_of_birth": "a date of birth (or another full date)",
            "postcode": "a postcode",
            "phone_number": "a phone number",
            "email_address": "an email address",
            "name": "a name",
        }[self.value]


# -- NHS numbers -------------------------------------------------------------------------------------------------
_NHS_NUMBER = re.compile(r"(?<![\d.,/+-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d%]|[.,/-]\d)")


def is_valid_nhs_number(digits: str) -> bool:
    """Whether ten digits carry a valid NHS modulus-11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _has_nhs_number(text: str) -> bool:
    return any(is_valid_nhs_number("".join(match.groups())) for match in _NHS_NUMBER.finditer(text))


# -- dates of birth ----------------------------------------------------------------------------------------------
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH_NUMBER = r"(?:0?[1-9]|1[0-2])"
# d/m/yy, dd.mm.yyyy, d-m-yyyy: a day, a month and a year (two or four digits), one separator used twice.
_NUMERIC_DATE = re.compile(
    rf"(?<![\d./-]){_DAY}([./-]){_MONTH_NUMBER}\1(?:\d{{4}}|\d{{2}})(?![\d%]|[./-]\d)",
)
_BIRTH_CUE = r"(?:\bborn\b|\bd\.?o\.?b\b\.?|\bdate\s+of\s+birth\b|\bbirthday\b)"
_WRITTEN_DATE = (
    rf"(?:{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b\.?(?:,?\s+(?:19|20)?\d\d)?"  # 3rd (of) March (2015)
    rf"|{_MONTHS}\b\.?\s+{_DAY}(?:st|nd|rd|th)?\b(?:,?\s+(?:19|20)\d\d)?"  # March 3rd(, 2015)
    rf"|{_MONTHS}\b\.?\s+(?:19|20)\d\d)"  # March 2015
)
_CUED_DATE = re.compile(
    rf"{_BIRTH_CUE}\s*(?:(?:is|was|on|in|:|-|=)\s*)*(?:the\s+)?(?:{_WRITTEN_DATE}|\d{{1,2}}\s*[./-]\s*\d{{1,2}}|(?:19|20)\d\d-\d\d-\d\d)",
    re.IGNORECASE,
)


def _has_date_of_birth(text: str) -> bool:
    return bool(_NUMERIC_DATE.search(text) or _CUED_DATE.search(text))


# -- postcodes ---------------------------------------------------------------------------------------------------
# The outward code formats A9, A99, AA9, AA99, A9A, AA9A; the inward code 9AA without C, I, K, M, O, V.
_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPS-UW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRV-Y])\s?[0-9][ABD-HJLNP-UW-Z]{2}\b",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)


def _has_postcode(text: str) -> bool:
    return any(not _ORDINAL.search(match.group()) for match in _POSTCODE.finditer(text))


# -- phone numbers -----------------------------------------------------------------------------------------------
# Spaces are skipped only after the +44 prefix: a leading `\s*` made every run of spaces quadratic to scan.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+\s?44|0044)\s*)?(?:\(\s*0\s*\)\s*)?\(?0?(?:[\s)-]{0,2}\d){9,10}(?!\d)")


def _is_uk_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    international = candidate.lstrip().startswith(("+", "0044"))
    if international:
        digits = digits[4:] if candidate.lstrip().startswith("0044") else digits[2:]
        digits = digits[1:] if digits.startswith("0") and len(digits) == 11 else digits
        national = "0" + digits
    else:
        national = digits
    if not national.startswith("0"):
        return False
    if national[1] == "7":
        return len(national) == 11
    if national[1] == "2":
        return len(national) == 11
    if national[1] == "1":
        return len(national) in (10, 11)
    return False


def _has_phone_number(text: str) -> bool:
    return any(_is_uk_phone(match.group()) for match in _PHONE.finditer(text))


# -- email addresses ---------------------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- names -------------------------------------------------------------------------------------------------------
_NAME_WORD = r"[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
_PERSON = (
    r"(?:child|children|kid|boy|girl|baby|infant|toddler|son|daughter|sibling|brother|sister|twin|"
    r"mum|mother|mom|dad|father|step-?dad|step-?mum|stepfather|stepmother|grandmother|grandfather|gran|nan|"
    r"parent|carer|partner|boyfriend|girlfriend|uncle|aunt|cousin|man|woman|lady|teenager|young\s+person|yp|"
    r"pupil|student|client|patient|service\s+user|family|foster\s+carer|neighbour)"
)
# Capitalised words that can follow a cue without being a name ("mum called Police", "our family Support Worker").
_NOT_NAMES = _word_set(
    """
    police ambulance social services service school schools nursery college the a an me us him her them it
    back in out up round child children's childrens children family families early help health mash csc cin
    gp hospital nhs council childline emergency a&e mum dad mother father monday tuesday wednesday thursday
    friday saturday sunday mr mrs ms miss mx today yesterday tomorrow again later soon twice once everyone
    someone nobody
    support worker workers team teams hub hubs centre centres center plan plans court meeting meetings
    conference group assessment referral officer nurse visitor visitors practitioner practitioners care
    """
)
# Lower-case words that can follow "name is" without being a name ("the child's name is not recorded").
_NOT_LOWER_NAMES = _word_set(
    """
    not unknown withheld redacted recorded missing on in at as the a an and or but that this it is was
    correctly properly by for of to with without lead professional worker person agency above below here
    there important written spelt spelled used given changed shared needed required known clear correct
    wrong different same also always never often sometimes usually still just only very really too so
    being included protected confidential private sensitive name names
    """
)
_CALLED = re.compile(
    rf"\b{_PERSON}s?\s+(?:who\s+is\s+|who's\s+)?(?:called|named|known\s+as)\s+({_NAME_WORD})", re.IGNORECASE
)
_NAME_IS = re.compile(r"\b(?i:name\s+is|name's|names\s+are|named)\s+([A-Za-z][a-z'’]+)")
_MY_PERSON = re.compile(rf"\b(?i:my|our)\s+(?i:{_PERSON})\s+({_NAME_WORD})(?:\s+({_NAME_WORD}))?")
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+([A-Z][a-z'’]+)")


def _plausible_name(word: str) -> bool:
    return word.lower() not in _NOT_NAMES and not word.isupper()


def _has_name(text: str) -> bool:
    for match in _CALLED.finditer(text):
        # IGNORECASE lets the cue be in any case ("Child called"); the name itself must be capitalised.
        if match.group(1)[0].isupper() and _plausible_name(match.group(1)):
            return True
    for match in _NAME_IS.finditer(text):
        word = match.group(1)
        if word[0].isupper() and _plausible_name(word):
            return True
        # "her name is amira": lower case counts after "name is", but not after the looser "named".
        if word[0].islower() and not match.group().lower().startswith("named") and word not in _NOT_LOWER_NAMES:
            return True
    for match in _MY_PERSON.finditer(text):
        # "my client Jane Smith", "our pupil Ellie"; not "our family Support Worker".
        if all(_plausible_name(word) for word in match.groups() if word):
            return True
    return any(_plausible_name(match.group(1)) for match in _TITLE.finditer(text))


# -- all together ------------------------------------------------------------------------------------------------
def _has_email_address(text: str) -> bool:
    return bool(_EMAIL.search(text))


_CHECKS: tuple[tuple[PersonalData, Callable[[str], bool]], ...] = (
    (PersonalData.NHS_NUMBER, _has_nhs_number),
    (PersonalData.DATE_OF_BIRTH, _has_date_of_birth),
    (PersonalData.POSTCODE, _has_postcode),
    (PersonalData.PHONE_NUMBER, _has_phone_number),
    (PersonalData.EMAIL_ADDRESS, _has_email_address),
    (PersonalData.NAME, _has_name),
)


def detect(text: str) -> frozenset[PersonalData]:
    """The kinds of likely personal data in a text (empty when none); never any part of the text itself."""
    if not text:
        return frozenset()
    return frozenset(kind for kind, check in _CHECKS if check(text))


def reminder_text(kinds: Iterable[PersonalData]) -> str:
    """The private reminder sent to someone whose question seems to hold personal data."""
    labels = [kind.label for kind in PersonalData if kind in set(kinds)]
    if not labels:
        found = "details that could identify someone"
    elif len(labels) == 1:
        found = labels[0]
    else:
        found = ", ".join(labels[:-1]) + " and " + labels[-1]
    return (
        f"A gentle reminder: your question looks like it may include {found}. Please don't share details that"
        " could identify a child, family or colleague in Slack: ask about the practice issue instead"
        ' (for example "a 6-year-old" rather than a name). You may want to edit or delete your message.'
        " I have answered the learning question, and I don't keep the text of questions."
    )


# -- for the search ------------------------------------------------------------------------------------------------
# A name the search can be sure of: after a title ("Mrs Patel", "Dr. Okafor"), or a capitalised word followed by a
# capital initial ("Harvey J", "Ruby T,"), but not an anonymised reference ("Child A", "Year R") or "I".
# A titled name is read as the pronoun it stands for, so the case still reads ("Mrs Patel's partner" -> "her
# partner", "Mr Shah hasn't been assessed" -> "he hasn't been assessed").
_TITLED_NAME = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?(['’]s\b)?(?!['’\w])")
_PRONOUNS = {"mr": ("he", "his"), "mrs": ("she", "her"), "ms": ("she", "her"), "miss": ("she", "her")}
_INITIALLED = re.compile(r"\b([A-Z][a-z'’]+)\s+[A-HJ-Z]\b(?![.'’&]?\w)")
_NOT_INITIALLED = _NOT_NAMES | _word_set("year case family sibling plan section stage key type grade level option")


def _blank_initialled(text: str, blank: Callable[[re.Match[str]], str]) -> str:
    return _INITIALLED.sub(
        lambda match: match.group() if match.group(1).lower() in _NOT_INITIALLED else blank(match), text
    )


_REDACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("date", _NUMERIC_DATE),
    ("date of birth", _CUED_DATE),
    ("email address", _EMAIL),
    ("postcode", _POSTCODE),
    ("NHS number", _NHS_NUMBER),
    ("phone number", _PHONE),
    ("date of birth", re.compile(_BIRTH_CUE, re.IGNORECASE)),
)


def without_personal_details(text: str) -> tuple[str, list[str]]:
    """The text with dates, birth cues, postcodes, emails, NHS and phone numbers, and names the search can be sure
    of (after a title, read as a pronoun; or with an initial) blanked out, and the kinds blanked: a case detail
    says nothing about the topic, so the search must not weigh it (the privacy reminder is sent separately).
    Linear: each pattern is one regex pass over text already cut to length."""
    found: list[str] = []

    def blank(kind: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            if kind == "postcode" and _ORDINAL.search(match.group()):
                return match.group()
            found.append(kind)
            return " "

        return replace

    for kind, pattern in _REDACTIONS:
        text = pattern.sub(blank(kind), text)

    def pronoun(match: re.Match[str]) -> str:
        found.append("name")
        subject, possessive = _PRONOUNS.get(match.group(1).lower(), ("they", "their"))
        return f" {possessive if match.group(2) else subject} "

    text = _TITLED_NAME.sub(pronoun, text)
    text = _blank_initialled(text, blank("name"))
    return text, list(dict.fromkeys(found))
