"""Query analysis: a practitioner's question turned into weighted *units*.

Strip Slack markup, cut the question to a sane length, split it into words, correct typos against the knowledge
vocabulary, group words into units (a phrase that names a concept, a workplace phrase, or a single content word)
and weigh each unit by how much it says about the topic. Imports the text and vocabulary modules and the tuning.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from knowledge.privacy import without_personal_details
from knowledge.search.tuning import TUNING, Tuning
from knowledge.text import (
    AGENCY_PHRASES,
    FACT_PHRASES,
    FACT_WORDS,
    FINDING_CUES,
    FINDING_OPENERS,
    FINDING_PHRASES,
    FINDING_VERBS,
    MAX_QUESTION_CHARS,
    METHOD_WORDS,
    OFFENSIVE_WORDS,
    PRIORITY_WORDS,
    PURPOSE_PHRASES,
    PURPOSE_WORDS,
    RECOMMENDATION_CUES,
    RECOMMENDATION_NOUNS,
    RECOMMENDATION_PHRASES,
    REPORTERS,
    REPORTING_VERBS,
    STOPWORDS,
    TEXTING,
    asks_a_task,
    asks_directive,
    normalise,
    social,
    stem,
    strip_slack_markup,
    transpositions,
    words,
)
from knowledge.vocabulary import (
    AGENCY_TAG,
    REAL_WORD_ZIPF,
    Concept,
    Description,
    Vocabulary,
    tag_token,
    thesaurus_entries,
    typo_cutoff,
)

AUDIT_WORDS = frozenset({"audit", "audits", "audited", "auditing"})
LOOKING = frozenset({"look", "looked", "looking"})
CASES = frozenset({"case", "cases"})
BOARD_WORDS = frozenset({"board", "lscb", *PRIORITY_WORDS})
STOP_STEMS = frozenset(stem(word) for word in STOPWORDS)
OFFTOPIC = Concept(labels=["offtopic"])  # marks a workplace phrase while the question is being split into units
SIGNPOSTED = "signpost:"  # label prefix marking an out-of-scope safeguarding topic while splitting into units


def names_agency(concept: Concept | None) -> bool:
    """Whether a concept names an agency as such ("health visitors", "the police"), not only involves one."""
    return concept is not None and any(label.startswith("agency:") for label in concept.labels)


_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+)\b")
_ANY_CAPITALISED = re.compile(r"\b([A-Z][a-z]+)\b")
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")

# A run of question positions and the concept it names (None: a single content word).
Span = tuple[list[int], Concept | None]
# How a signpost reader looks up the concept a phrase's stems stand for (None: no signpost has that phrase).
Find = Callable[[tuple[str, ...]], Concept | None]
# A year as typed ("2019"), and the signpost phrase a year no passage mentions is read as.
_YEAR = re.compile(r"(?:19|20)\d\d")
OTHER_YEAR_WORDS = ("another", "year")
# ... and a period ("2017-18") none mentions, when the question does not ask for a figure: another year's report.
OTHER_PERIOD_WORDS = ("another", "period")
APRIL = 4
# Words asking how good something was, after "how" or "any".
QUALITY_WORDS = frozenset({"good", "well", "effective", "bad", "poor", "useful", "helpful", "successful"})
# ... and another area's board or council ("Havering's LSCB"): another board's report.
OTHER_AREA_WORDS = ("another", "board")
# ... and an audit named by a topic no audit held was on ("the neglect audit"), and the entry of auditing itself.
OTHER_AUDIT = ("another", "audit")
# Words saying how an audit is done, not what it is on ("a case file audit", "a deep dive audit").
AUDIT_METHODS = frozenset(
    "file files case cases casefile desktop paper deep dive themed thematic joint multi agency multiagency practice "
    "quality record records documentation recording dip sample sampling peer annual".split()
)
AUDITING_ENTRY = "thesaurus:audit"
# What a practitioner may ask to be given, and the words asking where it is or for a copy: a request for a form or
# a login is read as the signpost phrase `ARTEFACT_READING`.
CONTACT_WORDS = frozenset({"email", "link", "url", "website", "extension"})
ARTEFACT_WORDS = CONTACT_WORDS | {
    *("form", "forms", "template", "templates", "leaflet", "leaflets", "login", "logins", "password", "portal"),
    *("policy", "policies", "toolkit", "toolkits", "flowchart", "flowcharts", "tool", "tools", "guidance"),
    "guidelines",
}
REQUEST_WORDS = frozenset({"where", "wheres", "link", "download", "copy", "send", "url", "website", "get"})
# ... and the artefacts asked for by what they are for ("the email for the conference admin", "a template for core
# group minutes"); a policy or a toolkit "for" something is also a topic the audits may discuss, and a login "for
# children's centres" their access to records.
FOR_WORDS = CONTACT_WORDS | {"form", "forms", "template", "templates", "leaflet", "leaflets"}
ARTEFACT_READING = ("forms", "and", "contacts")
# "... - where do I get it", "where can I find it", "where is it": asking for the artefact named before.
WHERE_IS_IT = frozenset(
    {
        ("where", "do", "i", "get"),
        ("where", "do", "i", "find"),
        ("where", "can", "i", "get"),
        ("where", "can", "i", "find"),
        ("where", "do", "we", "get"),
        ("where", "do", "we", "find"),
        ("where", "is", "it"),
        ("wheres", "it"),
    }
)
# "a CSE risk tool I can use": a tool asked for to use, unless a passage names a tool on the question's topic ("is
# there a neglect tool I can use": the Neglect Toolkit).
TOOL_WORDS = frozenset({"tool", "tools", "toolkit", "toolkits"})
USE_CUES = frozenset(
    (*people, *modal, "use") for people in (("i",), ("we",)) for modal in (("can",), ("could",), ("should",), ("must",))
) | {("to", "use"), ("do", "i", "use"), ("do", "we", "use")}
USE_REACH = 4
TOOL_MODIFIERS = 3
# A question of at most this many content words naming a topic and a form last asks for the form.
ARTEFACT_ALONE = 3
FORM_WORDS = frozenset({"form", "forms"})
MAX_ARTEFACT_LOOKUPS = 2
# "how often are LAC reviews chaired", "how long does a DVPO last", "how soon must we ...": how often or how long
# something is done, asked in the present, is a rule of practice (read as the signpost phrase `TIMING_READING`);
# asked in the past ("how often was disguised compliance seen") it is what the audits found.
TIMING_WORDS = frozenset({"often", "long", "soon", "quickly", "frequently"})
TIMESCALE_WORDS = frozenset({"timescale", "timescales", "timeframe", "timeframes", "deadline", "deadlines"})
# The words "how" asks with: a misspelt word after "how" is read as one of them when it is as near as any other.
HOW_WORDS = TIMING_WORDS | QUALITY_WORDS | {"many", "much", "far", "can", "do", "does", "did", "should", "to"}
PRESENT_AUXILIARIES = frozenset(
    {"are", "is", "do", "does", "should", "must", "can", "will", "would", "could", "shall", "may", "ought"}
)
TIMING_READING = ("how", "often", "should")
GOT_REACH = 3
# The signpost for an agency question about a role no passage names, and how much of a role word's stem is its root
# (at least `MIN_ROLE_ROOT` letters; "visitor" is named by "visiting").
UNNAMED_ROLE = "unnamed-roles"
MIN_ROLE_ROOT = 4
ROLE_ENDING = 2
# The fewest words of a phrase asking for a kind of answer that still asks it with a word inside ("how do i make a
# [MASH] referral").
MIN_QUALIFIED = 3
MAX_QUALIFIERS = 2
# Stopwords that may still name what a signpost phrase is for inside it ("who is the LSCB business manager").
NAMING_STEMS = frozenset(stem(word) for word in ("lscb", "board", "audit", "report"))
# "how do I upload a case note", "where can we book ...", "how to claim ...": how to do an office task is a
# procedure (read as the signpost phrase `TASK_READING`), whatever it is done to. Not the tasks of practice the
# audits learned about ("how do I record the child's voice", "how do we register a family").
ADMIN_VERBS = frozenset(
    "upload attach scan save print book claim submit download install reset order renew login log".split()
)
TASK_ASKS = frozenset({("how", "do"), ("how", "can"), ("how", "should"), ("where", "do"), ("where", "can")})
# ... and how to get a document done ("how do I get the risk checklist filled in before MARAC", "how can we get the
# plan signed off"): "get", then within `DONE_REACH` words one of these, not followed by "by".
DONE_WORDS = frozenset(
    "filled completed signed countersigned uploaded approved authorised authorized typed printed".split()
)
DONE_REACH = 5
TASK_PEOPLE = frozenset({"i", "we", "you"})
TASK_READING = ("how", "do", "i", "complete")
# What the asker must or should do in the case they tell ("... Should I refer him?", "... Do we have to record a
# crime?"), asked in the first `DECISION_REACH` words of a sentence ("so should we ...").
DECISION_MODALS = frozenset({"should", "must", "shall", "ought"})
DECIDERS = frozenset({"i", "we"})
DECISION_REACH = 4
KINDS_OF = frozenset({"kind", "kinds", "sort", "sorts", "type", "types"})
# ... and asked of the case in the passive ("does this need to be reported", "should it be referred").
OBLIGING = frozenset({"need", "needs", "have", "has"})
NOTIFY_READING = ("need", "to", "notify")
DECISION_STEMS = frozenset(
    stem(word)
    for word in (
        "refer report record tell inform notify contact call ring discuss discussed escalate alert complete fill"
    ).split()
)
REQUEST_REACH = 8


# Words that name nothing alone but, just before a concept, make another concept with it: (the words, the labels of
# the concepts they must come before in the same sentence, within how many words, the thesaurus entry read, and what
# `ask --explain` says). How often a group of children is on a plan, compared ("were disabled children less likely
# to be on a plan", "hardly ever end up on the register"), is the audits' under-representation; not the frequency
# words alone ("dad is hardly ever seen") nor after a plan ("plans less likely to be SMART"). How many workers a
# child has had ("a string of different caseworkers", "so many social workers") is the changes of social worker;
# not the workers alone, nor a count that asks ("how many social workers came"). Seeing or looking up records or a
# system ("can children's centre staff see the council's records") is access to them. Sitting down or meeting with
# a manager ("every time a worker sits down with their manager") is supervision.
@dataclass(frozen=True)
class Pairing:
    phrases: frozenset[tuple[str, ...]]
    before: frozenset[str]
    reach: int
    entry: str
    note: str


PAIRINGS = (
    Pairing(
        frozenset(
            {
                *(("less", "likely"), ("more", "likely"), ("as", "likely"), ("less", "often"), ("more", "often")),
                *(("hardly", "ever"), ("hardly", "any"), ("rarely",), ("seldom",), ("very", "few"), ("not", "many")),
            }
        ),
        frozenset({"thesaurus:child-protection-plan", "thesaurus:child-in-need-plan", "thesaurus:care-plan"}),
        6,
        "under-representation",
        "how often, beside a plan: read as under-representation",
    ),
    Pairing(
        frozenset(
            {
                *(("string", "of"), ("series", "of"), ("succession", "of"), ("lots", "of"), ("loads", "of")),
                *(("so", "many"), ("too", "many"), ("multiple",), ("several",), ("different",), ("various",)),
            }
        ),
        frozenset({"thesaurus:social-care"}),
        3,
        "changes-of-social-worker",
        "how many workers: read as changes of social worker",
    ),
    Pairing(
        frozenset({("see",), ("view",), ("look", "up"), ("look", "at"), ("look", "on"), ("get", "into"), ("check",)}),
        frozenset({"thesaurus:records-systems", "thesaurus:recording", "theme:recording-systems", "glossary:protocol"}),
        8,
        "access-to-records",
        "seeing records or systems: read as access to them",
    ),
    Pairing(
        frozenset(
            {
                *(("sit", "down"), ("sits", "down"), ("sat", "down"), ("sitting", "down"), ("catch", "up")),
                *(("catches", "up"), ("one", "to", "one"), ("1", "1"), ("121",), ("meet",), ("meets",), ("meeting",)),
                *(("talk", "through"), ("talks", "through"), ("talking", "through"), ("go", "through")),
            }
        ),
        frozenset({"thesaurus:management"}),
        4,
        "supervision",
        "sitting down with a manager: read as supervision",
    ),
)
PERSON_STEM = stem("he")
# "parents who (themselves) have ...": the relative clause read as "with" (see `Analyser.relative_with`).
WHO_STEM, WITH_STEM = stem("who"), stem("with")
HAVE_STEMS = frozenset({stem("have"), stem("has"), stem("had")})
RELATIVE_FILLERS = frozenset({stem(word) for word in ("themselves", "himself", "herself", "also", "both", "all")})
# The words joining alternatives inside a topic's phrase ("making up or causing symptoms"), as stemmed.
COORDINATORS = frozenset({"or", "and", "nor"})
# ... but a determiner after them starts a noun phrase of its own: "a learning disability and his parents" joins
# "his parents" to the disability, it does not make them disabled parents.
DETERMINERS = frozenset(
    stem(word) for word in "a an the his her their its my our your this that these those some any no each every".split()
)
# Someone named between an actor and a deed did the deed instead ("the teacher saw dad grab him"), as stemmed.
OTHER_PEOPLE = frozenset(
    stem(word)
    for word in (
        "mum mother dad father parent parents stepdad stepfather stepmum stepmother partner boyfriend girlfriend"
        " brother sister sibling uncle aunt grandad grandma nan he she they child pupil boy girl man woman someone"
        " somebody another"
    ).split()
)
# "we keep inviting them", "mum kept cancelling": done again and again (see `Analyser.kept_doing`).
KEEP_WORDS = frozenset({"keep", "keeps", "kept", "keeping"})
MIN_ING_WORD = 5
REPEATED_ENTRY = "repeatedly"
ASKED_OF = AGENCY_PHRASES | {("expected", "to"), ("expect", "of"), ("expects", "of")}
# A word this common in English is no place name ("local", "whole").
AREA_NAME_ZIPF = 4.0
AREA_WORDS = frozenset(
    {"lscb", "lscbs", "lscp", "lscps", "scb", "board", "boards", "council", "borough", "partnership"}
)


def asks_task(typed: list[str], index: int) -> bool:
    """Whether the word at `index` is asked how to do ("how do I ...", "where can we ...", "how to ...")."""
    before = typed[max(0, index - 3) : index]
    how_do_i = len(before) == 3 and tuple(before[:2]) in TASK_ASKS and before[2] in TASK_PEOPLE
    return how_do_i or before[-2:] == ["how", "to"]


def read_as(
    positions: list[int],
    reading: tuple[str, ...],
    what: str,
    find: Callable[[tuple[str, ...]], Concept | None],
    taken: list[bool],
    notes: dict[int, str] | None,
) -> list[Span]:
    """The words at `positions` read as the signpost phrase `reading` (none if no signpost has that phrase): taken,
    with a note saying what they ask."""
    concept = find(stems_of(reading))
    if concept is None:
        return []
    for position in positions:
        taken[position] = True
    if notes is not None:
        notes[positions[0]] = f"{what}: read as '{' '.join(reading)}'"
    return [(positions, concept)]


def reporting_year(completed: str) -> int | None:
    """The reporting year (April to March, named by its first year: 2016 for 2016-17) of a "YYYY-MM" date."""
    found = re.match(r"(\d{4})-(\d{2})", completed)
    if found is None:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    return year if month >= APRIL else year - 1


# A partner owned by the mother ("her partner", "mum's partner") is the man in the household.
PARTNERS = frozenset({"partner", "partners"})
PARTNER_OWNERS = frozenset({"her", "mum", "mums", "mother", "mothers", "mummy"})
# ... and a partner doing what a person does ("partner has a history of DV", "partner is on methadone"), unless whose
# partner says otherwise ("his partner", "our partner agency").
PERSON_VERBS = frozenset(
    "has had is was uses used drinks drank takes took never never doesnt didnt wont who hits hit shouts smokes"
    " works lives stays visits refuses refused".split()
)
NOT_HOUSEHOLD = frozenset({"his", "our", "my", "agency", "key", "statutory", "strategic", "safeguarding"})
UNKNOWN_FULLY = "unknown word, weighed fully"
# Words in quotes: 'mum to engage', "at work" (an apostrophe inside a word is no quote).
_QUOTED = re.compile(r"(?<!\w)['\"‘“]([^'\"’”]+?)['\"’”](?!\w)")


def quoted_words(sentence: str) -> set[str]:
    """The words a sentence has only inside quotes."""
    inside = {word for found in _QUOTED.finditer(sentence) for word in words(found.group(1))}
    if not inside:
        return inside
    return inside - set(words(_QUOTED.sub(" ", sentence)))


# Asking what a term stands for: "what does SMART stand for", "what's CIN short for", "the acronym DSL", "what does
# disguised compliance mean".
DEFINITION_PHRASES = frozenset({("stand", "for"), ("stands", "for"), ("short", "for"), ("stood", "for")})
DEFINITION_WORDS = frozenset({"acronym", "acronyms", "abbreviation", "abbreviations", "definition", "define"})
MAX_DEFINED_WORDS = 4
DEFINITION_FILLER = frozenset({"mean", "means", "meaning", "actually", "exactly", "again"})


def defined_term(typed: list[str]) -> str | None:
    """The term a question asks the meaning of, as typed (None when it asks something else)."""
    asks = has_phrase(typed, DEFINITION_PHRASES) or not DEFINITION_WORDS.isdisjoint(typed)
    if not asks and not (typed[:2] == ["what", "does"] and typed[-1:] in (["mean"], ["means"])):
        return None
    cues = {word for phrase in DEFINITION_PHRASES for word in phrase} | DEFINITION_WORDS | DEFINITION_FILLER
    # "what does SMART stand for in CP plans": the term is what stands for something; the words after say where.
    stands = next(
        (index for index in range(len(typed) - 1) if tuple(typed[index : index + 2]) in DEFINITION_PHRASES), None
    )
    before = [word for word in typed[:stands] if word not in STOPWORDS and word not in cues] if stands else []
    term = before or [word for word in typed if word not in STOPWORDS and word not in cues]
    return " ".join(term) if 0 < len(term) <= MAX_DEFINED_WORDS else None


# Everyday idioms whose words would otherwise name a concept ("time" is delay): they are read as stopwords.
IDIOM = Concept(labels=["idiom"])  # marks an idiom while the question is being split into units
IDIOMS = frozenset(
    {
        ("all", "the", "time"),
        ("every", "time"),
        ("each", "time"),
        ("any", "time"),
        ("at", "the", "time"),
        ("at", "a", "time"),
        ("this", "time"),
        ("last", "time"),
        ("next", "time"),
        ("first", "time"),
        # Everyday senses of words the thesaurus reads as a concept ("of course" is no training course, "in charge
        # of" no criminal charge, "keep track" no tracking of plans, "heard of / from" no child's voice).
        ("of", "course"),
        ("in", "charge"),
        ("in", "charge", "of"),
        ("keep", "track"),
        ("keeping", "track"),
        ("kept", "track"),
        ("keeps", "track"),
        ("heard", "of"),
        ("heard", "from"),
        ("heard", "back"),
        ("heard", "anything"),
        ("heard", "nothing"),
        ("heard", "a", "thing"),
        ("blind", "drunk"),
        ("contact", "with"),
        # ... "at the last minute" is no meeting's minutes.
        ("last", "minute"),
        ("a", "minute"),
        ("this", "minute"),
        # ... and the courtesy of asking ("quick question" is no delay).
        ("quick", "question"),
        ("quick", "one"),
        ("quick", "query"),
        ("quick", "q"),
    }
)


def asks_how_good(unit: Unit, typed: list[str]) -> bool:
    """A quality word asked about ("how good", "any good", "how well", "how effective"), not a topic."""
    if unit.concept is not None or len(unit.positions) != 1 or unit.words[0] not in QUALITY_WORDS:
        return False
    position = unit.positions[0]
    return position > 0 and typed[position - 1] in ("how", "any")


def stems_of(words_: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(stem(word) for word in words_)


# The signpost phrases those readings stand for, as `signpost_spans` looks them up (stemmed once).
OTHER_YEAR = stems_of(OTHER_YEAR_WORDS)
OTHER_AREA = stems_of(OTHER_AREA_WORDS)
READINGS = {reading: stems_of(reading) for reading in (OTHER_YEAR_WORDS, OTHER_PERIOD_WORDS)}


# After two numbers, these say they are ages or durations ("16-17 year olds"), not a reporting year ("16-17").
AGE_UNITS = frozenset("year years yr yrs yo month months weeks week days olds old".split())


def short_period(typed: list[str], index: int) -> str | None:
    """The start year in four digits when two-digit numbers name a reporting year ("the 16-17 audits", "16/17"),
    the second one more than the first and no age or duration after them ("16-17 year olds"); else None."""
    word = typed[index]
    if len(word) != 2 or not word.isdigit() or index + 1 >= len(typed):
        return None
    following = typed[index + 1]
    if following != f"{(int(word) + 1) % 100:02d}" or (typed[index + 2 : index + 3] and typed[index + 2] in AGE_UNITS):
        return None
    return f"20{word}"


def period_end(start: str, following: str) -> str | None:
    """The end year, in four digits, when a year and the number typed after it name a period ("2017-18",
    "2017/2018": a reporting year), else None."""
    if not following.isdigit() or len(following) not in (2, 4):
        return None
    end = int(start) + 1
    return str(end) if following in (str(end), f"{end % 100:02d}") else None


# Longest word read as a typo of an everyday word rather than as an abbreviation of a vocabulary word.
MAX_SHORT_TYPO = 5
SHORT_TYPO_ZIPF = 5.5
# Shortest word read as an "-ing" word without its "g" ("goin", not "in" or "kin").
MIN_DROPPED_G = 4
# A non-word this long or longer may be read as the common English word (Zipf at least this) it misspells.
MIN_ENGLISH_TYPO = 4
COMMON_ENGLISH_ZIPF = 3.5
MAX_ENGLISH_TYPO_LENGTH_CHANGE = 2
ENGLISH_TYPO_CHOICES = 8
ENGLISH_TYPO_RATIO = 80
MAX_SHORT_ENGLISH_TYPO = 6
# A word at least this common in English is one word, not vocabulary words run together ("password" is no "pass
# word", "feedback" no "feed back"); rarer compounds still split ("caseload", "childcare").
SPLIT_MAX_ZIPF = 3.0
DROPPED_G_ZIPF = 2.5


@dataclass
class Unit:
    """One meaningful piece of a question: a concept phrase or a single word."""

    typed: tuple[str, ...]
    words: tuple[str, ...]
    stems: tuple[str, ...]
    weight: float = 0.0
    commonness: float = 0.0
    offtopic: bool = False
    signpost: str | None = None
    corrected: bool = False
    # A concept specific enough to answer on: not found in a large share of the passages, nor one everyday word.
    specific: bool = False
    concept: Concept | None = None
    # Where the unit's words are in the question (word positions).
    positions: tuple[int, ...] = ()
    # The audit a title word of the unit names ("families" in "the families audit"): the unit is that audit's name,
    # which every passage of that audit matches and no other passage does.
    titles: set[str] = field(default_factory=set)
    # In a sentence telling the case, not in what is asked.
    told: bool = False
    # In the scene of a case: its sentences before the point (see `Analyser.weigh_background`).
    scene: bool = False
    # What the analysis did to this unit and why, for `ask --explain` ("texting form 'u'", "sounds like ...").
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Query:
    """A question after analysis."""

    question: str
    units: list[Unit]
    corrections: dict[str, str]
    notice: str | None = None
    wants_kind: str | None = None
    # The question asks for the kind it wants by name ("what were the early years recommendations", "the findings").
    names_kind: bool = False
    names_audit: bool = False
    # Asks how many cases were looked at ("how many CSE cases were audited"): the audited cases are counted, so a
    # concept naming an audit's topic names that audit.
    counts_audited: bool = False
    # The fallback signposts (procedures, forms, practical details) the question's words named beside a topic
    # signpost, giving way to it ("where do I refer cousins for genetic counselling"): it asks how, not what.
    practical: set[str] = field(default_factory=set)
    # Asks only how many cases a named audit looked at or when it was done: the report's summary table answers
    # it (`KnowledgeBase.ask` gives the audits' details), no passage does.
    asks_details: bool = False
    truncated: bool = False
    # Kinds of personal detail left out of the search ("date of birth", "postcode").
    ignored: list[str] = field(default_factory=list)
    # Every signpost the question names is in the case it tells, while what it asks names a learning topic ("...
    # after an overdose; the hospital didn't know she's looked after: a known problem?"): the signpost is shown
    # beside the answer, not instead of it.
    signposts_told: bool = False
    # What the question asks beyond its topic: "fact" (a number), "purpose" (why an audit was done) or "agency"
    # (what is asked of a named agency).
    intent: str | None = None
    # A question asking what a term stands for or means ("what does SMART stand for"): the term as typed.
    defines: str | None = None
    # Asks how many of something there are ("how many looked after children are there"), not about the audits.
    counts: bool = False
    # Set by the search: it asks how many, and no passage on its topic holds that number ("how many CSE referrals
    # went to MASE"): a fact signpost (where local figures are) answers instead.
    uncounted: bool = False
    # Asks how an audit was done ("how was the CSE audit run"): its context passage on the audit itself answers.
    method: bool = False
    # An agency question asking outright what is asked or expected of it ("what's expected of health visitors"):
    # a finding that names the agency is no answer to it.
    asks_of_agency: bool = False
    # Audits named by a word of their title before "audit" ("the families audit", "the disability audit").
    titled_audits: set[str] = field(default_factory=set)

    @property
    def named_agencies(self) -> set[str]:
        """Agencies the question names as such (not those a topic merely involves)."""
        return {
            agency
            for unit in self.units
            if unit.concept and names_agency(unit.concept)
            for agency in unit.concept.agencies
        }

    @property
    def signposts(self) -> list[str]:
        """Out-of-scope safeguarding topics the question names, in question order."""
        return list(dict.fromkeys(unit.signpost for unit in self.units if unit.signpost))

    @property
    def themes(self) -> set[str]:
        return {theme for unit in self.units if unit.concept for theme in unit.concept.themes}

    @property
    def agencies(self) -> set[str]:
        return {agency for unit in self.units if unit.concept for agency in unit.concept.agencies}

    @property
    def audits(self) -> set[str]:
        return {audit for unit in self.units if unit.concept for audit in unit.concept.audits} | self.titled_audits


def name_like(text: str, zipf: dict[str, float] | None = None) -> set[str]:
    """Capitalised words that do not start a sentence: in a question these are usually names. With `zipf`, also
    capitalised words that start one but are not English words at all ("Jayden, ...")."""
    names = {match.group(1).lower() for match in _CAPITALISED.finditer(text.strip())}
    if zipf is not None:
        names |= {word for match in _ANY_CAPITALISED.finditer(text) if (word := match.group(1).lower()) not in zipf}
    return names


def filler_discount(zipf: float, tuning: Tuning = TUNING) -> float:
    """1.0 for a rare or unlisted word, falling to `filler_weight` for the most everyday words."""
    if zipf <= tuning.distinctive_zipf:
        return 1.0
    if zipf >= tuning.filler_zipf:
        return tuning.filler_weight
    share = (zipf - tuning.distinctive_zipf) / (tuning.filler_zipf - tuning.distinctive_zipf)
    return 1.0 - share * (1.0 - tuning.filler_weight)


COUNT_PHRASES = frozenset({("how", "many"), ("number", "of")})
SHARE_PHRASES = frozenset({("many", "of")})
# How far before "audit" a title word names it: within this many words, one of the last `TITLE_WORDS` content
# words ("the families with multiple problems audit", not "health agencies report in the audits").
TITLE_REACH = 5
TITLE_WORDS = 2
# ... and just before "cases", after "the" ("the disability cases", "the CSE cases").
CASES_TITLE_REACH = 2
# A sentence of at most this many words after an asking sentence labels its topic ("... anyone? private fostering").
TOPIC_LABEL_WORDS = 3
# A long question's last "but" turns from the background to the point.
CONTRAST_WORDS = frozenset({"but", "however", "although", "though", "yet"})
CONTRAST_MIN_WORDS = 12
# "isn't crawling yet", "not seen him yet": "yet" within this many words after a negation is the adverb ("so
# far"), not the contrast ("yet she never came").
NEGATIONS = frozenset(
    "not no never nobody none isnt arent wasnt werent hasnt havent hadnt doesnt dont didnt cant couldnt wont".split()
)
YET_REACH = 3
CONTRAST_SHARE = 0.7
SCENE_SHARE = 0.75
CAST_SHARE = 0.5
BACKGROUND_NOTE = "background: before the question's 'but'"
SCENE_SIGNPOST_NOTE = "background: the scene of a case whose point is a learning topic"
BACKGROUNDS = frozenset({BACKGROUND_NOTE, SCENE_SIGNPOST_NOTE})
QUESTION_WORDS = frozenset({"which", "who", "what", "where", "when", "how", "why"})
DID_REACH = 4


def wanted_kind(typed: list[str], openers: set[str] | None = None) -> str | None:
    """The kind of passage a question's words ask for: recommendations ("should", "what do I do"), findings
    ("found", "did ...?") or any."""
    present = set(typed)
    cues = present & RECOMMENDATION_CUES
    if cues and cues <= RECOMMENDATION_NOUNS and present & FINDING_VERBS:
        cues = set()  # "plans with vague actions - what did the audits find?"
    asked_of = has_phrase(typed, AGENCY_PHRASES)  # "what's asked of agencies working with under 5s"
    if cues or asked_of or has_phrase(typed, RECOMMENDATION_PHRASES) or asks_directive(typed):
        return "recommendation"
    # "working" asks how well something worked ("what's working"), not as the agencies or people working with or in
    # something ("agencies working with under 5s", "the audit working group").
    finding_cues = {
        word
        for index, word in enumerate(typed)
        if word in FINDING_CUES
        and not (word == "working" and typed[index + 1 : index + 2] in (["with"], ["in"], ["group"]))
    }
    if finding_cues or (openers and openers & FINDING_OPENERS) or has_phrase(typed, FINDING_PHRASES):
        return "finding"
    if "did" in present and present & REPORTING_VERBS and not present & REPORTERS:
        # "what did school DSLs say about ...": what those audited told the audit is a finding.
        return "finding"
    if any(
        word == "did" and not QUESTION_WORDS.isdisjoint(typed[max(0, index - DID_REACH) : index])
        for index, word in enumerate(typed)
    ):
        # "which organisations did teenagers open up to": asked in the past, it asks what happened.
        return "finding"
    return None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# Abbreviations ending in a full stop that ends no sentence ("the LADO no. for ...", "e.g. core groups").
_ABBREVIATED = re.compile(r"(?:^|\s)(?:no|nos|tel|ref|approx|eg|e\.g|ie|i\.e|dr|mr|mrs|ms|st|vs|etc)\.$", re.IGNORECASE)
# A sentence that starts with one of these, or ends with "?", states what the asker needs.
NEED_STARTS = frozenset(
    "what how why is are any anything does do should can could where which who when was were did has have tips"
    " advice guidance help".split()
)


def sentences(text: str) -> list[str]:
    """The sentences of a question (split after . ! ? and at line breaks, not after an abbreviation: "LADO no.
    for ...", "e.g."), non-empty."""
    parts: list[str] = []
    for part in _SENTENCE_END.split(text):
        if not part.strip():
            continue
        # ... an abbreviation followed by a word not capitalised ("He said no. What now?" is two sentences).
        if parts and _ABBREVIATED.search(parts[-1]) and not part.lstrip()[:1].isupper():
            parts[-1] = f"{parts[-1]} {part}"
        else:
            parts.append(part)
    return parts


# Where a sentence breaks into clauses: a spaced dash, a semicolon or a colon ("... turning up - was that raised?").
_CLAUSE_BREAK = re.compile(r"\s[-\u2013\u2014]+\s|\u2014|[;:]\s")


def clauses(sentence: str) -> list[str]:
    """The clauses of a sentence, split at a spaced dash, a semicolon or a colon, non-empty."""
    return [part for part in _CLAUSE_BREAK.split(sentence) if part.strip()]


# A short clause after the topic that asks whether the audits cover it, pointing back at it ("was that raised
# anywhere?", "did the audits pick that up?", "does the audit say anything useful about this?"): its words say what
# is asked, not what about. It opens with an asking word and holds a word pointing back.
FRAME_OPENERS = frozenset(
    "was were did does do is are has have had any anything could can would will what whats".split()
)
POINTING_BACK = frozenset({"that", "this", "it", "these", "those"})
MAX_FRAME_WORDS = 10
# After the word pointing back, a frame says little more ("... pick that up", "was that flagged in the audit") and
# names no topic of its own ("did it say anything about dads", "was that part of the board's plans").
MAX_AFTER_POINTER = 4
TOPIC_PREPOSITIONS = frozenset({"about", "on", "re", "regarding", "around", "for", "of", "with"})


def refers_back(clause: list[str]) -> bool:
    """Whether a clause asks about what was said before it, pointing back at it (see `FRAME_OPENERS`)."""
    if not 0 < len(clause) <= MAX_FRAME_WORDS or clause[0] not in FRAME_OPENERS:
        return False
    pointers = [index for index, word in enumerate(clause) if index and word in POINTING_BACK]
    if not pointers:
        return False
    after = clause[pointers[-1] + 1 :]
    return len(after) <= MAX_AFTER_POINTER and TOPIC_PREPOSITIONS.isdisjoint(after)


# Words and phrases that ask indirectly, anywhere in a sentence ("I'd like to know what ...", "she asked me whether
# ...", "just wondering if ...").
INDIRECT_ASKS = frozenset({"wondering", "wondered"})
INDIRECT_PHRASES = frozenset(
    {
        *(("like", "to", "know"), ("want", "to", "know"), ("wanted", "to", "know"), ("keen", "to", "know")),
        *(("asked", "me", "whether"), ("asked", "me", "if"), ("asking", "me", "whether"), ("asking", "me", "if")),
        *(("i", "need", "the"), ("i", "need", "a"), ("need", "to", "know"), ("need", "to", "find", "out")),
        *(("im", "looking", "for"), ("i", "am", "looking", "for")),
    }
)


def is_need(sentence: str) -> bool:
    """Whether a sentence asks for something (rather than telling the case)."""
    found = words(sentence)
    return (
        sentence.rstrip().endswith("?")
        or bool(found and found[0] in NEED_STARTS)
        or not INDIRECT_ASKS.isdisjoint(found)
        or has_phrase(found, INDIRECT_PHRASES)
    )


# "kids are 6 weeks and 18 months", "a Year 8 girl", "for 3 days": a number beside a unit of time, or a school
# year, tells the case (an age, a duration), not a count of the audited cases ("4 out of 6").
TIME_UNITS = frozenset({"day", "days", "week", "weeks", "wk", "wks", "month", "months", "mth", "mths", "hours"})
TIME_UNITS |= {"year", "years", "yr", "yrs", "weekly", "monthly"}
AGE_BEFORE = frozenset({"year", "yr", "aged", "age", "ages"})


# "in 4 out of 6", "2 of the cases", "priority 2.5": a number the report's own counts or names could hold.
COUNTED_AFTER = frozenset({"of", "out", "percent", "cases", "case"})
COUNTED_BEFORE = frozenset({"in", "priority", "of"})


# "riskier", "riskiest", "safer", "bigger": read as the adjective (see `Analyser.comparative`).
COMPARATIVE_ENDINGS = (("iest", "y"), ("ier", "y"), ("est", ""), ("er", ""), ("est", "e"), ("er", "e"))
MIN_COMPARATIVE = 5
COMPARATIVE_MAX_ZIPF = 4.0
TIMES_WORDS = frozenset({"time", "times"})
COUNTING_WORDS = frozenset(
    "two three four five six seven eight nine ten twice several many few multiple numerous countless loads lots"
    " hundred dozen couple".split()
)


TRAINEE_WORDS = frozenset({"student", "trainee"})


def trainee_of(units: list[Unit], unit: Unit) -> bool:
    """Whether a unit is "student" or "trainee" said just before an agency or profession ("student health
    visitor")."""
    if len(unit.typed) != 1 or unit.typed[0] not in TRAINEE_WORDS or not unit.positions:
        return False
    after = unit.positions[0] + 1
    return any(other.positions and other.positions[0] == after and names_agency(other.concept) for other in units)


# "did the audit pick up problems with ...", "did the audits spot this": the audits as the subject of a verb of
# noticing ask what they found, not about noticing (identification) as a topic.
NOTICING = frozenset(
    {("pick", "up"), ("picked", "up"), ("pick",), ("spot",), ("spotted",), ("notice",), ("noticed",), ("flag",)}
    | {("flagged",), ("identify",), ("identified",), ("highlight",), ("highlighted",), ("see",), ("saw",)}
)
AUDIT_SUBJECT_FILLERS = frozenset({"ever", "also", "actually", "really", "at", "all", "itself", "themselves"})


def audits_noticing(typed: list[str], unit: Unit) -> bool:
    """Whether a unit is a verb of noticing whose subject is the audits ("did the audit pick up ...", or in the
    passive: "was this picked up in the audit", "was it flagged by the audits")."""
    if not unit.positions or tuple(unit.typed) not in NOTICING:
        return False
    before = typed[: unit.positions[0]]
    while before and before[-1] in AUDIT_SUBJECT_FILLERS:
        before = before[:-1]
    if before and before[-1] in AUDIT_WORDS:
        return True
    after = typed[max(unit.positions) + 1 : max(unit.positions) + 4]
    return bool(after) and after[0] in ("in", "by") and not AUDIT_WORDS.isdisjoint(after[1:])


# "missing" is a child going missing ("started going missing", "missing episodes") only beside these words;
# otherwise it says something is absent ("the child's voice was missing", "which agencies were missing").
MISSING_WORD = "missing"
GOING_MISSING_BEFORE = frozenset(
    {"go", "goes", "going", "gone", "went", "reported", "report", "run", "runs", "ran", "running", "been", "keeps"}
)
GOING_MISSING_AFTER = frozenset(
    {"episode", "episodes", "person", "persons", "children", "child", "kids", "young", "girls", "boys", "teenagers"}
)


def absent_not_missing(typed: list[str], unit: Unit) -> bool:
    """Whether a unit is "missing" said of something absent, not of a child going missing."""
    if tuple(unit.typed) != (MISSING_WORD,) or not unit.positions:
        return False
    position = unit.positions[0]
    before = typed[position - 1] if position else ""
    after = typed[position + 1] if position + 1 < len(typed) else ""
    return before not in GOING_MISSING_BEFORE and after not in GOING_MISSING_AFTER


# "a charity worker", "nursery staff": the worker or staff of the agency named before them, which says which.
ROLE_HEADS = frozenset(
    "worker workers staff practitioner practitioners professional professionals officer officers colleague"
    " colleagues".split()
)


def role_head(units: list[Unit], unit: Unit) -> bool:
    """Whether a unit naming nothing is a worker or staff word just after a unit naming an agency."""
    if unit.concept is not None or len(unit.typed) != 1 or unit.typed[0] not in ROLE_HEADS or not unit.positions:
        return False
    before = unit.positions[0] - 1
    return any(other.positions and max(other.positions) == before and names_agency(other.concept) for other in units)


def counted_times(typed: list[str], unit: Unit) -> bool:
    """Whether a unit is "times" said after a number or a count ("three times", "several times", "10 times")."""
    if len(unit.typed) != 1 or unit.typed[0] not in TIMES_WORDS or not unit.positions:
        return False
    position = unit.positions[0]
    before = typed[position - 1] if position else ""
    return before.isdigit() or before in COUNTING_WORDS


LIST_JOINERS = frozenset({"and", "or", "&"})
REPEAT_SHARE = 0.5
REPEAT_REACH = 2
PERIOD_REACH = 3
# How many words after a workplace word its "for" may come ("parking at the civic centre for ...").
SERVED_REACH = 5


def case_number(typed: list[str], position: int, *, asks_number: bool = True) -> bool:
    """Whether the number at `position` is an age, a school year or a time (see `TIME_UNITS`), or, in a question
    not asking for a number, any number not said as one of the report's counts ("she's had 4 social workers")."""
    after = typed[position + 1] if position + 1 < len(typed) else ""
    before = typed[position - 1] if position else ""
    if after in TIME_UNITS or before in AGE_BEFORE:
        return True
    # ... or one of a list of them ("aged 4 & 7", "kids of 2, 5 and 9", "4 and 6 year olds").
    first, last = position, position
    while first > 0 and (typed[first - 1].isdigit() or typed[first - 1] in LIST_JOINERS):
        first -= 1
    while last + 1 < len(typed) and (typed[last + 1].isdigit() or typed[last + 1] in LIST_JOINERS):
        last += 1
    if (first < position or last > position) and (
        (first and typed[first - 1] in AGE_BEFORE) or (last + 1 < len(typed) and typed[last + 1] in TIME_UNITS)
    ):
        return True
    # ... nor part of a number typed with a point ("2.5") or a range.
    return (
        not asks_number
        and after not in COUNTED_AFTER
        and before not in COUNTED_BEFORE
        and not before.isdigit()
        and not after.isdigit()
    )


# "I'm a community midwife. ...", "Health visitor here - ...": the asker's own role introduces the case.
INTRODUCTIONS = frozenset(
    {("im", "a"), ("im", "an"), ("i", "am", "a"), ("i", "am", "an"), ("i", "work", "as", "a")}
    | {("im", "the"), ("i", "am", "the")}  # "I'm the police rep on the MASE panel"
)
INTRODUCTION_ENDS = frozenset({"with", "and", "in", "at", "on", "for", "covering", "working", "who", "here"})
ROLE_REACH = 4


def introduction_positions(typed: list[str], sentence_of: list[int]) -> set[int]:
    """The positions of the asker's role where a sentence introduces it ("I'm a community midwife", "I am a SW in
    the CWD team", "midwife here"): up to `ROLE_REACH` words, ending at a word that goes on to the case."""
    found: set[int] = set()
    for index in range(len(typed)):
        if index and sentence_of[index] == sentence_of[index - 1]:
            continue  # only at the start of a sentence
        rest = typed[index : index + ROLE_REACH + 4]
        opening = next((len(phrase) for phrase in INTRODUCTIONS if tuple(rest[: len(phrase)]) == phrase), 0)
        if opening:
            role = rest[opening : opening + ROLE_REACH]
            end = next((i for i, word in enumerate(role) if word in INTRODUCTION_ENDS), len(role))
            found |= {index + opening + i for i in range(end) if sentence_of[index + opening + i] == sentence_of[index]}
        elif "here" in rest[1 : ROLE_REACH + 1]:
            end = rest.index("here")
            found |= {index + i for i in range(end) if sentence_of[index + i] == sentence_of[index]}
    return found


# "my manager asked me if ...", "the practice educator wants to know why ...": who asks is no part of what is asked.
ASK_VERBS = frozenset({"asked", "asking", "asks", "wants", "wanted", "wondering", "wondered", "wonders"})
ASKED_NEXT = frozenset({"me", "us", "whether", "if", "to", "what", "why", "how", "about"})


def asker_positions(typed: list[str], sentence_of: list[int]) -> list[tuple[set[int], int]]:
    """For each indirect ask ("X asked me if", "X wants to know", "X was wondering"), the positions of the words
    before it in its sentence (who asks) and the position of its verb."""
    found: list[tuple[set[int], int]] = []
    start = 0
    for index, word in enumerate(typed):
        if index and sentence_of[index] != sentence_of[index - 1]:
            start = index
        following = typed[index + 1] if index + 1 < len(typed) else None
        if word in ASK_VERBS and following is not None and (word.startswith("wonder") or following in ASKED_NEXT):
            if index > start:
                found.append((set(range(start, index)), index))
            start = index + 1
    return found


# Words of a sentence that tells something (a person or a verb): a sentence without any is a list of topics.
TELLING_WORDS = frozenset(
    "i we you she he they it is was are were has have had be been im ive shes hes theyre my our his her their"
    " does did do says said told".split()
)
# "Thanks in advance!", "Any help appreciated.", "Many thanks, Jo": a sentence of thanks signs the message off.
SIGN_OFF_CORE = frozenset({"thanks", "thank", "thx", "ty", "tia", "appreciated", "appreciate", "cheers", "regards"})
SIGN_OFF_WORDS = SIGN_OFF_CORE | {"advance", "help", "any", "much", "many", "grateful", "kind", "best", "wishes", "x"}


def is_sign_off(sentence: str) -> bool:
    """Whether a sentence only thanks or signs off (it says nothing about what is asked)."""
    found = [word for word in words(sentence) if word not in STOPWORDS or word in SIGN_OFF_CORE]
    return bool(found) and not SIGN_OFF_CORE.isdisjoint(found) and set(found) <= SIGN_OFF_WORDS


def has_phrase(typed: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
    """Whether any of the phrases occurs in the words, consecutively."""
    lengths = {len(phrase) for phrase in phrases}
    return any(tuple(typed[i : i + n]) in phrases for n in lengths for i in range(len(typed) - n + 1))


# "what was the audit meant to show": an audit (or its dive or review) a few words before "meant to" asks its purpose;
# "what am I meant to do" asks what to do.
AUDITED = AUDIT_WORDS | {"dive", "review", "exercise"}
MEANT_REACH = 3
LOOKED_AT = frozenset({("look", "at"), ("looking", "at"), ("looked", "at"), ("look", "into"), ("looking", "into")})


def decides_the_case(typed: list[str], sentence_of: list[int], told: set[int]) -> bool:
    """Whether an asking sentence (one not in `told`) asks about the case itself: what the asker must or should do
    ("should I refer him", "do we have to record a crime", "how do I get him discussed") and names no audit; or,
    audit named or not, about the case itself ("any audit findings on this kind of exploitation?", "what did the
    disabilities audit find on this?")."""
    for sentence in {sentence_of[index] for index in range(len(typed))} - told:
        asked = [word for index, word in enumerate(typed) if sentence_of[index] == sentence]
        if refers_back(asked) or any(
            word in POINTING_BACK and asked[index + 1 : index + 2] and asked[index + 1] in KINDS_OF
            for index, word in enumerate(asked)
        ):
            return True
        # ... to report or pass the case on ("refer", "tell the police", "get him discussed"), not any step of
        # practice ("should I be checking with anyone before I put support in": the audits' recommendations say).
        if not AUDITED.isdisjoint(asked) or DECISION_STEMS.isdisjoint(map(stem, asked)):
            continue
        opening = asked[:DECISION_REACH]
        for index, (word, following) in enumerate(pairwise(opening)):
            # "how do I ...", "should we ...", "do we have to ...", "do I need to ..."
            if (word, following) in TASK_ASKS and asked[index + 2 : index + 3] in (["i"], ["we"]):
                return True
            obliged = opening[index + 2 : index + 4] in (["have", "to"], ["need", "to"])
            if following in DECIDERS and (word in DECISION_MODALS or (word in {"do", "does"} and obliged)):
                return True
    return False


def audit_meant(typed: list[str]) -> bool:
    """Whether "meant to" follows an audit word within `MEANT_REACH` words."""
    return any(
        word == "meant"
        and typed[index + 1 : index + 2] == ["to"]
        and not AUDITED.isdisjoint(typed[max(0, index - MEANT_REACH) : index])
        for index, word in enumerate(typed)
    )


AIM_PHRASES = frozenset(
    {
        *(("trying", "to"), ("try", "to"), ("hoping", "to"), ("hoped", "to"), ("aiming", "to"), ("aimed", "to")),
        *(("intended", "to"), ("meant", "to", "achieve"), ("meant", "to", "improve"), ("want", "to", "achieve")),
    }
)


def aim_positions(typed: list[str]) -> set[int]:
    """The positions of the words saying what an audit set out to do ("trying to achieve"): the aim phrase and the
    verb after it."""
    found: set[int] = set()
    for length in {len(phrase) for phrase in AIM_PHRASES}:
        for index in range(len(typed) - length + 1):
            if tuple(typed[index : index + length]) in AIM_PHRASES:
                found.update(range(index, min(len(typed), index + length + 1)))
    return found


def by_sentence(typed: list[str], sentence_of: list[int] | None) -> list[list[str]]:
    """The words of each sentence (all in one when the sentences are not known)."""
    if sentence_of is None or len(sentence_of) != len(typed):
        return [typed]
    sentences_: dict[int, list[str]] = defaultdict(list)
    for word, number in zip(typed, sentence_of, strict=True):
        sentences_[number].append(word)
    return list(sentences_.values())


# "no matter how many times they're asked", "regardless of how often": how many is said, not asked.
CONCESSIVE = frozenset({("no", "matter"), ("regardless", "of")})


def asked(typed: list[str]) -> list[str]:
    """The words with each concessive "how" ("no matter how many times") blanked: it asks nothing."""
    return [
        "" if word == "how" and tuple(typed[max(0, index - 2) : index]) in CONCESSIVE else word
        for index, word in enumerate(typed)
    ]


def intent_of(typed: list[str], text: str, *, names_audit: bool, sentence_of: list[int] | None = None) -> str | None:
    """The question's intent from its cue words: "fact", "purpose" or None (agency intent needs the units).
    `sentence_of` (each word's sentence) keeps a cue about an aim to the sentence naming the audit."""
    present = set(typed)
    if "%" in text or present & FACT_WORDS or has_phrase(typed, FACT_PHRASES):
        return "fact"
    # "why did the board look at disabled children's cases": looking at cases is auditing them.
    # "why is the board bothered about ...": the board's reasons are its priorities.
    why_audit = "why" in present and (
        names_audit or bool(present & LOOKING and present & CASES) or bool(present & BOARD_WORDS)
    )
    # "how was the CSE audit done": how an audit was carried out is told with why, in its context.
    how_audit = names_audit and "how" in present and bool(present & METHOD_WORDS)
    # "what was the early years audit for": what an audit is for is its purpose.
    what_for = names_audit and bool(present & {"what", "whats"}) and typed[-1:] == ["for"]
    # "what was the families audit looking at": what an audit looked at is its topic, told in its context.
    looked_at = names_audit and bool(present & {"what", "whats"}) and tuple(typed[-2:]) in LOOKED_AT
    # "what was the multiple needs audit trying to improve": what an audit set out to do is its purpose.
    # ... in the sentence naming it: "I can't tell what we're trying to achieve. Did the disability audit come
    # across this?" asks about a plan's aim, not the audit's.
    # ... or the board's ("what was the board trying to improve": its priorities).
    aimed = any(
        (AUDIT_WORDS | BOARD_WORDS) & set(sentence) and has_phrase(sentence, AIM_PHRASES)
        for sentence in by_sentence(typed, sentence_of)
    )
    # "on purpose" says deliberately ("making her child ill on purpose"): no question about why an audit was done.
    cued = any(word in PURPOSE_WORDS and typed[index - 1 : index] != ["on"] for index, word in enumerate(typed))
    if (
        cued
        or present & PRIORITY_WORDS
        or why_audit
        or how_audit
        or what_for
        or looked_at
        or aimed
        or audit_meant(typed)
    ):
        return "purpose"
    if has_phrase(typed, PURPOSE_PHRASES):
        return "purpose"
    return None


# "when was the CWD audit completed", "when did the early years audit take place": when an audit was done.
AUDIT_DONE_WORDS = frozenset(
    "completed complete done finished carried conducted undertaken happen happened held took take run ran".split()
)
WHEN_PHRASES = frozenset({("when",), ("what", "date"), ("what", "month"), ("what", "year"), ("which", "month")})


def asks_details(query: Query, typed: list[str], filler_zipf: float, fallbacks: frozenset[str]) -> bool:
    """Whether the question asks only how many cases the audits it names looked at, or when they were done: every
    unit is an audit's name, filler, or a word saying when it was done (a fallback signpost such as "what date"
    aside; a topic signpost is another question)."""
    when = has_phrase(typed, WHEN_PHRASES) and not AUDIT_DONE_WORDS.isdisjoint(typed)
    if not (query.counts_audited or (when and (query.titled_audits or not AUDIT_WORDS.isdisjoint(typed)))):
        return False
    for unit in query.units:
        if unit.signpost is not None:
            if unit.signpost not in fallbacks:
                return False
        elif not (
            unit.titles
            # "how many CSE cases were looked at": counting the audited cases, a topic naming an audit names it.
            or (query.counts_audited and unit.concept is not None and unit.concept.audits)
            or (unit.concept is None and unit.commonness >= filler_zipf)
            or any(note.endswith("weighed as filler") for note in unit.notes)
            or set(unit.words) <= AUDIT_DONE_WORDS
        ):
            return False
    return True


# Words that say what is asked, not what about: weighed as filler (the intent or wanted kind carries them).
INTENT_WORDS = (
    FACT_WORDS
    | PURPOSE_WORDS
    | {"many", "much", "often", "meant", "reason", "reasons"}
    | {"action", "actions", "todo", "differently", "supposed", "expected", "acceptable", "advice", "tips", "guide"}
)

KIND_NAMES = {
    "recommendation": frozenset({"recommendation", "recommendations", "recommend", "recommends", "recommended"}),
    "finding": frozenset({"finding", "findings"}),
}

# ... and, together, words that ask what should change ("what do police need to change" is no plan's "what needs
# to change").
ASKING_WORDS = frozenset({"need", "needs", "change", "changes"})

# The people a case is about, one person each ("families", "parents" are as often the asker's workplace's
# visitors). A workplace word beside one of them describes that family's life ("dad works
# overtime, never seen"), not the asker's workplace, unless the asker owns them ("my dad", "our baby": a leave or
# pay question) -- see `Analyser.weigh`.
FAMILY_MEMBERS = frozenset(
    {
        *("mum", "mother", "dad", "father", "stepdad", "stepmum", "stepfather", "stepmother", "partner", "boyfriend"),
        *("girlfriend", "nan", "nanny", "grandma", "grandmother", "grandad", "grandfather", "uncle", "aunt"),
        *("baby", "toddler", "son", "daughter", "teenager", "brother", "sister", "sibling"),
    }
)
FIRST_PERSON_OWNERS = frozenset({"my", "our", "mine", "ours"})
# The asker's own workplace, said as "our department", "my team".
WORKPLACE_NOUNS = frozenset(
    "department dept team service services unit ward practice agency organisation organization trust surgery".split()
)
# ... and the family as a whole, or more of them: what a case's family says or does is no point on practice.
FAMILY_WORDS = FAMILY_MEMBERS | {
    *("parent", "parents", "mums", "dads", "family", "families", "relative", "relatives", "cousin", "cousins"),
    *("grandparent", "grandparents", "siblings", "brothers", "sisters", "aunts", "uncles", "partners"),
}


def says_nothing(unit: Unit, names: set[str]) -> bool:
    """Most likely a person's name ("what about Jayden's voice?"), a stray letter or two ("q", "vs"), a number, or
    a code of letters and digits the knowledge base does not know (a postcode district "RM8", a time "2pm", a room
    "G14")."""
    return set(unit.typed) <= names or all(
        len(word) <= 2 or word.isdigit() or (not word.isalpha() and any(char.isdigit() for char in word))
        for word in unit.typed
    )


def typed_commonness(unit: Unit, zipf: dict[str, float]) -> float:
    """How common the unit's words are in English; a corrected typo is as common as the word it was corrected to."""
    return max((zipf.get(word, 0.0) for word in (*unit.typed, *unit.words)), default=0.0)


def names_a_family_member(typed: list[str]) -> bool:
    """Whether the question names someone a case is about, not the asker's own ("dad works ..." not "my dad")."""
    return any(
        word in FAMILY_MEMBERS and (index == 0 or typed[index - 1] not in FIRST_PERSON_OWNERS)
        for index, word in enumerate(typed)
    )


def longest_matches(
    tokens: list[str],
    taken: list[bool],
    *,
    longest: int,
    shortest: int,
    find: Callable[[tuple[str, ...]], Concept | None],
) -> list[Span]:
    """Scan left to right for the longest untaken runs of `tokens` that `find` recognises; mark them taken."""
    found: list[Span] = []
    position = 0
    while position < len(tokens):
        for length in range(min(longest, len(tokens) - position), shortest - 1, -1):
            if any(taken[position : position + length]):
                continue
            value = find(tuple(tokens[position : position + length]))
            if value is not None:
                found.append((list(range(position, position + length)), value))
                taken[position : position + length] = [True] * length
                position += length
                break
        else:
            position += 1
    return found


def concept_topic(concept: Concept) -> str:
    """The signpost a signposted concept stands for."""
    return concept.labels[0].removeprefix(SIGNPOSTED)


def signposted(concept: Concept | None) -> bool:
    """Whether a span's concept marks an out-of-scope safeguarding topic."""
    return concept is not None and bool(concept.labels) and concept.labels[0].startswith(SIGNPOSTED)


# Stopwords a phrase is never read across: an auxiliary or modal verb starting a question's clause ("in how many
# cases did workers ...", "which cases should workers ...") ends the words before it. ("how good were the
# assessments" is still "good assessments": a form of "be" links the two.)
# (Not their negations: "worries don't get passed on" stands between a subject and its verb, as a phrase says
# them: "worries get passed on".)
RUN_BREAKS = frozenset(
    {"did", "do", "does", "will", "would", "should", "could", "can", "may", "might", "must", "shall"}
)


def content_runs(content: list[bool], taken: list[bool]) -> list[list[int]]:
    """Positions of the untaken content words, in runs broken wherever a phrase was already taken."""
    runs: list[list[int]] = [[]]
    for index, is_content in enumerate(content):
        if taken[index]:
            runs.append([])
        elif is_content:
            runs[-1].append(index)
    return runs


class Analyser:
    """Turns questions into `Query` objects, using the vocabulary and the English word frequencies."""

    def __init__(self, conn: sqlite3.Connection, vocabulary: Vocabulary, *, tuning: Tuning = TUNING) -> None:
        self.conn = conn
        self.vocab = vocabulary
        self.tuning = tuning
        self._common_english: dict[str, list[str]] | None = None  # for `english_typo`, read on first use
        self._common_set: set[str] | None = None  # for `english_swap`, read on first use
        # The reporting years (April to March, by their first year) in which the audits were completed.
        self.own_years = {
            reporting_year(completed) for (completed,) in conn.execute("SELECT completed FROM audits") if completed
        }

    def analyse(self, question: str) -> Query:
        """The question's units, weighed, with its typo corrections and what kind of passage it asks for."""
        text = strip_slack_markup(question or "")
        truncated = len(text) > MAX_QUESTION_CHARS
        text = text[:MAX_QUESTION_CHARS]
        query = Query(question=question, units=[], corrections={}, truncated=truncated)
        if not normalise(text).strip():
            query.notice = "empty"
            return query
        text, query.ignored = without_personal_details(text)
        notes: dict[int, str] = {}
        typed: list[str] = []
        sentence_of: list[int] = []
        parts = sentences(text)
        quoted: set[int] = set()  # positions of words only inside quotes ("the plan says 'mum to engage'")
        # Positions of a clause asking whether the audits cover what was said before it, in its sentence (`framed`)
        # or as a sentence of its own (`framed_alone`).
        framed: set[int] = set()
        framed_alone: set[int] = set()
        lead: list[int] = []  # positions of the question's first clause, when a dash or colon ends it
        household = False  # whether a clause read so far named the man in the household ("mum's partner")
        for number, sentence in enumerate(parts):
            inside = quoted_words(sentence)
            for clause_number, clause in enumerate(clauses(sentence)):
                if number == 0 and clause_number == 1:
                    lead = list(range(len(typed)))
                read = self.forms(words(clause), query.corrections, notes, start=len(typed), household=household)
                # (once, per clause read: the man in the household named so far)
                household = household or any(pair == ("male", "partner") for pair in pairwise(read))
                if typed and refers_back(read):
                    alone = not sentence_of or sentence_of[-1] != number
                    (framed_alone if alone else framed).update(range(len(typed), len(typed) + len(read)))
                quoted.update(len(typed) + index for index, word in enumerate(read) if word in inside)
                typed += read
                sentence_of += [number] * len(read)
        present = set(typed)
        query.defines = defined_term(typed)
        said = social(typed) or ("task" if asks_a_task(typed) else None)
        if said is not None:
            query.notice = said
            return query
        query.names_audit = bool(present & AUDIT_WORDS)
        titles = self.titled_audits(typed, sentence_of)
        query.titled_audits = set(titles.values())
        asked_words = asked(typed)
        # ... not of the audited cases ("how many of the families", "in how many cases", "the CSE audit").
        query.counts = (
            has_phrase(asked_words, COUNT_PHRASES)
            and not has_phrase(typed, SHARE_PHRASES)
            and not query.names_audit
            and not present & CASES
            and not any(
                word.isdigit() and not _YEAR.fullmatch(word) and not (index and _YEAR.fullmatch(typed[index - 1]))
                for index, word in enumerate(typed)
            )
        )
        # The first word of each sentence ("Did ...?", "Were ...?").
        openers = {word for index, word in enumerate(typed) if not index or sentence_of[index - 1] < sentence_of[index]}
        query.wants_kind = wanted_kind(typed, openers)
        taken = [False] * len(typed)
        query.intent = intent_of(asked_words, text, names_audit=query.names_audit, sentence_of=sentence_of)
        zipf = self.english(present - STOPWORDS)
        spelt: dict[str, str | None] = {}  # each typed word's vocabulary typo correction, worked out once
        own_period: set[int] = set()  # where the question names the audits' own year
        spans = self.signpost_spans(
            typed,
            taken,
            capitalised=name_like(text),
            sentence_of=sentence_of,
            intent=query.intent,
            zipf=zipf,
            notes=notes,
            spelt=spelt,
            own=own_period,
            about_audits=query.names_audit or "lscb" in present,
            # ... asking what was found or recommended, not how to do it oneself ("how do I book onto the LSCB
            # training" asks a procedure).
            # ... or what the audits say or mention ("is that normal and did the audit mention nurseries?").
            asks_findings=query.wants_kind == "finding"
            or bool(present & RECOMMENDATION_CUES)
            or bool(present & REPORTING_VERBS and present & REPORTERS),
            gave_way=query.practical,
        )
        spans += self.offtopic_spans(typed, taken)
        # "all the time", "every time": how often, not time or delay; taken, they make no unit.
        longest_matches(typed, taken, longest=3, shortest=2, find=lambda key: IDIOM if key in IDIOMS else None)
        fixed = self.correct(typed, taken, zipf, query.corrections, notes, spelt=spelt)
        corrected = set(fixed)
        zipf.update(self.english(corrected - present - STOPWORDS))
        # ... and from the words as corrected, where a correction names the kind ("what were the cse
        # reccomendations": "what were" asks what happened, the recommendations are named).
        named_by_correction = any(not names.isdisjoint(corrected - present) for names in KIND_NAMES.values())
        if query.wants_kind is None or named_by_correction:
            fixed_kind = wanted_kind(fixed)
            if query.wants_kind is None or (fixed_kind is not None and not KIND_NAMES[fixed_kind].isdisjoint(fixed)):
                query.wants_kind = fixed_kind
        # ... and the intent from the words as corrected ("how meny", "wat percentage").
        query.intent = query.intent or intent_of(
            asked(fixed), " ".join(fixed), names_audit=query.names_audit, sentence_of=sentence_of
        )
        query.names_kind = not KIND_NAMES.get(query.wants_kind or "", frozenset()).isdisjoint(fixed)
        query.counts_audited = query.intent == "fact" and bool(present & CASES and present & (LOOKING | AUDIT_WORDS))
        if query.intent == "purpose":
            # Why an audit was done is its context, neither a finding nor a recommendation.
            query.wants_kind = None
            query.method = "how" in present and bool(present & METHOD_WORDS)
        stems = [stem(word) for word in fixed]
        spans += self.capital_spans(typed, taken, text, notes)
        spans += self.phrase_spans(fixed, stems, taken, zipf, notes)
        query.units = self.units(spans, typed, fixed, stems, notes)
        self.paired_readings(query.units, fixed, sentence_of)
        if not any(unit.concept for unit in query.units) and (
            query.wants_kind == "recommendation" or has_phrase(typed, AGENCY_PHRASES)
        ):
            query.units += self.stopword_agency(typed)
        for unit in query.units:
            unit.titles = {titles[position] for position in unit.positions if position in titles}
            if unit.titles and not unit.offtopic:
                unit.notes.append(f"names the audit: {', '.join(sorted(unit.titles))}")
        # The case told before what is asked, and a closing "thanks in advance": words there that the knowledge
        # base does not know are the case's detail or courtesy, no sign that the question is on something else.
        signed_off = {number for number, sentence in enumerate(parts) if number and is_sign_off(sentence)}
        frame = self.frame_units(query.units, framed, framed_alone)
        asking = {number for number, sentence in enumerate(parts) if is_need(sentence)}
        aside = self.told_sentences(query.units, parts, sentence_of, asking) | signed_off
        preamble = self.preamble(query.units, sentence_of, asking, typed)
        aside |= preamble
        self.weigh(
            query.units,
            name_like(text, zipf),
            zipf,
            family=names_a_family_member(typed),
            aside={index for index in range(len(typed)) if sentence_of[index] in aside} | framed | framed_alone,
            served=self.served(query.units, typed, sentence_of),
        )
        for unit in frame:
            self.as_filler(unit, "asks whether the audits cover what was said before it")
        for unit in query.units:
            if unit.positions and sentence_of[unit.positions[0]] in signed_off:
                unit.weight = 0.0
                unit.notes.append("a closing thanks: weighs nothing")
            elif unit.positions and sentence_of[unit.positions[0]] in preamble:
                # "Quick question before my visits today.": the asker's circumstances, naming no topic.
                unit.weight = 0.0
                unit.notes.append("the asker's circumstances before the question: weighs nothing")
        aim = aim_positions(typed) if query.intent == "purpose" and query.names_audit else set()
        for unit in query.units:
            if unit.positions and own_period.issuperset(unit.positions):
                self.as_filler(unit, "the audits' own year")
            elif unit.positions and aim.issuperset(unit.positions):
                # "what was the audit trying to achieve": what it set out to do is asked, not achievement.
                self.as_filler(unit, "what the audit set out to do")
            elif role_head(query.units, unit):
                self.as_filler(unit, "the worker of the agency named before it")
            elif absent_not_missing(typed, unit):
                self.as_filler(unit, "missing: said of something absent, not of a child going missing")
            elif audits_noticing(typed, unit):
                self.as_filler(unit, "what the audits noticed: asks what they found")
            elif asks_how_good(unit, typed):
                # "how good were the assessments", "were the plans any good": asks about quality, which every
                # finding answers; the word "good" in a passage is no better answer.
                self.as_filler(unit, "asks how good")
        self.describe(query.units)
        if query.counts_audited:
            # "how many CSE cases were looked at": "cases" and "looked at" ask the count; the topic names the audit.
            counting = {index for index, word in enumerate(typed) if word in CASES | LOOKING | AUDIT_WORDS}
            for unit in query.units:
                if unit.positions and counting.issuperset(unit.positions):
                    self.as_filler(unit, "asks how many cases were audited")
        self.weigh_askers(query.units, typed, sentence_of)
        self.weigh_introduction(query.units, typed, sentence_of, lead)
        asks_number = query.intent == "fact" or query.counts
        for unit in query.units:
            if (
                len(unit.typed) == 1
                and unit.typed[0].isdigit()
                and case_number(typed, unit.positions[0], asks_number=asks_number)
            ):
                self.as_filler(unit, "a number told as the case's detail (an age, a time, how many it had)")
            elif trainee_of(query.units, unit):
                # "student social worker", "student HV": the asker's training, not a school's pupils.
                self.as_filler(unit, "in training for the profession named after it")
            elif counted_times(typed, unit):
                # "invited three times", "rang the school several times": how often, not time or delay.
                self.as_filler(unit, "how many times something happened")
        told = self.told_sentences(query.units, parts, sentence_of, asking)
        self.weigh_narrative(query.units, told, sentence_of)
        if not told:
            framing = bool(framed_alone) and {sentence_of[position] for position in framed_alone} == asking
            self.weigh_background(query.units, len(parts), sentence_of, asking, framing=framing, typed=typed)
        self.weigh_contrast(query.units, typed)
        self.weigh_cast(query.units)
        for unit in query.units:
            if unit.concept is not None and unit.positions and quoted.issuperset(unit.positions):
                unit.weight *= self.tuning.narrative_share
                unit.notes.append("quoted: an example of what was said or written, not the need")
        self.weigh_repeats(query.units)
        self.kept_doing(query.units, fixed)
        query.signposts_told = self.signposts_told(query.units, told, sentence_of, typed)
        if (
            query.intent is None
            and query.named_agencies
            # ... named where the question asks, not only in the case told ("... TAC running via the children's
            # centre. should we be using any particular tool?" asks for a tool, not for children's centres' tasks)
            and any(
                unit.concept is not None and names_agency(unit.concept) and not unit.told and not unit.scene
                for unit in query.units
            )
            # (as typed, or as its typos are read: "what was aksed of midwives")
            and (
                query.wants_kind == "recommendation"
                or has_phrase(typed, AGENCY_PHRASES)
                or has_phrase(fixed, AGENCY_PHRASES)
            )
        ):
            query.intent = "agency"
            query.wants_kind = "recommendation"
        if query.intent in ("agency", None):
            # ... or any question whose only topic is such a role ("what did the audits say about midwives").
            self.unnamed_roles(query)
            query.asks_of_agency = has_phrase(typed, ASKED_OF) or has_phrase(fixed, ASKED_OF)
        if not query.units:
            query.notice = "no-content-words"
        query.asks_details = asks_details(query, typed, self.tuning.filler_zipf, self.vocab.fallback_signposts)
        return query

    # -- steps ------------------------------------------------------------------------------------------------
    def signpost_spans(
        self,
        typed: list[str],
        taken: list[bool],
        *,
        intent: str | None = None,
        zipf: dict[str, float] | None = None,
        notes: dict[int, str] | None = None,
        spelt: dict[str, str | None] | None = None,
        own: set[int] | None = None,
        about_audits: bool = False,
        asks_findings: bool = False,
        capitalised: set[str] | None = None,
        sentence_of: list[int] | None = None,
        gave_way: set[str] | None = None,
    ) -> list[Span]:
        """Safeguarding topics the audits do not cover ("FGM", "Prevent referral"): answered by a signpost. A word
        neither the knowledge base nor English knows is read as the signpost or passage word it misspells
        ("prevent referal", "radicalisaton")."""
        if not self.vocab.signpost_keys:
            return []
        zipf = zipf or {}
        own = set() if own is None else own
        read: list[str] = []
        misspelt: dict[int, str] = {}
        for index, word in enumerate(typed):
            meant = None
            if word not in STOPWORDS and word not in self.vocab.signpost_words:
                meant = self.signpost_typo(word, zipf, spelt) or self.typo(word, zipf, spelt)
            if meant is None and index and typed[index - 1] == "how":
                # ... and a word after "how" as the one "how" asks with ("how offen should": a rule of practice).
                asked = self.english_typo(word, zipf=zipf.get(word), after="how")
                meant = asked if asked in HOW_WORDS else None
            if meant is not None:
                misspelt[index] = meant
            read.append(meant or word)
        for index, word in enumerate(typed):
            # A real but rare word typed for a signpost word, its neighbour confirming it ("chanel panel").
            if index in misspelt or word in STOPWORDS or word in self.vocab.signpost_words:
                continue
            before = stem(read[index - 1]) if index else None
            after = stem(read[index + 1]) if index + 1 < len(read) else None
            meant = self.vocab.signpost_slip(word, before, after, zipf=zipf.get(word))
            if meant is not None:
                misspelt[index] = read[index] = meant
        keys, signposts = self.vocab.signpost_keys, self.vocab.signposts

        def find(key: tuple[str, ...]) -> Concept | None:
            topic = keys.get(key)
            if topic is None or signposts[topic].intent not in (None, intent):
                return None
            return Concept(labels=[SIGNPOSTED + topic])

        def named_topic(key: tuple[str, ...]) -> Concept | None:
            # "is cousin marriage one of the board's priorities": the board's priorities and the audits' purposes
            # answer whether a topic was one, named there or not.
            concept = find(key)
            if concept is not None and intent == "purpose" and not signposts[concept_topic(concept)].fallback:
                return None
            return concept

        # A period a passage names is about the audits only where they are named: "the LSCB training programme
        # in 2017-18" is that passage's own date.
        audits_named = not AUDIT_WORDS.isdisjoint(typed)
        spans = self.other_years(typed, taken, find, notes, own=own, about_audits=audits_named)
        spans += self.other_areas(typed, taken, find, zipf, notes)
        spans += self.other_audits(read, taken, find, notes)  # as their typos are read ("the neglcet aduit")
        spans += self.artefact_requests(typed, taken, find, notes, read)
        stems = [stem(word) for word in read]
        for positions, concept in longest_matches(
            stems, taken, longest=self.vocab.max_signpost, shortest=1, find=named_topic
        ):
            # ... not inside the longer name of an agency ("youth offending prevention team" is a service the
            # audits name, not the Prevent team).
            if self.inside_agency_name(stems, positions):
                for position in positions:
                    taken[position] = False
                continue
            spans.append((positions, concept))
        spans += self.qualified_kinds(stems, taken, named_topic, notes)
        spans += self.coordinated_topics(stems, taken, named_topic, notes)
        spans += self.relative_with(stems, taken, named_topic, notes)
        spans += self.named_people(stems, read, taken, named_topic, notes, capitalised or set())
        spans += self.told_acts(stems, taken, notes, sentence_of)
        # ... a topic's name (after the phrases: "Prevent referral" says it as well).
        spans += self.topic_heads(read, taken, find, notes, capitalised or set(), alone=not spans)
        # After the phrases (a topic's "book a course" says more), read as their typos are ("how ofetn are").
        spans += self.timing_rules(read, taken, find, notes)
        spans += self.office_tasks(read, taken, find, notes)
        spans += self.passive_decisions(read, taken, find, notes)
        # A fallback signpost is about the kind of question ("what's the process"), not its topic: a topic signpost
        # the question also names says more, and the fallback's words go back to the question.
        fallback = [span for span in spans if self.vocab.signposts[self.signpost_of(span)].fallback]
        topical = [span for span in spans if span not in fallback]
        # ... and so does a question asking what the audits found on it ("what did the audit find about reviews
        # and timescales for plans"): the audits' learning on procedures is theirs to give.
        if fallback and about_audits and asks_findings:
            giving_way = fallback
        elif topical and sentence_of is not None:
            # ... said in the same sentence: a fallback asked in a sentence of its own after a topic told ("...
            # just evicted and in a B&B. What's the threshold for stepping up?") is what that sentence asks.
            told_in = {sentence_of[position] for positions, _ in topical for position in positions}
            giving_way = [span for span in fallback if sentence_of[span[0][0]] in told_in]
        else:
            giving_way = fallback if topical else []
        if giving_way and gave_way is not None:
            gave_way.update(self.signpost_of(span) for span in giving_way)
        if giving_way:
            for positions, _ in giving_way:
                for position in positions:
                    taken[position] = False
            spans = [span for span in spans if span not in giving_way]
            # ... the words a fallback phrase held may still name a topic ("the budget for the audits": the board's
            # budget, where "budget for" asked a practical detail).

            def topic(key: tuple[str, ...]) -> Concept | None:
                concept = find(key)
                return None if concept is None or self.vocab.signposts[concept_topic(concept)].fallback else concept

            spans += longest_matches(stems, taken, longest=self.vocab.max_signpost, shortest=1, find=topic)
        if notes is not None:
            for positions, _ in spans:
                for index in set(positions) & misspelt.keys():
                    notes[index] = f"typo: {typed[index]} -> {misspelt[index]}"
        return spans

    def coordinated_topics(
        self, stems: list[str], taken: list[bool], find: Find, notes: dict[int, str] | None
    ) -> list[Span]:
        """A topic's phrase with an alternative joined inside it ("making up or causing symptoms" is "making up
        symptoms", "allegations or concerns about staff" is "allegations about staff"): the phrase read across "or"
        or "and" and the one or two words after it, which are taken with it."""
        spans: list[Span] = []
        for joint, word in enumerate(stems):
            if word not in COORDINATORS or not joint or taken[joint]:
                continue
            for inside in (1, 2):
                after = joint + 1 + inside
                if after >= len(stems) or any(taken[joint : after + 1]):
                    continue
                if not DETERMINERS.isdisjoint(stems[joint + 1 : after]):
                    break
                found = self.across(stems, taken, joint, after, find)
                if found is None:
                    continue
                (before, length), concept = found
                positions = list(range(joint - before, after + length))
                for position in positions:
                    taken[position] = True
                if notes is not None:
                    read = stems[joint - before : joint] + stems[after : after + length]
                    notes[positions[0]] = f"a phrase with an alternative inside: read as '{' '.join(read)}'"
                spans.append((positions, concept))
                break
        return spans

    def relative_with(
        self, stems: list[str], taken: list[bool], find: Find, notes: dict[int, str] | None
    ) -> list[Span]:
        """A topic's phrase "X with Y" said as "X who (themselves) have Y" ("parents who themselves have a learning
        disability" is "parents with a learning disability"): read with "with" for the relative clause's words."""
        spans: list[Span] = []
        for who, word in enumerate(stems):
            if word != WHO_STEM or not who or taken[who]:
                continue
            after = who + 1
            while after < len(stems) and stems[after] in RELATIVE_FILLERS:
                after += 1
            if after >= len(stems) or stems[after] not in HAVE_STEMS or any(taken[who : after + 1]):
                continue
            found = self.across(stems, taken, who, after + 1, find, joined=(WITH_STEM,))
            if found is None:
                continue
            (before, length), concept = found
            positions = list(range(who - before, after + 1 + length))
            for index in positions:
                taken[index] = True
            if notes is not None:
                notes[positions[0]] = "a relative clause 'who have': read as 'with'"
            spans.append((positions, concept))
        return spans

    def across(
        self, stems: list[str], taken: list[bool], joint: int, after: int, find: Find, *, joined: tuple[str, ...] = ()
    ) -> tuple[tuple[int, int], Concept] | None:
        """The longest phrase `find` knows made of words just before `joint`, then `joined`, then words from `after`
        on (how many before and after), none of them taken."""
        longest = self.vocab.max_signpost
        for size in range(longest, len(joined) + 1, -1):
            for before in range(size - len(joined) - 1, 0, -1):
                length = size - len(joined) - before
                if joint - before < 0 or after + length > len(stems):
                    continue
                if any(taken[joint - before : joint]) or any(taken[after : after + length]):
                    continue
                concept = find((*stems[joint - before : joint], *joined, *stems[after : after + length]))
                if concept is not None:
                    return (before, length), concept
        return None

    def named_people(
        self,
        stems: list[str],
        read: list[str],
        taken: list[bool],
        find: Find,
        notes: dict[int, str] | None,
        capitalised: set[str],
    ) -> list[Span]:
        """A phrase about one person ("is he known to", "does she have a social worker") asked with their name in
        place of "he" or "she" ("is Jacob Smith open to the CWD team?"): a run of capitalised words the knowledge
        base does not know, read as "he"."""
        names = [
            not taken[index] and word in capitalised and word not in STOPWORDS and not self.vocab.is_word(word)
            for index, word in enumerate(read)
        ]
        if not any(names):
            return []
        # The question with each run of names as one "he", and where each of its words came from.
        reduced: list[str] = []
        origin: list[list[int]] = []
        for index, stemmed in enumerate(stems):
            if names[index] and index and names[index - 1]:
                origin[-1].append(index)
                continue
            reduced.append(PERSON_STEM if names[index] else stemmed)
            origin.append([index])
        person = {number for number, source in enumerate(origin) if names[source[0]]}
        spans: list[Span] = []
        for start in range(len(reduced)):
            for length in range(min(self.vocab.max_signpost, len(reduced) - start), 1, -1):
                window = range(start, start + length)
                positions = [index for number in window for index in origin[number]]
                if person.isdisjoint(window) or any(taken[index] for index in positions):
                    continue
                concept = find(tuple(reduced[number] for number in window))
                if concept is None:
                    continue
                for index in positions:
                    taken[index] = True
                if notes is not None:
                    notes[positions[0]] = "a person's name in a phrase about one person: read as 'he'"
                spans.append((positions, concept))
                break
        return spans

    def told_acts(
        self, stems: list[str], taken: list[bool], notes: dict[int, str] | None, sentence_of: list[int] | None
    ) -> list[Span]:
        """A topic told by what someone did, not named (`Signpost.acts`): one of its actors followed within reach,
        in the same sentence, by one of its deeds, with nobody else named between ("a member of nursery staff seen
        grabbing a toddler", "a teacher who grabbed a pupil", not "the teacher said dad grabbed him")."""
        spans: list[Span] = []
        for topic, actors, deeds, reach in self.vocab.signpost_acts:
            actor = self.act_part(stems, taken, actors, 0)
            while actor is not None:
                start, length = actor
                deed = self.act_part(stems, taken, deeds, start + length, reach=reach)
                if deed is not None and (sentence_of is None or sentence_of[deed[0]] == sentence_of[start]):
                    between = stems[start + length : deed[0]]
                    if OTHER_PEOPLE.isdisjoint(between):
                        positions = [*range(start, start + length), *range(deed[0], deed[0] + deed[1])]
                        for position in positions:
                            taken[position] = True
                        if notes is not None:
                            notes[start] = f"told by what someone did: signpost {topic}"
                        spans.append((positions, Concept(labels=[SIGNPOSTED + topic])))
                        break
                actor = self.act_part(stems, taken, actors, start + length)
        return spans

    @staticmethod
    def act_part(
        stems: list[str], taken: list[bool], keys: frozenset[tuple[str, ...]], start: int, *, reach: int | None = None
    ) -> tuple[int, int] | None:
        """The first untaken phrase of `keys` starting at or after `start` (within `reach` words of it): its start
        and length, the longest there."""
        end = len(stems)
        if reach is not None:
            # Within `reach` words that are not stopwords ("a teacher at my school has been accused of").
            content, end = 0, start
            while end < len(stems) and content <= reach:
                content += stems[end] not in STOP_STEMS
                end += 1
        longest = max((len(key) for key in keys), default=0)
        for position in range(start, end):
            for length in range(min(longest, len(stems) - position), 0, -1):
                if not any(taken[position : position + length]) and tuple(stems[position : position + length]) in keys:
                    return position, length
        return None

    def topic_heads(
        self,
        read: list[str],
        taken: list[bool],
        find: Find,
        notes: dict[int, str] | None,
        capitalised: set[str],
        *,
        alone: bool = True,
    ) -> list[Span]:
        """A word that opens several of a topic's phrases ("Prevent", of "Prevent referral", "Prevent duty", "Prevent
        lead") and that no learning concept holds, typed alone (when `alone`: no other signpost was read) or with a
        capital where no sentence starts ("what do the audits say about Prevent?", "the Prevent audit"): the topic's
        name, whatever the word means in lower case ("how can we prevent neglect")."""
        content = [index for index, word in enumerate(read) if word not in STOPWORDS and word.isalnum()]
        alone = alone and len(content) == 1
        spans: list[Span] = []
        for index in content:
            word = read[index]
            phrase = self.vocab.signpost_heads.get(stem(word))
            if taken[index] or phrase is None or word in self.vocab.known_words or not (alone or word in capitalised):
                continue
            how = "alone" if alone else "with a capital"
            spans += read_as([index], phrase, f"names a topic {how} ({word})", find, taken, notes)
        return spans

    def unnamed_roles(self, query: Query) -> None:
        """A question only about a role no passage names, not even by its root ("what did the audits ask GPs to
        do", "what is expected of midwives", "what did the audits say about midwives"): the audits ask nothing of
        that role, and say so (the signpost `UNNAMED_ROLE`) rather than give the learning of the wider agency it
        belongs to. "Health visitors" is named ("Health Visiting")."""
        if UNNAMED_ROLE not in self.vocab.signposts:
            return
        topics = [unit for unit in query.units if unit.concept is not None and not unit.offtopic and not unit.titles]
        roles = [unit for unit in topics if names_agency(unit.concept)]
        # ... or what is expected of such a role in a practice the audits cover ("is a GP expected to attend ICPC"):
        # the audits expect nothing of it by name. Not the asker's own role ("I'm a GP: ...").
        expected_of = (
            query.intent == "agency"
            and bool(roles)
            and not any("the asker's own role" in note for unit in roles for note in unit.notes)
        )
        if not roles or (len(roles) != len(topics) and not expected_of):
            return
        for unit in roles:
            roots = [
                part[: max(MIN_ROLE_ROOT, len(part) - ROLE_ENDING)]
                for part in unit.stems
                if part not in STOP_STEMS and part.isalnum()  # letters and digits only in a full-text query
            ]
            # (A word of it will do: "police officers" are police, "health visitors" health.)
            if not roots or self.passage_matches("stems : (" + " OR ".join(f"{root}*" for root in roots) + ")"):
                return
            # ... an acronym of an agency the passages are tagged with ("HVs": Health Visiting) is named too.
            acronym = self.vocab.acronym_roles.get(unit.typed[0].rstrip("s")) if len(unit.typed) == 1 else None
            if acronym is not None and self.passage_matches("tags : " + tag_token(AGENCY_TAG, acronym)):
                return
        for unit in roles:
            unit.signpost = UNNAMED_ROLE
            unit.offtopic = True
            unit.concept = None
            unit.notes.append(f"a role no passage names: signpost {UNNAMED_ROLE}")

    def signpost_typo(self, word: str, zipf: dict[str, float], spelt: dict[str, str | None] | None) -> str | None:
        """`Vocabulary.signpost_typo`, unless a vocabulary word is as near, the word is a form of a passage word and
        the signpost word is not of the same root ("improvment" is "improve", no "imprisonment"; "referal" may be
        "referral"), or an everyday English word is nearer."""
        meant = self.vocab.signpost_typo(word, zipf=zipf.get(word))
        if meant is None:
            return None
        # ... nor when a word of the knowledge base's own is as near ("scals": "scales", no "scalds").
        known = self.typo(word, zipf, spelt)
        if known is not None and OSA.distance(word, known) <= OSA.distance(word, meant):
            return None
        root = stem(word)
        if root in self.vocab.stem_df and not stem(meant).startswith(root):
            return None
        everyday = self.english_typo(word, zipf=zipf.get(word))
        return None if everyday and OSA.distance(word, everyday) < OSA.distance(word, meant) else meant

    def qualified_kinds(
        self,
        stems: list[str],
        taken: list[bool],
        find: Find,
        notes: dict[int, str] | None,
    ) -> list[Span]:
        """A signpost phrase ("how do I make a referral", "what is the process", "who is the chair") with a word or
        two naming what it is for before its last word ("how do I make a MASH referral", "what's the body map
        procedure", "who is the board's chair"): the phrase still says it. Only phrases of `MIN_QUALIFIED` words or
        more, so that the phrase says what it says whatever words are inside it."""
        for start in range(len(stems)):
            for size in range(1, MAX_QUALIFIERS + 1):
                longest = min(self.vocab.max_signpost, len(stems) - start - size)
                for length in range(longest, MIN_QUALIFIED - 1, -1):
                    first = start + length - 1  # the first word inside
                    inside = list(range(first, first + size))
                    positions = [*range(start, first), first + size]
                    if any(taken[position] for position in (*positions, *inside)):
                        continue
                    if any(stems[position] in STOP_STEMS - NAMING_STEMS for position in inside):
                        continue
                    concept = find(tuple(stems[position] for position in positions))
                    if concept is None:
                        continue
                    for position in (*positions, *inside):
                        taken[position] = True
                    if notes is not None:
                        notes[start] = "asks a kind of answer, with what it is for inside the phrase"
                    return [(sorted((*positions, *inside)), concept)]
        return []

    def other_years(
        self,
        typed: list[str],
        taken: list[bool],
        find: Find,
        notes: dict[int, str] | None,
        *,
        own: set[int],
        about_audits: bool = False,
    ) -> list[Span]:
        """A year no passage mentions ("how many CP plans in 2019") read as the signpost phrase "another year": the
        audits count only the cases of their own year. A reporting period ("2017-18") in which no audit was done is
        read so too when the question asks for a figure, else as "another period" (another year's report), unless
        a passage names it and the question is not about the audits ("dates of the course in 2017-18"). The
        positions of the audits' own period go into `own`: they say which report, weighed as filler."""
        spans: list[Span] = []
        for index, word in enumerate(typed):
            short = short_period(typed, index)
            if short is not None:
                word = typed[index] = short  # "16-17" is "2016-17"
            if taken[index] or index in own or not _YEAR.fullmatch(word):
                continue  # (the end of the audits' own period, "2016-2017", is theirs too)
            end = period_end(word, typed[index + 1] if index + 1 < len(typed) else "")
            if end is not None:
                positions = [index, index + 1]
                what = f"a period no audit covers ({word}-{typed[index + 1]})"
                typed[index + 1] = end  # "2016-17" is "2016-2017", as the passages write it
                if int(word) in self.own_years:
                    # The audits' own year ("the 2016-17 audits") says which report, not what about.
                    own.update(positions)
                    continue
                asks_figure = find(OTHER_YEAR) is not None
                # ... the audits' period where an audit word is beside it ("the 2017-18 audits", "audits in
                # 2017-18"), not one named further off ("training planned for 2017-18 as a result of the audits").
                beside = typed[max(0, index - PERIOD_REACH) : index + 2 + PERIOD_REACH]
                audits_period = about_audits and not AUDIT_WORDS.isdisjoint(beside)
                if not audits_period and not asks_figure and self.mentions_period(word, end):
                    continue  # a passage's own date ("training in 2017-18")
                # Figures for another year, or another year's audits ("what did the 2017-18 audits find").
                readings = (OTHER_YEAR_WORDS, OTHER_PERIOD_WORDS)
            elif word in self.vocab.word_df and (int(word) in self.own_years or find(OTHER_YEAR) is None):
                continue  # a passage's own date, unless a figure is asked for another year than the audits'
            else:
                positions, readings, what = [index], (OTHER_YEAR_WORDS,), "a year no passage mentions"
            found = [(reading, concept) for reading in readings if (concept := find(READINGS[reading])) is not None]
            if not found:
                continue
            reading, concept = found[0]
            spans.append((positions, concept))
            for position in positions:
                taken[position] = True
            if notes is not None:
                notes[index] = f"{what}: read as '{' '.join(reading)}'"
        return spans

    def artefact_requests(
        self,
        typed: list[str],
        taken: list[bool],
        find: Find,
        notes: dict[int, str] | None,
        read: list[str] | None = None,
    ) -> list[Span]:
        """A request for a form, login, email or link ("where's the MASH referral form", "email for the conference
        admin", "a login for Protocol") read as the signpost phrase "forms and contacts": the audits hold what was
        learned, not where things are. An artefact word counts a few words after one asking where it is or for a copy
        of it ("how do I get a login"); a contact word, form or template also when followed by "for" ("email for",
        "template for"), unless a passage names it ("the Children's Centres referral form")."""
        read = read or typed  # the words as their typos are read
        looked_up = 0  # passages searched for an artefact's name: a few at most, however many a question repeats
        content = sum(word not in STOPWORDS for word in typed)
        for index, word in enumerate(read):
            if word not in ARTEFACT_WORDS or taken[index]:
                continue
            followed = word in FOR_WORDS and index + 1 < len(typed) and typed[index + 1] == "for"
            if followed:
                if looked_up >= MAX_ARTEFACT_LOOKUPS:
                    break
                looked_up += 1
                # ... unless a passage speaks of it and of what it is for ("refer to the children's centre using
                # the Children's Centres referral form"): that is learning.
                followed = not self.names_artefact(read, index)
            # ... or asked for right after it ("neglect toolkit link?", "CAF form download"), or in a clause after it
            # ("CSE screening tool - where do I get it").
            named_for = index + 1 < len(typed) and typed[index + 1] in CONTACT_WORDS | {"download", "copy"}
            named_for = named_for or has_phrase(typed[index + 1 : index + 1 + REQUEST_REACH], WHERE_IS_IT)
            # ... or a form named alone, last ("neglect referral form", "MARAC form"), unless a passage names it. (A
            # template or flowchart on a topic, "SMART plans template", asks for the topic's learning too.)
            alone = word in FORM_WORDS and index == len(typed) - 1 and content <= ARTEFACT_ALONE
            if not (followed or named_for) and alone:
                if looked_up >= MAX_ARTEFACT_LOOKUPS:
                    break
                looked_up += 1
                named_for = not self.names_artefact(read, index)
            to_use = word in TOOL_WORDS and has_phrase(typed[index + 1 : index + 1 + USE_REACH], USE_CUES)
            if not (followed or named_for) and to_use:
                if looked_up >= MAX_ARTEFACT_LOOKUPS:
                    break
                looked_up += 1
                named_for = not self.names_tool(read, index)
            if not (followed or named_for) and REQUEST_WORDS.isdisjoint(typed[max(0, index - REQUEST_REACH) : index]):
                continue
            return read_as([index], ARTEFACT_READING, f"asks where to find a {word}", find, taken, notes)
        return []

    @staticmethod
    def timing_rules(
        typed: list[str],
        taken: list[bool],
        find: Find,
        notes: dict[int, str] | None,
    ) -> list[Span]:
        """How often or how long something is done, asked in the present ("how often are LAC reviews chaired",
        "how long does a protection order last"): a rule of practice, read as the signpost phrase
        `TIMING_READING`. Asked in the past ("how often was it seen", "how long did it take") it is what the audits
        found, and left to them. So is a deadline asked ("when do I need to do a CAF by")."""
        last = len(typed) - 1
        if last > 1 and typed[0] == "when" and typed[last] == "by" and typed[1] in PRESENT_AUXILIARIES:
            return read_as([0, last], TIMING_READING, "asks a deadline (when ... by)", find, taken, notes)
        # ... or what happens, in the present, at any meeting of a kind ("what happens at an ICPC"): its procedure.
        # ("what happened at the core groups" asks what the audits found.)
        for index in range(len(typed) - 3):
            if (
                typed[index : index + 2] == ["what", "happens"]
                and typed[index + 2] in {"at", "in", "during"}
                and typed[index + 3] in {"a", "an"}
                and not any(taken[index : index + 2])
            ):
                what = "asks what happens at any meeting of a kind (what happens at a ...)"
                return read_as([index, index + 1], TIMING_READING, what, find, taken, notes)
        # ... or a timescale named alone, last, after the name of what it is for ("section 47 timescales", "CIN
        # review timescales"), as a form is; not in a clause ("plans not reviewed to timescales" is learning).
        named_alone = 0 < len(typed) <= ARTEFACT_ALONE and not any(word in STOPWORDS for word in typed)
        if named_alone and typed[last] in TIMESCALE_WORDS and not taken[last]:
            return read_as([last], TIMING_READING, "asks a timescale named alone", find, taken, notes)
        for index in range(len(typed) - 2):
            if typed[index] != "how" or typed[index + 1] not in TIMING_WORDS or taken[index] or taken[index + 1]:
                continue
            # ... or as what one has got to do ("how long have we got to complete", "how long has a SW got").
            obliged = typed[index + 2] in {"have", "has"} and "got" in typed[index + 3 : index + 3 + GOT_REACH]
            if typed[index + 2] not in PRESENT_AUXILIARIES and not obliged:
                continue
            what = f"asks a rule of practice ({' '.join(typed[index : index + 3])} ...)"
            return read_as([index, index + 1], TIMING_READING, what, find, taken, notes)
        return []

    def office_tasks(
        self,
        typed: list[str],
        taken: list[bool],
        find: Find,
        notes: dict[int, str] | None,
    ) -> list[Span]:
        """How to do an office task ("how do I upload a case note to Protocol", "how to claim mileage", "where can
        we book a room"): a procedure, read as the signpost phrase `TASK_READING`, whatever the task is done to. So
        is a topic followed by "how to" ("Graded Care Profile how to")."""
        end = len(typed) - 2
        if end > 0 and typed[end:] == ["how", "to"] and not any(taken[end:]):
            return read_as([end, end + 1], TASK_READING, "ends asking how to", find, taken, notes)
        for index, word in enumerate(typed):
            if taken[index] or not asks_task(typed, index):
                continue
            if word == "get":
                done = next(
                    (
                        after
                        for after in range(index + 2, min(index + 2 + DONE_REACH, len(typed)))
                        if typed[after] in DONE_WORDS
                    ),
                    None,
                )
                # ... not who did it ("how do we get dads involved in assessments completed by health").
                if done is not None and not taken[done] and typed[done + 1 : done + 2] != ["by"]:
                    what = f"asks how to get a document done (get ... {typed[done]})"
                    return read_as([index, done], TASK_READING, what, find, taken, notes)
            # ... a workplace matter of the asker's own ("how do I book annual leave") is no procedure of practice.
            if word not in ADMIN_VERBS or self.offtopic_spans(typed[index + 1 :], [False] * (len(typed) - index - 1)):
                continue
            return read_as([index], TASK_READING, f"asks how to do an office task ({word})", find, taken, notes)
        return []

    @staticmethod
    def passive_decisions(typed: list[str], taken: list[bool], find: Find, notes: dict[int, str] | None) -> list[Span]:
        """Whether something must be passed on, asked of it ("does a child living with an aunt need to be reported
        to the council", "should this be referred to MASH", "does it have to be notified"): a procedure, read as the
        signpost phrase `NOTIFY_READING`."""
        for index in range(2, len(typed)):
            if stem(typed[index]) not in DECISION_STEMS or typed[index - 1] != "be" or taken[index]:
                continue
            before = typed[max(0, index - 4) : index - 1]
            obliged = before[-1:] == ["to"] and not OBLIGING.isdisjoint(before[-2:-1])
            modal = not DECISION_MODALS.isdisjoint(before[-2:]) and before[-1:] != ["not"]
            if obliged or modal:
                what = f"asks whether it must be passed on ({typed[index - 1]} {typed[index]})"
                return read_as([index - 1, index], NOTIFY_READING, what, find, taken, notes)
        return []

    def titled_audits(self, typed: list[str], sentence_of: list[int] | None = None) -> dict[int, str]:
        """Audits named by a word of their title only, a few words before "audit" ("the families with multiple
        problems audit", "in the disability audit"), or just before "the ... cases" ("on the disability cases": the
        cases that audit looked at): the title word's position -> the audit. Not from another sentence or clause
        ("... new processes this year. Did the audit comment ...": "year" names no early years audit)."""
        named: dict[int, str] = {}
        for index, word in enumerate(typed):
            if word in CASES and "the" in typed[max(0, index - CASES_TITLE_REACH - 1) : index]:
                start = max(0, index - CASES_TITLE_REACH)
            elif word in AUDIT_WORDS:
                start = max(0, index - TITLE_REACH)
            else:
                continue
            for position in range(index - 1, start - 1, -1):
                if typed[position] in RUN_BREAKS or (sentence_of and sentence_of[position] != sentence_of[index]):
                    start = position + 1
                    break
            before = [position for position in range(start, index) if typed[position] not in STOPWORDS]
            for position in before[-TITLE_WORDS:]:
                audit = self.vocab.audit_words.get(stem(typed[position]))
                if audit is not None:
                    named[position] = audit
        return named

    def names_artefact(self, read: list[str], index: int) -> bool:
        """Whether a passage names the artefact at `index` with the word before it ("referral form", or the one
        before a second artefact word: "referral form template"), beside a word said around it."""
        after = read[index + 2 : index + 5]
        return any(
            self.mentions(read[at - 1 : at + 1], beside=read[max(0, at - 4) : at - 1] + after)
            for at in (index, index - 1)
            if at >= 1 and (at == index or read[at] in ARTEFACT_WORDS)
        )

    def inside_agency_name(self, stems: list[str], positions: list[int]) -> bool:
        """Whether the name of an agency (a phrase naming an agency and no theme), longer than the words at
        `positions`, holds them."""
        start, end = positions[0], positions[-1] + 1
        longest = self.vocab.max_phrase
        for first in range(max(0, end - longest), start + 1):
            for last in range(end, min(len(stems), first + longest) + 1):
                concept = self.vocab.concepts.get(tuple(stems[first:last])) if last - first > end - start else None
                if concept is not None and concept.agencies and not concept.themes:
                    return True
        return False

    def names_tool(self, read: list[str], index: int) -> bool:
        """Whether a passage names a tool on the topic of the one at `index`: with every word naming that tool
        ("CSE risk assessment tool": "CSE", "risk" and "assessment"), or, for a tool named by no such word ("a
        checklist or tool to use when kids are neglected"), with any word of the question the knowledge base
        knows."""
        modifiers: list[str] = []
        for word in reversed(read[max(0, index - TOOL_MODIFIERS) : index]):
            if not word.isalnum() or word in STOPWORDS or not self.vocab.is_word(word):
                break
            modifiers.append(stem(word))
        if modifiers:
            return self.passage_matches(" AND ".join(["stems : tool*", *(f'stems : "{w}"' for w in modifiers)]))
        others = [
            f'"{stem(word)}"'
            for word in read
            if word.isalnum() and word not in STOPWORDS | TOOL_WORDS | {"use", "using"} and self.vocab.is_word(word)
        ]
        return bool(others) and self.passage_matches(f"stems : tool* AND stems : ({' OR '.join(others)})")

    def mentions(self, typed: list[str], *, beside: list[str]) -> bool:
        """Whether a passage holds these words in this order ("referral form") and one of the words `beside` that
        are not stopwords, if any."""
        phrase = " ".join(stem(word) for word in typed if word.isalnum())
        others = [f'"{stem(word)}"' for word in beside if word.isalnum() and word not in STOPWORDS]
        if not phrase:
            return False
        return self.passage_matches(f'stems : "{phrase}"' + (f" AND stems : ({' OR '.join(others)})" if others else ""))

    def mentions_period(self, start: str, end: str) -> bool:
        """Whether a passage names the period from `start` to `end` ("2017-2018", "2017-18", "2017/18")."""
        phrases = " OR ".join(f'"{start} {written}"' for written in (end, end[-2:]))
        return self.passage_matches(f"stems : ({phrases})")

    def passage_matches(self, expression: str) -> bool:
        """Whether any passage matches a full-text expression built from words as read (letters and digits only)."""
        found = self.conn.execute("SELECT 1 FROM items_fts WHERE items_fts MATCH ? LIMIT 1", (expression,))
        return found.fetchone() is not None

    def other_audits(
        self,
        typed: list[str],
        taken: list[bool],
        find: Find,
        notes: dict[int, str] | None,
    ) -> list[Span]:
        """An audit named by a learning topic that is no audit's ("why was the neglect audit done", "the training
        audit") read as the signpost phrase "another audit": the knowledge base holds its four audits only. A topic
        of one of them names it ("the autism audit" is the disabilities audit; "the toxic trio audit" the families
        with multiple needs audit)."""
        vocab = self.vocab
        for index in range(1, len(typed)):
            before = typed[index - 1]
            if typed[index] not in AUDIT_WORDS or taken[index - 1] or taken[index] or before in STOPWORDS:
                continue
            if before in AUDIT_METHODS:  # how an audit is done ("a file audit"), not what it is on
                continue
            concept = vocab.concepts.get((stem(before),))
            if concept is None or stem(before) in vocab.audit_words or concept.audits:
                continue
            entries = thesaurus_entries(concept)
            if not entries or entries & vocab.audit_topics or AUDITING_ENTRY in entries:
                continue
            what = f"an audit the knowledge base does not hold ({before} {typed[index]})"
            return read_as([index - 1, index], OTHER_AUDIT, what, find, taken, notes)
        return []

    def other_areas(
        self,
        typed: list[str],
        taken: list[bool],
        find: Find,
        zipf: dict[str, float],
        notes: dict[int, str] | None,
    ) -> list[Span]:
        """A board or council named by a place no passage mentions ("Havering's LSCB", "Essex council") read as the
        signpost phrase "another board": the knowledge base holds its own board's audits. A place is a word the
        passages never use and that is no everyday English ("neighbouring" is neither; "local", "our" are)."""
        spans: list[Span] = []
        for index in range(1, len(typed)):
            place = typed[index - 1]
            if typed[index] not in AREA_WORDS or taken[index - 1] or taken[index] or place in STOPWORDS:
                continue
            if place in self.vocab.word_df or zipf.get(place, 0.0) >= AREA_NAME_ZIPF or place.isdigit():
                continue
            if self.vocab.correct(place) is not None:
                continue
            concept = find(OTHER_AREA)
            if concept is None:
                break
            spans.append(([index - 1, index], concept))
            taken[index - 1] = taken[index] = True
            if notes is not None:
                notes[index - 1] = f"a place no passage mentions ({place} {typed[index]}): read as 'another board'"
        return spans

    @staticmethod
    def signpost_of(span: Span) -> str:
        concept = span[1]
        assert concept is not None
        return concept_topic(concept)

    def offtopic_spans(self, typed: list[str], taken: list[bool]) -> list[Span]:
        """Workplace words ("annual leave", "vpn", "out of office"): the question is not about practice."""
        if not self.vocab.offtopic:
            return []
        offtopic = self.vocab.offtopic
        return longest_matches(
            typed,
            taken,
            longest=self.vocab.max_offtopic,
            shortest=1,
            find=lambda phrase: OFFTOPIC if phrase in offtopic else None,
        )

    def forms(
        self,
        typed: list[str],
        corrections: dict[str, str],
        notes: dict[int, str],
        *,
        start: int = 0,
        household: bool = False,
    ) -> list[str]:
        """Texting forms read as words ("pls" -> "please"), words run together split ("neglecttoolkit") and one
        word typed as two joined ("safe guarding"); `notes` says which position was changed and how, and
        `corrections` (shown to the asker) holds the splits."""
        out: list[str] = []
        index = 0
        while index < len(typed):
            word = typed[index]
            following = typed[index + 1] if index + 1 < len(typed) else None
            pair = (stem(word), stem(following)) if following else ()
            joined = self.vocab.joined(word, following) if following and pair not in self.vocab.concepts else None
            parts = None if joined or word in TEXTING else self.vocab.split(word)
            if parts and (
                self.english_zipf(word) >= SPLIT_MAX_ZIPF
                or pair in self.vocab.concepts
                or (out and (stem(out[-1]), stem(word)) in self.vocab.concepts)
                or word in self.vocab.signpost_words
            ):
                # ... nor a word of a phrase the vocabulary knows as typed ("global developmental delay"), nor a
                # word a signpost phrase uses ("reduced timetable" is no "time table").
                parts = None
            # ... or followed by an age ("mum 19, partner 30"): a person, not partner agencies.
            aged = following is not None and following.isdigit() and len(following) <= 2
            # ... and once the question has named the man in the household (`household`), "partners" later on
            # ("anything in the audit about partners?") is him again.
            if word in PARTNERS and (
                (out and out[-1] in PARTNER_OWNERS)
                or (household and not (out and out[-1] in NOT_HOUSEHOLD))
                or (
                    word == "partner" and (following in PERSON_VERBS or aged) and not (out and out[-1] in NOT_HOUSEHOLD)
                )
            ):
                # "her partner", "mum's partner", "partner has a history of DV": the man in the household, not
                # partner agencies.
                if out and out[-1] in PARTNER_OWNERS:
                    said = f"{out[-1]} {word}"
                elif household:
                    said = f"{word}, after the man in the household"
                else:
                    said = f"{word} {following}"
                notes[start + len(out)] = f"{said}: read as 'male {word}'"
                out += ["male", word]
            elif word in TEXTING:
                for part in words(TEXTING[word]):
                    notes[start + len(out)] = f"texting form {word!r}"
                    out.append(part)
            elif joined:
                notes[start + len(out)] = f"joined: {word} {following} -> {joined}"
                out.append(joined)
                index += 1
            elif (ing := self.dropped_g(word)) is not None:
                notes[start + len(out)] = f"texting form {word!r} -> {ing}"
                out.append(ing)
            elif (base := self.comparative(word)) is not None:
                notes[start + len(out)] = f"comparative: {word} -> {base}"
                out.append(base)
            elif parts:
                corrections[word] = " ".join(parts)
                for part in parts:
                    notes[start + len(out)] = f"run together: {word} -> {' '.join(parts)}"
                    out.append(part)
            else:
                out.append(word)
            index += 1
        return out

    def correct(
        self,
        typed: list[str],
        taken: list[bool],
        zipf: dict[str, float],
        corrections: dict[str, str],
        notes: dict[int, str],
        *,
        spelt: dict[str, str | None] | None = None,
    ) -> list[str]:
        """Each word as the vocabulary word it was likely meant to be: a typo within a few edits, else one that
        sounds the same or that the word abbreviates. `corrections` and `notes` record the changes."""
        fixed: list[str] = []
        for index, word in enumerate(typed):
            if word in STOPWORDS or taken[index]:
                fixed.append(word)
                continue
            correction, how = self.vocab.british(word), "British spelling"
            if correction is None:
                correction, how = self.typo(word, zipf, spelt), "typo"
            if correction is None:
                # A word one edit from completing a concept phrase with its neighbour ("early yeas", "cp choirs").
                before = fixed[-1] if fixed and fixed[-1] not in STOPWORDS else None
                after = typed[index + 1] if index + 1 < len(typed) and typed[index + 1] not in STOPWORDS else None
                correction, how = self.vocab.completes(word, before=before, after=after), "completes a phrase"
            if correction is None:
                correction, how = self.vocab.respell(word, zipf=zipf.get(word)) or (None, "")
                if how in ("abbreviation", "sounds like"):
                    # A word a letter off an everyday one ("meny", "ther", "meannt") is that word mistyped, not an
                    # abbreviation ("maternity") nor a word of a like sound ("theory", "minute").
                    plain = self.short_english_typo(word, zipf=zipf.get(word)) or self.english_swap(word)
                    if plain is None and len(word) > MAX_SHORT_TYPO and how == "sounds like" and correction:
                        # ... when the word of like sound is further off than a letter ("wirked" is "worked").
                        found = self.english_typo(word, zipf=zipf.get(word))
                        near = found and OSA.distance(word, found) < OSA.distance(word, correction)
                        plain = found if near and OSA.distance(word, found) == 1 else None
                    correction, how = (plain, "typo of an English word") if plain else (correction, how)
            if correction is None:
                correction, how = self.vocab.inflected(word), "inflection of a passage word"
            if correction is None:
                correction, how = self.vocab.root(word, zipf=zipf.get(word)), "same root"
            if correction is None:
                after = fixed[-1] if fixed else None
                correction = self.english_typo(word, zipf=zipf.get(word), after=after)
                how = "typo of an English word"
            if correction is not None:
                corrections[word] = correction
                notes[index] = f"{how}: {word} -> {correction}"
            fixed.append(correction or word)
        return fixed

    def typo(self, word: str, zipf: dict[str, float], spelt: dict[str, str | None] | None) -> str | None:
        """`Vocabulary.correct` for a typed word, remembered in `spelt` (the signposts and the units both ask)."""
        if spelt is None:
            return self.vocab.correct(word, zipf=zipf.get(word))
        if word not in spelt:
            spelt[word] = self.vocab.correct(word, zipf=zipf.get(word))
        return spelt[word]

    def common_english(self) -> dict[str, list[str]]:
        """The common English words by first letter (a typo keeps its first letter, and each search is a twentieth
        of the list), read on first use; never a slur or profanity (`OFFENSIVE_WORDS`)."""
        if self._common_english is None:
            self._common_english = defaultdict(list)
            rows = self.conn.execute("SELECT word FROM english WHERE zipf >= ? ORDER BY word", (COMMON_ENGLISH_ZIPF,))
            for (common,) in rows:
                if common not in OFFENSIVE_WORDS:
                    self._common_english[common[0]].append(common)
        return self._common_english

    def english_swap(self, word: str) -> str | None:
        """The common English word a non-word is with two letters the wrong way round ("rseet" -> "reset"), or
        None: the commonest typo of all, and closer than any abbreviation or like sound."""
        if not word.isalpha() or self.vocab.is_word(word):
            return None
        if self._common_set is None:
            self._common_set = {common for found in self.common_english().values() for common in found}
        return next((swapped for swapped in transpositions(word) if swapped in self._common_set), None)

    def short_english_typo(self, word: str, *, zipf: float | None = None) -> str | None:
        """The commonest English word one letter off a short non-word, when it is among the commonest words of all
        ("meny" -> "many"; not "sibs" -> "sobs", which abbreviates "siblings")."""
        if not word.isalpha() or self.vocab.is_word(word) or (zipf is not None and zipf >= REAL_WORD_ZIPF):
            return None
        candidates = self.common_english().get(word[0], [])
        near = [common for common in candidates if OSA.distance(word, common) == 1]
        if not near:
            return None
        commonness = self.english(set(near))
        best = max(near, key=lambda common: (commonness.get(common, 0.0), common))
        return best if commonness.get(best, 0.0) >= SHORT_TYPO_ZIPF else None

    def english_typo(self, word: str, *, zipf: float | None = None, after: str | None = None) -> str | None:
        """The common English word a non-word misspells ("actualy", "beter", "insted"), when no vocabulary word fits:
        read as the everyday word it is, it weighs as one instead of as a distinctive unknown word."""
        if len(word) < MIN_ENGLISH_TYPO or not word.isalpha() or self.vocab.is_word(word):
            return None
        if zipf is not None and zipf >= REAL_WORD_ZIPF:
            return None
        # A word that merely adds or drops letters at the end is another word, not this one mistyped ("offen" is
        # "often", not "offend"): as in `Vocabulary.correct`.
        near = [
            choice
            for choice, _score, _key in process.extract(
                word,
                self.common_english().get(word[0], []),
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=min(typo_cutoff(word), ENGLISH_TYPO_RATIO),
                limit=ENGLISH_TYPO_CHOICES,
            )
            if not (choice.startswith(word) or word.startswith(choice))
            and abs(len(choice) - len(word)) <= MAX_ENGLISH_TYPO_LENGTH_CHANGE
            # ... a short word one letter off ("offen"), where one letter is a large share of the word.
            and (len(word) > MAX_SHORT_ENGLISH_TYPO or OSA.distance(word, choice) == 1)
        ]
        if len(near) <= 1:
            return near[0] if near else None  # (no commonness to look up for a single candidate)
        # The fewest edits away, then the word that may follow the word before ("how offen" is "how often", not
        # "how offer"), then the commonest.
        commonness = self.english(set(near))
        follows = HOW_WORDS if after == "how" else frozenset()
        return min(
            near,
            key=lambda choice: (
                OSA.distance(word, choice),
                choice not in follows,
                -commonness.get(choice, 0.0),
                choice,
            ),
        )

    def capital_spans(self, typed: list[str], taken: list[bool], text: str, notes: dict[int, str]) -> list[Span]:
        """Acronyms that are also everyday words ("SEND"), typed in capitals in a question not all in capitals."""
        if not self.vocab.capital_variants or text.isupper():
            return []
        capitals = {word.lower() for word in _ACRONYM.findall(text)} & self.vocab.capital_variants.keys()
        spans: list[Span] = []
        for index, word in enumerate(typed):
            if word in capitals and not taken[index]:
                spans.append(([index], self.vocab.capital_variants[word]))
                taken[index] = True
                notes.setdefault(index, f"acronym typed in capitals: {word.upper()}")
        return spans

    def phrase_spans(
        self, fixed: list[str], stems: list[str], taken: list[bool], zipf: dict[str, float], notes: dict[int, str]
    ) -> list[Span]:
        """Concept phrases and the single content words left between them."""
        spans: list[Span] = []
        vocab = self.vocab
        # Phrases that only stopwords make into phrases ("turning up") are matched on the full word sequence.
        if vocab.full_keys:
            spans += longest_matches(
                stems,
                taken,
                longest=self.tuning.max_full_phrase,
                shortest=2,
                find=lambda key: vocab.concepts.get(key) if key in vocab.full_keys else None,
            )
        # ... and with one word more inside them ("asking more questions", "saying all the right things").
        spans += self.gapped_spans(fixed, stems, taken, zipf, notes)
        # Other phrases are matched on the content words, across stopwords ("voice of the child").
        content = [word not in STOPWORDS for word in fixed]
        # ... but not across a verb: "in how many cases did workers ..." holds no "case workers".
        apart = [taken[index] or word in RUN_BREAKS for index, word in enumerate(fixed)]
        for run in content_runs(content, apart):
            spans += self.clause_spans(run, stems, fixed, taken, zipf, notes)
        # ... then the words those left, as phrases and single words.
        apart = [taken[index] or word in RUN_BREAKS for index, word in enumerate(fixed)]
        for run in content_runs(content, apart):
            spans += self.run_spans(run, stems, fixed, zipf, notes)
        return spans

    def clause_spans(
        self,
        run: list[int],
        stems: list[str],
        fixed: list[str],
        taken: list[bool],
        zipf: dict[str, float],
        notes: dict[int, str],
    ) -> list[Span]:
        """Two-word concept phrases with an everyday word that names nothing said between their words ("the man who
        lives in the house": "man in the house"), where neither word makes a phrase with that word."""
        concepts = self.vocab.concepts
        spans: list[Span] = []
        for first, inside, last in zip(run, run[1:], run[2:], strict=False):
            if taken[first] or taken[last]:
                continue
            key = (stems[first], stems[last])
            if key not in concepts or (stems[inside],) in concepts:
                continue
            if zipf.get(fixed[inside], 0.0) < self.tuning.everyday_zipf:
                continue
            if (stems[first], stems[inside]) in concepts or (stems[inside], stems[last]) in concepts:
                continue
            spans.append(([first, last], concepts[key]))
            taken[first] = taken[last] = True
            notes.setdefault(first, f"phrase with a word inside: {fixed[first]} ... {fixed[last]}")
        return spans

    def gapped_spans(
        self, fixed: list[str], stems: list[str], taken: list[bool], zipf: dict[str, float], notes: dict[int, str]
    ) -> list[Span]:
        """Phrases matched on the full word sequence with one word typed inside them ("asking more questions",
        "asked enough questions"), a stopword or an everyday word naming no concept, or two stopwords ("joins it all
        up"); a word that names something changes the phrase ("on a CIN plan" is no "on a plan")."""
        vocab = self.vocab
        spans: list[Span] = []
        longest = min(self.tuning.max_full_phrase, vocab.max_phrase)
        for start in range(len(stems)):
            for length in range(longest, 2, -1):  # the key's words and the one inserted
                window = range(start, start + length)
                if window.stop > len(stems) or any(taken[index] for index in window):
                    continue
                found = None
                for gap in range(start + 1, window.stop - 1):
                    # One word inside, or two stopwords ("joins it all up", "asking them all questions").
                    for size in (1, 2):
                        inside = range(gap, gap + size)
                        if inside.stop > window.stop - 1:
                            continue
                        if size == 2 and not all(fixed[index] in STOPWORDS for index in inside):
                            continue
                        inserted = fixed[gap]
                        everyday = zipf.get(inserted, 0.0) >= self.tuning.everyday_zipf
                        if inserted not in STOPWORDS and (not everyday or (stems[gap],) in vocab.concepts):
                            continue
                        key = tuple(stems[index] for index in window if index not in inside)
                        if key in vocab.full_keys:
                            found = (inside, key)
                            break
                    if found is not None:
                        break
                if found is None:
                    continue
                gaps, key = found
                positions = [index for index in window if index not in gaps]
                spans.append((positions, vocab.concepts[key]))
                for index in positions:
                    taken[index] = True
                notes.setdefault(positions[0], f"phrase with a word inside: {' '.join(key)}")
                break
        return spans

    def run_spans(
        self, run: list[int], stems: list[str], fixed: list[str], zipf: dict[str, float], notes: dict[int, str]
    ) -> list[Span]:
        """Split one run of content words into the longest concept phrases, and single words."""
        spans: list[Span] = []
        cursor = 0
        while cursor < len(run):
            for length in range(min(self.vocab.max_phrase, len(run) - cursor), 0, -1):
                key = tuple(stems[index] for index in run[cursor : cursor + length])
                concept = self.vocab.concepts.get(key)
                if concept is None and (full := self.shortened(key, run[cursor : cursor + length], fixed, zipf)):
                    concept = self.vocab.concepts[full]
                    notes.setdefault(run[cursor], f"shortened: {' '.join(key)} -> {' '.join(full)}")
                # ... typed together, not across a word between ("mum and dad" qualifies neither).
                adjacent = length == 2 and run[cursor + 1] == run[cursor] + 1
                if (
                    concept is None
                    and adjacent
                    and not self.phrase_from(run, cursor + 1, stems)
                    and (concept := self.vocab.qualified(key)) is not None
                ):
                    notes.setdefault(
                        run[cursor], f"qualifies the concept as in another of its phrases: {' '.join(key)}"
                    )
                if concept is not None and length > 1:
                    length = self.yielded(run, cursor, length, stems, concept)
                if concept is not None or length == 1:
                    spans.append((run[cursor : cursor + length], concept))
                    cursor += length
                    break
        return spans

    def phrase_from(self, run: list[int], cursor: int, stems: list[str]) -> bool:
        """Whether a concept phrase of two words or more starts at `cursor` of the run: a pair qualifying a concept
        gives its second word to it ("mum male partner" is "mum" + "male partner", not "mum male" + "partner")."""
        longest = min(self.vocab.max_phrase, len(run) - cursor)
        return any(
            tuple(stems[index] for index in run[cursor : cursor + length]) in self.vocab.concepts
            for length in range(2, longest + 1)
        )

    def yielded(self, run: list[int], cursor: int, length: int, stems: list[str], concept: Concept) -> int:
        """The length of the phrase at `cursor` once it gives its last words to a longer phrase they start, where
        its first words alone still name the same concept: "TAC meeting attendance" is "TAC" + "meeting
        attendance", not "TAC meeting" + "attendance" (which, alone, reads as school attendance)."""
        concepts = self.vocab.concepts
        entries = thesaurus_entries(concept)
        for keep in range(1, length):
            shorter = concepts.get(tuple(stems[index] for index in run[cursor : cursor + keep]))
            if shorter is None or not entries or not entries <= set(shorter.labels):
                continue
            rest = run[cursor + keep :]
            for longer in range(min(self.vocab.max_phrase, len(rest)), length - keep, -1):
                if tuple(stems[index] for index in rest[:longer]) in concepts:
                    return keep
        return length

    def shortened(
        self, key: tuple[str, ...], positions: list[int], fixed: list[str], zipf: dict[str, float]
    ) -> tuple[str, ...] | None:
        """The concept phrase the words at `positions` shorten ("multi need" -> "multiple needs"), if one: a word
        shortened is no everyday English word itself ("work" is not short for "worker")."""
        full = self.vocab.lengthened(key)
        if full is None:
            return None
        shortened = [fixed[index] for index, part, whole in zip(positions, key, full, strict=True) if part != whole]
        if any(zipf.get(word, 0.0) >= self.tuning.everyday_zipf for word in shortened):
            return None
        return full

    @staticmethod
    def units(
        spans: list[Span], typed: list[str], fixed: list[str], stems: list[str], notes: dict[int, str]
    ) -> list[Unit]:
        """One unit per span, in question order; a word repeated in the question counts once."""
        units: list[Unit] = []
        for picked, concept in sorted(spans, key=lambda span: span[0][0]):
            unit = Unit(
                typed=tuple(typed[index] for index in picked),
                words=tuple(fixed[index] for index in picked),
                stems=tuple(stems[index] for index in picked),
                concept=None if concept is OFFTOPIC or signposted(concept) else concept,
                offtopic=concept is OFFTOPIC or signposted(concept),
                signpost=concept_topic(concept) if signposted(concept) else None,
                notes=list(dict.fromkeys(notes[index] for index in picked if index in notes)),
                positions=tuple(picked),
            )
            respelt = any(not note.startswith("texting") for note in unit.notes)
            unit.corrected = unit.typed != unit.words or respelt
            if all(existing.stems != unit.stems for existing in units):
                units.append(unit)
        return units

    def weigh(
        self,
        units: list[Unit],
        names: set[str],
        zipf: dict[str, float],
        *,
        family: bool = False,
        aside: set[int] | None = None,
        served: set[int] | None = None,
    ) -> None:
        """Set each unit's commonness and weight.

        Rejection rests on the absence of evidence for a learning topic: once the question names specific learning
        concepts, a word the passages never use weighs only `beside_concept` of what it would, so one unknown word
        cannot blank an answerable question; a workplace word gives way only to clearer evidence, or to a learning
        concept when `family`: the question names someone the case is about. Words at the positions `aside` (the
        case told, a closing thanks) are not counted as signs of another topic; concepts at the positions `served`
        (what a workplace matter is for: "TOIL for the LSCB training day") are no evidence against a workplace word.
        """
        tuning = self.tuning
        evidence = [unit for unit in units if unit.concept is not None and self.evidences(unit, zipf)]
        # Unknown English words beside the evidence say the question may be on something else ("ergonomic chair
        # for my desk", "child possessed, faith-based abuse"): they give way only to as many specific concepts, not
        # to a concept found in a large share of the passages ("family", "social care").
        specific = [unit for unit in evidence if self.weight(unit) >= tuning.specific_share * self.vocab.idf_max]
        # A single word of everyday English may be named in its everyday sense ("minutes" of a lunch break, "train"
        # strike, office "chair"): it counts as `everyday_evidence` of a specific concept.
        everyday = [
            len(unit.words) == 1 and max(zipf.get(word, 0.0) for word in unit.words) >= tuning.everyday_zipf
            for unit in specific
        ]
        strength = sum(tuning.everyday_evidence if plain else 1.0 for plain in everyday)
        # A phrase naming a broad learning concept ("the child's perspective", "core group") is evidence too, if
        # weaker: found in a large share of the passages, it still names a topic of the audits. Not an agency or a
        # role ("social workers", "A&E"): a concept naming agencies and no learning theme; a topic an agency owns
        # ("child in need plan": social care's, SMART planning) still counts.
        strength += tuning.everyday_evidence * sum(
            1
            for unit in evidence
            if unit not in specific
            and len(unit.words) > 1
            and unit.concept is not None
            and (bool(unit.concept.themes) or not unit.concept.agencies)
            and not names_agency(unit.concept)
        )
        for unit, plain in zip(specific, everyday, strict=True):
            unit.specific = not plain
        foreign = [
            unit
            for unit in sorted(units, key=lambda unit: min(unit.positions, default=0))
            if not unit.offtopic
            and self.unseen(unit)
            and 0.0 < typed_commonness(unit, zipf) < tuning.filler_zipf
            and not says_nothing(unit, names)
            and not (aside and unit.positions and aside.issuperset(unit.positions))
        ]
        learning = bool(evidence)
        # Unknown words typed together say one thing ("tick-box plans", "plans gathering dust"): each run counts once.
        runs = sum(
            1
            for index, unit in enumerate(foreign)
            if not index or min(unit.positions, default=-1) != max(foreign[index - 1].positions, default=-2) + 1
        )
        excused = learning and strength >= min(runs, tuning.excuse_cap)
        # A workplace word gives way only to clearer evidence: a concept phrase or two concepts, not one word ("the
        # dress code for court"); or a learning concept beside a family member the case is about ("dad works
        # overtime, never seen"), where the workplace word tells the family's life, not the asker's workplace.
        # A workplace phrase ("meeting room") is as clear as a concept phrase ("core group"): it takes two concepts.
        phrased = any(len(unit.words) > 1 for unit in evidence) and not any(
            unit.offtopic and len(unit.words) > 1 for unit in units
        )
        # ... said where the question asks, not in the case told beside it.
        asked = [
            unit
            for unit in evidence
            if not (aside and unit.positions and aside.issuperset(unit.positions))
            and not (served and unit.positions and served.issuperset(unit.positions))
        ]
        clear = len(asked) >= 2 or (phrased and bool(asked)) or (learning and family)
        for unit in units:
            if unit.signpost:
                unit.weight = self.vocab.idf_max * tuning.offtopic_weight
                unit.notes.append(f"safeguarding topic the audits do not cover: signpost {unit.signpost}")
                continue
            if unit.offtopic:
                unit.weight = self.vocab.idf_max * tuning.offtopic_weight
                if clear:
                    unit.weight *= tuning.beside_concept
                    unit.notes.append("workplace word, weighed lightly: the question names a learning topic")
                continue
            if (len(unit.words) == 1 and set(unit.words) <= INTENT_WORDS) or (
                len(unit.words) > 1 and set(unit.words) <= INTENT_WORDS | ASKING_WORDS
            ):
                # "how many", "purpose", "to action": says what is asked, which the intent carries, not the topic
                # (even where the word alone also names a concept: "action" the plan outcomes).
                unit.commonness = tuning.filler_zipf
                unit.weight = self.weight(unit) * tuning.filler_weight
                unit.notes.append("intent word: weighed as filler")
                continue
            unknown = unit.concept is None and not (set(unit.stems) & self.vocab.known_stems)
            if unknown and says_nothing(unit, names):
                # A name, stray letters or a number: it says nothing about the topic.
                unit.commonness = tuning.filler_zipf
                unit.notes.append("name, number or stray letters: filler")
            else:
                unit.commonness = typed_commonness(unit, zipf)
            unit.weight = self.weight(unit)
            if self.unseen(unit) and excused and unit.commonness < tuning.filler_zipf:
                unit.weight *= tuning.beside_concept
                unit.notes.append("unknown word, weighed lightly: the question names a learning topic")
            elif unit in foreign and learning:
                counts = f"{runs} runs of unknown words beside {len(specific)} specific concepts"
                unit.notes.append(f"{UNKNOWN_FULLY}: {counts}")
            elif learning and unit.concept is None and unit.commonness > tuning.distinctive_zipf:
                unit.weight *= tuning.everyday_beside_concept
                unit.notes.append("everyday word, weighed lightly: the question names a learning topic")

    @staticmethod
    def weigh_cast(units: list[Unit]) -> None:
        """A family member named beside a specific learning concept ("workers taking what mum says at face value"):
        whom the practice concerns, not the topic. As a broad concept (parents and carers) it weighs `CAST_SHARE`;
        not again in a case told or its scene (weighed there already), nor where it names an audit ("the families
        audit")."""
        if not any(
            unit.specific and unit.concept is not None and not FAMILY_WORDS.issuperset(unit.typed) for unit in units
        ):
            return
        for unit in units:
            if unit.scene or unit.told or unit.titles:
                continue
            if unit.concept is not None and not unit.specific and unit.typed and FAMILY_WORDS.issuperset(unit.typed):
                unit.weight *= CAST_SHARE
                unit.notes.append("a family member beside a specific learning concept: whom it concerns")

    def as_filler(self, unit: Unit, why: str) -> None:
        """Weigh a unit as everyday filler: it says what or which is asked, not what about."""
        unit.commonness = self.tuning.filler_zipf
        unit.weight *= self.tuning.filler_weight
        unit.notes.append(f"{why}: weighed as filler")

    def unseen(self, unit: Unit) -> bool:
        """A word no passage uses on its own (unknown, or known only inside a longer phrase: "lunch" of "lunch and
        learn")."""
        return unit.concept is None and not (set(unit.stems) & self.vocab.stem_df.keys())

    def describe(self, units: list[Unit]) -> None:
        """A concept the question describes instead of naming ("taking what families say at face value" is
        professional curiosity): the glossary definition or theme description sharing the most weighted stems
        with the question's words, when it shares enough. Its unit joins the question; the words it explains
        weigh `beside_concept` of what they did."""
        tuning = self.tuning
        named = {unit.concept.labels[0] for unit in units if unit.concept and unit.concept.labels}
        words_ = [unit for unit in units if unit.concept is None and not unit.offtopic and unit.weight > 0]
        stems_ = {part for unit in units if not unit.offtopic for part in unit.stems}
        # A single-word concept says its report words too ("mum" is a parent): descriptions are told in those.
        stems_ |= {
            part
            for unit in units
            if unit.concept is not None and len(unit.stems) == 1 and not unit.signpost
            for key in unit.concept.expansions
            if len(key) == 1
            for part in key
        }
        best: tuple[float, Description] | None = None
        for description in self.vocab.descriptions:
            shared = stems_.intersection(description.weights)
            own = [unit for unit in words_ if not shared.isdisjoint(unit.stems)]
            score = sum(description.weights[part] for part in shared)
            enough = len(shared) >= tuning.description_stems and own and score >= tuning.description_score
            if enough and (best is None or score > best[0]):
                best = (score, description)
        if best is None:
            return
        description = best[1]
        concept = self.vocab.concepts[description.key]
        explained = [unit for unit in words_ if not set(unit.stems).isdisjoint(description.weights)]
        if concept.labels and concept.labels[0] in named:
            # The question names the concept and describes it too ("workers just accepting what they're told, not
            # digging deeper"): the describing words are explained by the concept named, no sign of another topic.
            unknown = any(note.startswith(UNKNOWN_FULLY) for part in explained for note in part.notes)
            for part in explained:
                if part.weight > 0:
                    part.weight *= tuning.beside_concept
                    part.notes.append(f"explained by the named concept's description {description.label}")
            if unknown:
                # A run of unknown words it explains was counted against the concept: one more run is excused.
                self.excuse_run(units, explained, description.label)
            return
        shared_words = [word for unit in explained for word in unit.words]
        unit = Unit(
            typed=tuple(shared_words),
            words=tuple(words(description.name)),
            stems=description.key,
            concept=concept,
            positions=tuple(sorted({position for part in explained for position in part.positions})),
        )
        unit.weight = min(self.weight(unit), max(part.weight for part in explained))
        unit.notes.append(
            f"described: {description.label} (shares {', '.join(sorted(description.weights.keys() & stems_))})"
        )
        for part in explained:
            part.weight *= tuning.beside_concept
            part.notes.append(f"explained by the described concept {description.label}")
        units.append(unit)
        # The described concept is evidence of a learning topic as a named one is: it excuses one more run of
        # unknown words ("... don't dig or ask the awkward questions").
        if self.weight(unit) >= tuning.specific_share * self.vocab.idf_max:
            self.excuse_run(units, explained, description.label)

    def excuse_run(self, units: list[Unit], explained: list[Unit], label: str) -> None:
        """Weigh lightly the first run of unknown words weighed fully that `explained` leaves."""
        full = [
            part
            for part in units
            if part not in explained and any(note.startswith(UNKNOWN_FULLY) for note in part.notes)
        ]
        first_run = full[:1]
        for part in full[1:]:
            if min(part.positions, default=-1) == max(first_run[-1].positions, default=-2) + 1:
                first_run.append(part)
        for part in first_run:
            part.weight *= self.tuning.beside_concept
            part.notes.append(f"unknown word, weighed lightly: the question describes {label}")

    @staticmethod
    def frame_units(units: list[Unit], framed: set[int], framed_alone: set[int]) -> list[Unit]:
        """The units of a clause asking whether the audits cover what was said before it ("... - did the audits pick
        that up?", "... Was that flagged in the audit?"), when what was said names a learning concept: their words
        say what is asked, not what about. In the topic's own sentence a concept among them ("pick up" as
        identifying risk) is no topic of the question; as a sentence of its own it still asks something of the case
        told before it (see `told_sentences`), and only weighs as filler."""
        both = framed | framed_alone
        inside = [unit for unit in units if unit.positions and both.issuperset(unit.positions)]
        before = [unit for unit in units if unit not in inside and unit.concept is not None and not unit.offtopic]
        if not inside or not before:
            return []
        for unit in inside:
            if framed.issuperset(unit.positions) and not (unit.signpost or unit.offtopic or unit.titles):
                unit.concept = None
        return [unit for unit in inside if not unit.signpost and not unit.offtopic and not unit.titles]

    @staticmethod
    def preamble(units: list[Unit], sentence_of: list[int], asking: set[int], typed: list[str]) -> set[int]:
        """Sentences before the one asking that ask nothing and name no learning concept ("Hi all, covering for a
        colleague this week."): the asker's circumstances, no sign that the question is on something else."""
        named = {sentence_of[unit.positions[0]] for unit in units if unit.positions and unit.concept is not None}
        # (A word typed again is no unit again: the sentence it is typed in again names its concept too.)
        again = {part for unit in units if unit.concept is not None and unit.positions for part in unit.stems}
        named |= {
            sentence_of[index] for index, word in enumerate(typed) if word not in STOPWORDS and stem(word) in again
        }
        if not named:
            return set()
        return {
            number
            for number in range(max(named))
            if number not in named
            and number not in asking
            and not any(
                unit.positions and sentence_of[unit.positions[0]] == number and (unit.signpost or unit.offtopic)
                for unit in units
            )
        }

    @staticmethod
    def told_sentences(units: list[Unit], parts: list[str], sentence_of: list[int], asking: set[int]) -> set[int]:
        """The sentences that tell a case, when the question tells one and its asking sentences (`asking`: see
        `is_need`) name a topic of their own ("... what does the learning say about core groups?"); none when the
        asking names nothing ("What should I do?"): then the case is the topic."""
        need = set(asking)
        # A few words after an asking sentence name what it asks about ("... do I need to notify anyone? private
        # fostering"): a label of the need, not the case.
        # So does a list of topics, telling nothing ("... what was the audit about? domestic abuse, drink and drugs").
        need |= {
            number
            for number in range(1, len(parts))
            if number - 1 in need
            and (len(words(parts[number])) <= TOPIC_LABEL_WORDS or TELLING_WORDS.isdisjoint(words(parts[number])))
        }
        if not need or len(need) == len(parts):
            return set()
        asked = [unit for unit in units if unit.positions and sentence_of[unit.positions[0]] in need]
        # A workplace matter asked after a story ("I'm a social worker with a busy caseload. Is the canteen open?")
        # is asked about the workplace, whatever the story names.
        workplace = any(unit.offtopic for unit in asked)
        # ... an audit's name is no topic of the asking's own ("did the disability audit come across this?").
        if not workplace and not any(
            unit.concept is not None and not unit.offtopic and not unit.titles for unit in asked
        ):
            return set()
        return set(range(len(parts))) - need

    @staticmethod
    def served(units: list[Unit], typed: list[str], sentence_of: list[int]) -> set[int]:
        """The positions after a workplace word and "for", to the end of its sentence ("can I get TOIL for the
        LSCB training day", "mileage for the MASE panel"): what the workplace matter is for, not what is asked."""
        served: set[int] = set()
        named = {position for unit in units if unit.concept is not None for position in unit.positions}
        for unit in units:
            if not unit.offtopic or unit.signpost or not unit.positions:
                continue
            # ... or "for" a few words on, where only its place is said ("parking at the civic centre for the core
            # group"), no learning concept.
            start = max(unit.positions) + 1
            for after in range(start, min(start + SERVED_REACH, len(typed))):
                if after in named or sentence_of[after] != sentence_of[start - 1]:
                    break
                if typed[after] == "for":
                    sentence = sentence_of[after]
                    served |= {index for index in range(after + 1, len(typed)) if sentence_of[index] == sentence}
                    break
        return served

    def weigh_narrative(self, units: list[Unit], told: set[int], sentence_of: list[int]) -> None:
        """The case's words weigh `narrative_share`: the need outweighs the narrative."""
        for unit in units:
            if unit.positions and all(sentence_of[position] in told for position in unit.positions):
                # A broad topic in the case ("family", "a parent", "school") is its setting: it weighs less again.
                broad = unit.concept is not None and not unit.specific and not unit.signpost
                unit.weight *= self.tuning.narrative_share * (0.5 if broad else 1.0)
                unit.told = True
                unit.notes.append("narrative: told as the case, not asked")

    @staticmethod
    def weigh_background(
        units: list[Unit],
        sentences_: int,
        sentence_of: list[int],
        asking: set[int],
        *,
        framing: bool = False,
        typed: Sequence[str] = (),
    ) -> None:
        """A case told before an ask naming nothing ("... What should be happening?") is the topic, and its last
        sentence is usually its point (the plan, the meeting, what went wrong); the sentences before set the scene
        ("family with twins aged 2, dad has depression") and weigh `SCENE_SHARE`. A signposted topic in the scene is
        background (`SCENE_SIGNPOST_NOTE`, see `signposts_told`) when the ask only asks whether the audits cover it
        (`framing`: "... Was this raised in the audit?"), the point naming a learning concept of practice, not only the
        family ("... the police record says nothing of what he wanted")."""
        if not asking or max(asking) != sentences_ - 1:
            return
        case = list(range(min(asking)))
        if len(case) < 2:
            return
        scene = set(case[:-1])
        point = case[-1]
        if not any(
            unit.concept is not None for unit in units if unit.positions and sentence_of[unit.positions[0]] == point
        ):
            return
        # ... or when the ask names a learning topic of its own ("... anything in the audit about partners?").
        # (A word named twice is one unit, at its first place: the ask's words are looked up by their stems.)
        asked = {stem(word) for word, number in zip(typed, sentence_of, strict=False) if number in asking}
        asks_topic = any(
            unit.concept is not None and not unit.signpost and set(unit.stems) & asked - STOP_STEMS for unit in units
        )
        # ... a point on practice, not what the family says ("... Mum says he was at his cousin's").
        practice = (framing or asks_topic) and any(
            unit.concept is not None and not unit.signpost and FAMILY_WORDS.isdisjoint(unit.words)
            for unit in units
            if unit.positions and sentence_of[unit.positions[0]] == point
        )
        for unit in units:
            if unit.positions and all(sentence_of[position] in scene for position in unit.positions):
                # The family named in the scene ("mum", "dad") is its cast, not its point.
                unit.weight *= SCENE_SHARE * (CAST_SHARE if FAMILY_WORDS.issuperset(unit.typed) else 1.0)
                unit.scene = True
                unit.notes.append("scene: told before the point of the case")
                if unit.signpost and practice:
                    unit.notes.append(SCENE_SIGNPOST_NOTE)

    def weigh_contrast(self, units: list[Unit], typed: list[str]) -> None:
        """In a question of a dozen words or more, what comes before its last "but" is background and what comes
        after it the point ("family of three autistic boys, I work with the middle one, but every visit ends up
        about the eldest"): the words before weigh `CONTRAST_SHARE`, if a concept is named after it. A signposted
        topic before it is background too when a specific learning concept follows ("she has an eating disorder,
        but nobody checked the plan was SMART"): see `signposts_told`."""
        if len(typed) < CONTRAST_MIN_WORDS:
            return
        cuts = [
            index
            for index, word in enumerate(typed)
            if word in CONTRAST_WORDS
            and not (word == "yet" and not NEGATIONS.isdisjoint(typed[max(index - YET_REACH, 0) : index]))
            # ... nor "yet another", "yet again": one more.
            and not (word == "yet" and typed[index + 1 : index + 2] in (["another"], ["again"], ["more"]))
        ]
        if not cuts:
            return
        cut = cuts[-1]
        if not any(unit.positions and min(unit.positions) > cut and unit.concept is not None for unit in units):
            return
        # A signposted topic is background only when a specific learning concept is the point.
        pointed = any(
            unit.positions and min(unit.positions) > cut and unit.specific and unit.concept and not unit.signpost
            for unit in units
        )
        # ... or a learning concept follows, and the words before it name a specific one beside the signposted topic
        # ("his wishes are written up by the short breaks team, but the assessment doesn't mention them").
        pointed = pointed or (
            any(unit.positions and min(unit.positions) > cut and unit.concept and not unit.signpost for unit in units)
            and any(
                unit.positions and max(unit.positions) < cut and unit.specific and unit.concept and not unit.signpost
                for unit in units
            )
        )
        for unit in units:
            if unit.positions and max(unit.positions) < cut:
                unit.weight *= CONTRAST_SHARE
                unit.notes.append(BACKGROUND_NOTE if pointed or not unit.signpost else "before the question's 'but'")

    def stopword_agency(self, typed: list[str]) -> list[Unit]:
        """For a question asking what is asked of an agency and naming no topic, the agency named by a word usually
        dropped as being about the audits themselves ("what is asked of the LSCB?"; not "the LSCB audits"), as a
        unit; else none."""
        for index, word in enumerate(typed):
            concept = self.vocab.stopword_agencies.get(word)
            following = typed[index + 1] if index + 1 < len(typed) else ""
            if concept is not None and following not in AUDIT_WORDS:
                unit = Unit(typed=(word,), words=(word,), stems=(stem(word),), concept=concept, positions=(index,))
                unit.notes.append("the agency the question names (nothing else is asked about)")
                return [unit]
        return []

    def weigh_introduction(
        self, units: list[Unit], typed: list[str], sentence_of: list[int], lead: list[int] | None = None
    ) -> None:
        """The asker's own role, as they introduce themselves ("I'm a community midwife. ..."), weighs as the case
        told (`narrative_share`) when the question names a concept besides: it says who asks, and the learning asked
        for need not name them (an agency question keeps the role: see `Query.named_agencies`)."""
        role = introduction_positions(typed, sentence_of) | self.signed_role(units, typed, sentence_of, lead)
        if not role:
            return
        # ... unless what is asked is about the asker's own workplace ("how is our department doing?"): then the
        # role they introduced is its topic.
        if any(
            word in WORKPLACE_NOUNS and typed[index - 1] in FIRST_PERSON_OWNERS and index - 1 not in role
            for index, word in enumerate(typed)
            if index
        ):
            return
        introduced = [unit for unit in units if unit.positions and role.issuperset(unit.positions)]
        if not introduced or not any(unit.concept is not None and unit not in introduced for unit in units):
            return
        for unit in introduced:
            unit.weight *= self.tuning.narrative_share
            unit.notes.append("the asker's own role: weighed as the case told")

    @staticmethod
    def signed_role(
        units: list[Unit], typed: list[str], sentence_of: list[int], lead: list[int] | None = None
    ) -> set[int]:
        """A first sentence that is only a role, before the case ("Children's centre FSW. I'm lead professional on a
        CAF ..."): the asker signing in with their role. Every unit in it names an agency; it tells nothing. So is a
        first clause a dash or colon ends ("midwife - pregnant mum, ...", "HV: ...")."""
        first = [index for index, number in enumerate(sentence_of) if number == 0]
        if lead and len(lead) <= ROLE_REACH + 1 and typed[len(lead)] not in NEED_STARTS:
            # ... told before the case, not before what is asked of it ("FSWs - what did they do well?").
            first = lead
        elif not first or len(first) > ROLE_REACH + 1 or sentence_of[-1] == 0:
            return set()
        if not TELLING_WORDS.isdisjoint(typed[index] for index in first):
            return set()
        inside = [unit for unit in units if unit.positions and set(unit.positions) <= set(first)]
        named = [unit for unit in inside if unit.concept is not None]
        if not named or not all(names_agency(unit.concept) for unit in named):
            return set()
        if any(unit.concept is None and unit.stems and set(unit.stems) - STOP_STEMS for unit in inside):
            return set()  # a word besides the role: not a signature
        return set(first)

    def weigh_askers(self, units: list[Unit], typed: list[str], sentence_of: list[int]) -> None:
        """Who asks ("my manager asked me if the audits said anything about the CAF team") weighs as filler, when
        what they ask names a concept: the manager is not the topic."""
        for asker, verb in asker_positions(typed, sentence_of):
            asked = [
                unit
                for unit in units
                if unit.concept is not None
                and unit.positions
                and min(unit.positions) > verb
                and sentence_of[min(unit.positions)] == sentence_of[verb]
            ]
            if not asked:
                continue
            for unit in units:
                if unit.positions and asker.issuperset(unit.positions):
                    self.as_filler(unit, "who asks, not what is asked")

    def paired_readings(self, units: list[Unit], fixed: list[str], sentence_of: list[int]) -> None:
        """Each pairing's words, naming nothing themselves, within its reach before one of its concepts in the same
        sentence, are read as the pairing's concept (see `PAIRINGS`)."""
        for pairing in PAIRINGS:
            targets = [
                unit
                for unit in units
                if unit.concept is not None and unit.positions and pairing.before & set(unit.concept.labels)
            ]
            concept = self.vocab.entry_concept(pairing.entry) if targets else None
            if concept is None:
                continue
            longest = max(len(phrase) for phrase in pairing.phrases)
            spans: list[list[int]] = []
            start = 0
            while start < len(fixed):
                length = next(
                    (
                        size
                        for size in range(min(longest, len(fixed) - start), 0, -1)
                        if tuple(fixed[start : start + size]) in pairing.phrases
                    ),
                    0,
                )
                if not length:
                    start += 1
                    continue
                if spans and spans[-1][-1] == start - 1 and sentence_of[spans[-1][-1]] == sentence_of[start]:
                    spans[-1].extend(range(start, start + length))  # "a string of different caseworkers"
                else:
                    spans.append(list(range(start, start + length)))
                start += length
            for span in spans:
                self.read_paired(units, fixed, sentence_of, span, targets, pairing, concept)

    def kept_doing(self, units: list[Unit], fixed: list[str]) -> None:
        """ "keep" before an "-ing" word ("we keep inviting them", "she kept cancelling") says it happened again and
        again: the word "keep" is read as the thesaurus entry `REPEATED_ENTRY` ("repeatedly inviting services"),
        weighing what it weighed as a word. Read once the question is weighed: it says how often, not what about, so
        it neither names the topic nor excuses unknown words."""
        for unit in units:
            if unit.concept is not None or len(unit.positions) != 1 or unit.words[0] not in KEEP_WORDS:
                continue
            after = unit.positions[0] + 1
            if after < len(fixed) and fixed[after].endswith("ing") and len(fixed[after]) >= MIN_ING_WORD:
                concept = self.vocab.entry_concept(REPEATED_ENTRY)
                if concept is None:
                    return
                unit.concept = concept
                unit.notes.append("keeps doing it: read as repeatedly")

    def read_paired(
        self,
        units: list[Unit],
        fixed: list[str],
        sentence_of: list[int],
        span: list[int],
        targets: list[Unit],
        pairing: Pairing,
        concept: Concept,
    ) -> None:
        """The words at `span` as `pairing`'s concept, if they come within its reach before one of `targets` in
        their sentence and name nothing themselves (stopwords, "so many", make a unit of their own)."""
        if len({sentence_of[index] for index in span}) > 1 or not any(
            sentence_of[unit.positions[0]] == sentence_of[span[0]]
            and 0 < min(unit.positions) - span[-1] <= pairing.reach
            for unit in targets
        ):
            return
        spanned = set(span)
        inside = [unit for unit in units if unit.positions and spanned.issuperset(unit.positions)]
        if any(unit.concept is not None or unit.signpost for unit in inside):
            return
        if any(
            unit.positions and not spanned.issuperset(unit.positions) and spanned & set(unit.positions)
            for unit in units
        ):
            return  # part of a longer unit
        phrase = tuple(fixed[index] for index in span)
        paired = Unit(
            typed=phrase,
            words=phrase,
            stems=tuple(stem(word) for word in phrase),
            concept=concept,
            positions=tuple(span),
        )
        paired.notes.append(pairing.note)
        place = (
            units.index(inside[0])
            if inside
            else next(
                (index for index, unit in enumerate(units) if unit.positions and min(unit.positions) > span[-1]),
                len(units),
            )
        )
        units[:] = [unit for unit in units if not any(unit is taken for taken in inside)]
        units.insert(place, paired)

    @staticmethod
    def weigh_repeats(units: list[Unit]) -> None:
        """A concept named twice over ("the council's social care", "the LA children's services") is one thing
        asked about: the heavier naming weighs fully, the other `REPEAT_SHARE` of its weight. Named apart ("cerebral
        palsy ... autistic"), they are two things."""
        last: dict[tuple[str, ...], Unit] = {}
        for unit in sorted(units, key=lambda unit: min(unit.positions, default=-1)):
            if unit.concept is None or not unit.weight or not unit.positions:
                continue
            key = tuple(sorted(unit.concept.labels))
            other = last.get(key)
            last[key] = unit
            if other is None or min(unit.positions) - max(other.positions) > REPEAT_REACH:
                continue
            lighter = unit if unit.weight <= other.weight else other
            lighter.weight *= REPEAT_SHARE
            lighter.notes.append(f"names again a concept the question names: weighs {REPEAT_SHARE:g} of its weight")

    @staticmethod
    def signposts_told(units: list[Unit], told: set[int], sentence_of: list[int], typed: list[str]) -> bool:
        """Whether every signposted topic is only in the case told; if so, the signposted words are the case's
        detail: they weigh nothing, and the question is answered (the signpost beside it). Not when what is asked
        is what to do in the case ("... Should I refer him?", "... Do we have to record a crime?"): that decision
        is the signposted topic's procedures, not the audits' learning."""
        signposted = [unit for unit in units if unit.signpost and unit.positions]
        if not signposted or not all(
            sentence_of[unit.positions[0]] in told or not BACKGROUNDS.isdisjoint(unit.notes) for unit in signposted
        ):
            return False
        if BACKGROUNDS.isdisjoint({note for unit in signposted for note in unit.notes}) and decides_the_case(
            typed, sentence_of, told
        ):
            return False
        for unit in signposted:
            unit.weight = 0.0
            unit.notes.append("told as the case, not asked: the signpost is shown beside the answer")
        return True

    def evidences(self, unit: Unit, zipf: dict[str, float]) -> bool:
        """Whether a concept unit is evidence of a learning topic: a phrase, a name (agency, theme, glossary term,
        audit), or a thesaurus word that is not everyday English ("quick" and "time" name the delay concept but
        say nothing on their own about what the question is on)."""
        if unit.concept is None:
            return False
        commonness = max((zipf.get(word, 0.0) for word in unit.words), default=0.0)
        named = any(not label.startswith("thesaurus:") for label in unit.concept.labels)
        return len(unit.words) > 1 or named or commonness < self.tuning.evidence_zipf

    def dropped_g(self, word: str) -> str | None:
        """An "-ing" word typed without its "g" ("changin", "nothin"): one neither the knowledge base nor English
        knows, whose "-ing" form is ordinary English."""
        if len(word) < MIN_DROPPED_G or not word.endswith("in") or not word.isalpha() or self.vocab.is_word(word):
            return None
        if word + "g" in OFFENSIVE_WORDS:
            return None
        zipf = self.english({word, word + "g"})
        if zipf.get(word, 0.0) >= REAL_WORD_ZIPF or zipf.get(word + "g", 0.0) < DROPPED_G_ZIPF:
            return None
        return word + "g"

    def comparative(self, word: str) -> str | None:
        """The adjective a comparative or superlative the knowledge base does not know is made from ("riskier" ->
        "risky", "scariest" -> "scary", "bigger" -> "big"), when the passages know that adjective and the word is
        no everyday English of its own ("earlier" stays, it is not "early")."""
        if len(word) < MIN_COMPARATIVE or not word.isalpha() or self.vocab.is_word(word):
            return None
        if self.english_zipf(word) >= COMPARATIVE_MAX_ZIPF:
            return None
        for ending, replacement in COMPARATIVE_ENDINGS:
            if word.endswith(ending):
                base = word[: -len(ending)] + replacement
                if len(base) >= 3 and base[-1] == base[-2] and base[-1] not in "aeiouls":
                    base = base[:-1]  # "bigger" -> "big"
                if self.vocab.is_word(base) and base not in STOPWORDS:
                    return base
        return None

    def english_zipf(self, word: str) -> float:
        """How common one word is in ordinary English (Zipf scale; 0 when not listed)."""
        return self.english({word}).get(word, 0.0)

    def english(self, words_: set[str]) -> dict[str, float]:
        """How common each word is in ordinary English (Zipf scale); words not listed are absent."""
        if not words_:
            return {}
        placeholders = ",".join("?" * len(words_))
        return dict(self.conn.execute(f"SELECT word, zipf FROM english WHERE word IN ({placeholders})", sorted(words_)))

    def weight(self, unit: Unit) -> float:
        """How much a unit says about the question's topic: the IDF of its words or of its concept's phrases."""
        vocab, tuning = self.vocab, self.tuning
        known = [vocab.idf(part) for part in unit.stems if part in vocab.stem_df and part not in STOP_STEMS]
        if known and unit.concept is None:
            # An everyday word the passages happen to use ("common", "known") is weak evidence either way.
            return max(known) * max(filler_discount(unit.commonness, tuning), tuning.known_filler_weight)
        if known:
            return max(known)
        if unit.concept is not None:
            expansions = [sum(vocab.idf(part) for part in key) / len(key) for key in unit.concept.expansions if key]
            if expansions:
                return max(expansions)
            return vocab.idf_max * tuning.unknown_weight
        # A word the knowledge base has never seen: distinctive words ("radicalisation", "wifi") say the
        # question is about something else; everyday filler ("actually", "days") says little.
        return vocab.idf_max * tuning.unknown_weight * filler_discount(unit.commonness, tuning)
