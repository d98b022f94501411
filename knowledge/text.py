"""Turning text into words and stems, the same way for passages, vocabularies and questions."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")

# Slack markup that must not reach the search: user/channel mentions, links, special mentions. No part of a
# match may contain "<" (Slack escapes it as &lt; inside markup), so a failed match stops at the next "<" and
# the whole scan is linear: with `[^>|]*` it was quadratic on "<@<@<@..." (20,000 repeats took 11 s).
_SLACK_MARKUP = re.compile(r"<([@#!][^<>|]*)(?:\|([^<>]*))?>|<(https?://[^<>|]*)(?:\|([^<>]*))?>")
_TOKEN = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)*")
_AGE = re.compile(r"\b(\d{1,2})\s*-?\s*(?:yo|y/o|yrs?(?:\s*-?\s*old)?|years?\s*-?\s*old)\b")
_DIGIT = re.compile(r"\d")
_POSSESSIVE = re.compile(r"(?<=[a-z])'s?(?![a-z])")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})

# Irregular plurals the stemmer does not fold onto their singular.
_LEMMAS = {
    "children": "child",
    "childrens": "child",
    "men": "man",
    "women": "woman",
    "people": "person",
    "peoples": "person",
    "babies": "baby",
    "families": "family",
    "feet": "foot",
    "kids": "child",
    "kid": "child",
    "info": "information",
}

# Function words and question scaffolding: they carry no meaning for retrieval.
STOPWORDS = frozenset(
    """
    a about above across after again against all almost also although always am among an and any anyone anything
    are aren around as at be became because been before being below between both but by can cannot could couldn
    did didn do does doesn doing don done down during each either else etc even ever every for from further get
    gets getting give given go goes going got had hadn has hasn have haven having he her here hers herself him
    himself his how however i if in into is isn it its itself just let like ll made make makes many may maybe me
    might mine more most much must my myself no nor not now of off often on once one only onto or other others
    our ours ourselves out over own per please quite rather re really s same say says said shall she should
    shouldn since so some something still such t than that the their theirs them themselves then there these
    they this those though through thus to too under until up upon us use used using ve very via was wasn way we
    were weren what whatever when where whether which while who whom whose why will with within without won
    would wouldn yes yet you your yours yourself yourselves tell show find found know knew think want wants
    wanted looking look ask asking asked anybody somebody thing things stuff lot lots kind sort bit dont doesnt
    didnt isnt arent wasnt werent wont cant couldnt shouldnt wouldnt hasnt havent hadnt im ive id hi hello hey
    thanks thank cheers ok okay pls audit audits audited report reports board lscb say said says mention
    mentioned mentions learn learnt learned learning finding findings recommend recommends recommended
    recommendation recommendations shes hes thats theres whats wheres whos youre theyre weve youve theyve youll
    itll lets thru alot asks tells shows finds knows thinks gets
    question questions query queries dm dms pm fyi btw tbh imo asap eg ie aka qq
    """.split()
)

# Words that mark a question as asking for recommendations rather than findings.
RECOMMENDATION_CUES = frozenset(
    [
        "recommend",
        "recommends",
        "recommended",
        "recommendation",
        "recommendations",
        "should",
        "must",
        "improve",
        "improvement",
        "action",
        "actions",
        "todo",
    ]
)
FINDING_CUES = frozenset(["find", "finding", "findings", "found", "evidence", "evidenced", "show", "showed"])

# Words about the audits themselves: a misspelling of one is corrected, then dropped like a stopword.
META_WORDS = frozenset(
    "recommendation recommendations recommend recommended finding findings audit audits learning".split()
)

MAX_QUESTION_CHARS = 500
# Raw text read from a question before its markup is stripped: room for mentions and link targets around the
# 500 characters that are searched, while a 40,000-character message costs no more than this.
MAX_RAW_QUESTION_CHARS = 8 * MAX_QUESTION_CHARS


def strip_slack_markup(text: str, *, limit: int = MAX_RAW_QUESTION_CHARS) -> str:
    """Replace Slack mentions and links by their visible label (or nothing), so they are never searched.

    Only the first `limit` characters are read (the cut comes first, so the cost is bounded whatever arrives);
    the scan is linear in what is read.
    """

    def _label(match: re.Match[str]) -> str:
        return f" {match.group(2) or match.group(4) or ''} "

    return _SLACK_MARKUP.sub(_label, text[:limit])


def normalise(text: str) -> str:
    """Unicode-normalise, lower-case and unify apostrophes."""
    if text.isascii():
        # NFKC leaves ASCII as it is; only the backtick is an apostrophe to unify (a fast path for the build).
        return text.replace("`", "'").lower()
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()


def words(text: str) -> list[str]:
    """The words of a text: lower-case, possessives folded ("child's" -> "child"), hyphens split."""
    text = normalise(text)
    # The checks before each substitution only save time: building 100,000 passages calls this twice each.
    if "'" in text:
        text = _POSSESSIVE.sub("", text).replace("'", "")
    if _DIGIT.search(text):
        text = _AGE.sub(_age_word, text)
    return _TOKEN.findall(text)


def _age_word(match: re.Match[str]) -> str:
    """ "15yo", "3 year old", "14-year-old" -> a word for that age group."""
    return " teenager " if int(match.group(1)) >= 13 else " child "


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-case word (irregular plurals folded first)."""
    word = _LEMMAS.get(word, word)
    return _STEMMER.stemWord(word) if word.isalpha() else word


def stems(text: str) -> list[str]:
    """Stems of every word in a text, stopwords included (phrases need them)."""
    return [stem(word) for word in words(text)]


def content_words(text: str) -> list[str]:
    """The words of a text that carry meaning (stopwords removed)."""
    return [word for word in words(text) if word not in STOPWORDS]


def stemmed_text(text: str) -> str:
    """The text as space-separated stems: what the full-text index stores."""
    return " ".join(stems(text))
