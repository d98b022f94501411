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
# "4 month old", "6-week-old": a baby.
_BABY_AGE = re.compile(r"\b\d{1,2}\s*-?\s*(?:months?|mths?|weeks?|wks?)\s*-?\s*old\b")
_DIGIT = re.compile(r"\d")
_POSSESSIVE = re.compile(r"(?<=[a-z])'s?(?![a-z])")
# "she'd", "I'll": without the apostrophe they would read as other words ("shed", "ill", "well").
_CONTRACTION = re.compile(r"(?<=[a-z])'(d|ll)(?![a-z])")
_CONTRACTED = {"d": " would", "ll": " will"}
_APOSTROPHE_LIKE = ("\u2019", "\u2018", "`", "\u02bc")
# Combining diacritical marks (accents on Latin, Greek and Cyrillic letters); other scripts' marks are kept.
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# Latin letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSABLE = dict(zip("øØłŁđĐıæÆœŒß", "o O l L d D i ae AE oe OE ss".split(), strict=True))
_UNDECOMPOSABLE_LETTER = re.compile("[" + "".join(_UNDECOMPOSABLE) + "]")  # (str.translate is slow)

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
    # Irregular past forms, folded to the verb ("parents who said all the right things": saying the right things).
    "said": "say",
    "told": "tell",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "kept": "keep",
    "brought": "bring",
    "heard": "hear",
    "spoke": "speak",
    "spoken": "speak",
    "thought": "think",
    "knew": "know",
    "known": "know",
    "felt": "feel",
    "sat": "sit",
    "wrote": "write",
    "written": "write",
    "saw": "see",
    "seen": "see",
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
    thanks thank cheers ok okay pls audit audits audited auditor auditors report reports board lscb say said says
    mention mentioned mentions learn learnt learned learning finding findings recommend recommends recommended
    recommendation recommendations shes hes thats theres whats wheres whos youre theyre weve youve theyve youll
    itll lets thru alot asks tells shows finds knows thinks gets
    question questions query queries dm dms pm fyi btw tbh imo asap eg ie aka qq
    actually basically literally totally honestly genuinely simply obviously definitely seriously absolutely
    conclude concluded concludes conclusion conclusions reveal revealed reveals uncover uncovered discover
    discovered
    """.split()
)

# A message made only of thanks or a greeting and these words ("thanks, really helpful", "morning all") is social,
# not a question: it is answered in kind, never searched.
THANKS_WORDS = frozenset({"thanks", "thank", "cheers", "ta", "ty", "appreciated", "appreciate"})
GREETING_WORDS = frozenset({"hi", "hello", "hey", "hiya", "morning", "afternoon", "evening", "greetings"})
SOCIAL_WORDS = (
    THANKS_WORDS
    | GREETING_WORDS
    | frozenset(
        {
            *("helpful", "useful", "great", "brilliant", "perfect", "lovely", "amazing", "awesome", "cool", "nice"),
            *("good", "excellent", "fab", "fantastic", "super", "again", "mate", "everyone", "all", "bot", "folks"),
            *("team", "guys", "x", "xx", "bye", "night", "day", "you", "lot", "loads", "massively", "v", "cheers"),
        }
    )
)


def social(words_: list[str]) -> str | None:
    """ "thanks" for a message of thanks, "greeting" for a greeting (see SOCIAL_WORDS), None for anything else."""
    present = set(words_)
    if not present or not present <= SOCIAL_WORDS | STOPWORDS:
        return None
    if present & THANKS_WORDS:
        return "thanks"
    return "greeting" if present & GREETING_WORDS else None


# Asking the bot to do a task for the asker ("can you write my conference report", "could you book me a room"):
# it finds learning, it does no tasks. The verbs of finding ("find", "show", "list", "check what", "send me") are
# questions.
TASK_VERBS = frozenset(
    {"write", "draft", "book", "fill", "complete", "ring", "call", "phone", "remind", "schedule", "arrange", "print"}
    | {"upload", "type", "submit", "sign", "order", "proofread", "approve", "cancel"}
)
ASKED_OF = frozenset({"can", "could", "would", "will"})


def asks_a_task(words_: list[str]) -> bool:
    """Whether a message asks the bot to do something for the asker rather than asking what the audits say."""
    for index in range(len(words_) - 2):
        if words_[index] in ASKED_OF and words_[index + 1] in ("you", "u"):
            rest = [word for word in words_[index + 2 : index + 4] if word not in ("please", "pls", "just")]
            return bool(rest) and rest[0] in TASK_VERBS
    return False


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
        "differently",
        # Asking what is expected or for advice asks for the recommendations.
        "supposed",
        "expected",
        "acceptable",
        "advice",
        "tips",
        "guidance",
        "guide",
    ]
)
# Cues that are nouns naming what plans and reports hold ("vague actions", "areas for improvement"): beside a verb
# asking what was found ("what did the audits find"), they name the topic, not what is asked.
RECOMMENDATION_NOUNS = frozenset({"action", "actions", "improvement", "recommendation", "recommendations"})
# The verbs that ask what the audits found.
FINDING_VERBS = frozenset(
    "find found show showed conclude concluded reveal revealed uncover uncovered discover discovered".split()
)
# (How well something worked is asked of the findings too: "good", "well", "effective", "common", "working".)
FINDING_CUES = frozenset(
    "find finding findings found evidence evidenced show showed good well effective effectively common working"
    " conclude concluded conclusion conclusions reveal revealed uncover uncovered discover discovered".split()
)

# Asking what to do, or whether something is required, asks for the recommendations ...
RECOMMENDATION_PHRASES = frozenset(
    {
        ("need", "to"),
        ("needs", "to"),
        ("have", "to"),
        ("has", "to"),
        ("ok", "to"),
        ("okay", "to"),
        ("what", "if"),
        ("what", "to", "do"),
        ("meant", "to", "do"),
        ("supposed", "to", "do"),
        ("do", "i", "do"),
        ("do", "we", "do"),
        ("asked", "to"),
        ("going", "forward"),
        ("next", "steps"),
        # asking how to do something oneself asks for advice
        ("how", "do", "i"),
        ("how", "do", "we"),
        ("how", "can", "i"),
        ("how", "can", "we"),
        ("how", "should"),
    }
)
# ... as does asking what someone is asked, told or wanted to do ("what does the report ask police to do", "what does
# the board want from schools"): a directive verb, then its object, then "to"; or the verb then "of" / "from".
DIRECTIVE_VERBS = frozenset(
    "ask asks asking want wants wanting tell tells telling told expect expects require requires requiring".split()
)
DIRECTIVE_REACH = 4
# The object of a directive that is the asker or someone in a case ("my manager told me to", "mum wants her to").
NOT_DIRECTED = frozenset("i me we us my our you u him her his them it".split())


def asks_directive(typed: list[str]) -> bool:
    """Whether the words ask what someone is asked, told or wanted to do: "ask police to", "want schools to do",
    "asked of health", "want from the police" (not "I want to know", "she told me to")."""
    for index, word in enumerate(typed):
        if word not in DIRECTIVE_VERBS:
            continue
        after = typed[index + 1 : index + 1 + DIRECTIVE_REACH]
        if after[:1] and after[0] in ("of", "from"):
            return True
        for gap, next_word in enumerate(after):
            if next_word in NOT_DIRECTED:
                break
            if next_word == "to" and gap:
                return True
            if next_word in ("to", "of", "from"):
                break  # "I want to know"; "asking more questions of parents" asks nothing of them
    return False


# ... asking whether something happened ("did", "were", "was" opening a sentence) asks for the findings.
FINDING_OPENERS = frozenset({"did", "were", "was", "had"})
# ... as does asking what or how something was ("what was the voice of the child like", "how did workers record").
FINDING_PHRASES = frozenset(
    {("what", "was"), ("what", "were"), ("how", "was"), ("how", "were"), ("how", "did"), ("what", "did")}
)

# "What did <someone> say/tell/think": unless the someone is the audit itself.
REPORTING_VERBS = frozenset("say tell think feel comment mention".split())
REPORTERS = frozenset("audit audits auditor auditors report reports lscb board it they document".split())

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


def fold(text: str) -> str:
    """Accents and compatibility characters folded to plain letters, case kept: "ñéglect" -> "neglect".

    Compatibility forms (full-width "ＣＡＦ", ligatures "ﬁ", mathematical "𝐂𝐒𝐄", superscripts) become their plain
    letters (Unicode's compatibility decomposition, NFKD), then combining diacritical marks (accents) are removed
    and what is left recomposed; a few Latin letters with no decomposition ("ø", "ł", "æ", "ß") are spelt out.
    Linear in the text; ASCII is returned as it is.
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    decomposed = _UNDECOMPOSABLE_LETTER.sub(_spelt, decomposed)
    return unicodedata.normalize("NFC", _COMBINING_MARKS.sub("", decomposed))


def _spelt(match: re.Match[str]) -> str:
    return _UNDECOMPOSABLE[match.group()]


def normalise(text: str) -> str:
    """Fold accents and compatibility characters, lower-case and unify apostrophes: the form every match uses."""
    if text.isascii():
        # Folding leaves ASCII as it is; only the backtick is an apostrophe to unify (a fast path for the build).
        return text.replace("`", "'").lower()
    text = fold(text)
    for apostrophe in _APOSTROPHE_LIKE:  # four C-level replaces are far cheaper than str.translate
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return text.casefold()


def words(text: str) -> list[str]:
    """The words of a text: lower-case, possessives folded ("child's" -> "child"), hyphens split."""
    text = normalise(text)
    # The checks before each substitution only save time: building 100,000 passages calls this twice each.
    if "'" in text:
        text = _CONTRACTION.sub(lambda match: _CONTRACTED[match.group(1)], text)
        text = _POSSESSIVE.sub("", text).replace("'", "")
    if _DIGIT.search(text):
        text = _BABY_AGE.sub(" baby ", _AGE.sub(_age_word, text))
    return _TOKEN.findall(text)


def _age_word(match: re.Match[str]) -> str:
    """ "15yo", "3 year old", "14-year-old" -> a word for that age group."""
    return " teenager " if int(match.group(1)) >= 13 else " child "


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-case word (irregular plurals folded first; a number's plural, "under 5s", is the
    number)."""
    word = _LEMMAS.get(word, word)
    if word.isalpha():
        return _STEMMER.stemWord(word)
    if len(word) > 1 and word[-1] == "s" and word[:-1].isdigit():
        return word[:-1]
    return word


def stems(text: str) -> list[str]:
    """Stems of every word in a text, stopwords included (phrases need them)."""
    return list(map(stem, words(text)))  # map: the cached stems are looked up without a Python loop


def content_words(text: str) -> list[str]:
    """The words of a text that carry meaning (stopwords removed)."""
    return [word for word in words(text) if word not in STOPWORDS]


def stemmed_text(text: str) -> str:
    """The text as space-separated stems: what the full-text index stores."""
    return " ".join(map(stem, words(text)))  # map: cached stems looked up without a Python loop


# Texting forms and everyday shorthand, read as the words they stand for before anything else is done with a
# question ("pls", "u", "b4", "gr8"). General English texting, not words of any one question set; role and relation
# shorthand of practice ("sw", "hv", "dsl") lives in the thesaurus as variants.
TEXTING: dict[str, str] = {
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "thnx": "thanks",
    "ty": "thank you",
    "abt": "about",
    "b4": "before",
    "gr8": "great",
    "l8": "late",
    "l8r": "later",
    "2day": "today",
    "2moro": "tomorrow",
    "2nite": "tonight",
    "shud": "should",
    "shld": "should",
    "cud": "could",
    "cld": "could",
    "wud": "would",
    "wld": "would",
    "wat": "what",
    "wot": "what",
    "wen": "when",
    "cos": "because",
    "coz": "because",
    "cuz": "because",
    "bc": "because",
    "tho": "though",
    "thru": "through",
    "ppl": "people",
    "msg": "message",
    "msgs": "messages",
    "txt": "text",
    "gd": "good",
    "rly": "really",
    "obvs": "obviously",
    "wk": "week",
    "wks": "weeks",
    "yr": "year",
    "yrs": "years",
    "mths": "months",
    "mnths": "months",
    "hrs": "hours",
    "no1": "no one",
    "any1": "anyone",
    "some1": "someone",
    "every1": "everyone",
    "sum1": "someone",
    "nite": "night",
    "tmrw": "tomorrow",
    "tbc": "to be confirmed",
    "info": "information",
    "appt": "appointment",
    "appts": "appointments",
    "mtg": "meeting",
    "mtgs": "meetings",
    "dept": "department",
    "govt": "government",
    "hav": "have",
    "enuf": "enough",
    "kno": "know",
    "knw": "know",
    "wiv": "with",
    "wiz": "with",
    "teh": "the",
    "dosnt": "doesnt",
    "orgs": "organisations",
    "hosp": "hospital",
    "meds": "medication",
    "sumthing": "something",
    "sumwhere": "somewhere",
    "rec": "recommendation",
    "recs": "recommendations",
    "fam": "family",
    "fams": "families",
    "r": "are",
    "b": "be",
    "n": "and",
    "wht": "what",
    "hw": "how",
    "y": "why",
    "wid": "with",
    "w": "with",
    "whn": "when",
    "whr": "where",
    "shd": "should",
    "wer": "were",
    "dnt": "dont",
    "cnt": "cant",
    "bn": "been",
    "bout": "about",
    "max": "maximum",
    "min": "minimum",
    "approx": "approximately",
    "asap": "as soon as possible",
    "ne1": "anyone",
    "nething": "anything",
    "wrk": "work",
    "wrkr": "worker",
    "wrkrs": "workers",
    "skl": "school",
    "soc": "social",
    "wkr": "worker",
    "wkrs": "workers",
    "chn": "children",
}

# Spellings as they sound: a rough phonetic key (sch/ph/ck/c/q/x/z folded, doubled letters and vowels after
# the first letter dropped), so "skools" meets "schools" and "asessment" meets "assessment".
_SOUNDS = (("sch", "sk"), ("ph", "f"), ("ck", "k"), ("wh", "w"), ("gh", "g"), ("qu", "kw"), ("q", "k"), ("x", "ks"))
_SOFT_C = re.compile(r"c(?=[eiy])")
_DOUBLE = re.compile(r"(.)\1+")
_LATER_VOWELS = re.compile(r"(?<=.)[aeiouy]")


def sound_key(word: str) -> str:
    """A rough phonetic key of a lower-case word (see above); "" for a word of non-letters."""
    if not word.isalpha():
        return ""
    for spelt, sound in _SOUNDS:
        word = word.replace(spelt, sound)
    word = _SOFT_C.sub("s", word).replace("c", "k").replace("z", "s")
    word = _DOUBLE.sub(r"\1", word)
    return _LATER_VOWELS.sub("", word)


# Slurs and profanity in the English word list: never what a practitioner's typo is read as ("niggles" is a real
# word, rare in the list, and one letter from a slur). A reading is echoed back to the asker.
OFFENSIVE_WORDS = frozenset(
    (
        "nigger niggers nigga niggas negro negroes darkie darkies coon coons wog wogs paki pakis chink chinks gook"
        " gooks kike kikes spic spics raghead ragheads towelhead wetback wetbacks gypo gyppo pikey pikeys faggot"
        " faggots fag fags dyke dykes tranny trannies retard retards retarded spastic spastics spaz mong mongs"
        " cripple cripples midget midgets fuck fucks fucking fucked fucker fuckers motherfucker shit shits shitty"
        " bitch bitches cunt cunts twat twats wanker wankers bastard bastards slut sluts whore whores pussy pussies"
        " dick dicks cock cocks prick pricks asshole assholes arsehole arseholes piss pissed crap damn bollocks"
    ).split()
)


# A passage opening by pointing back at the one before it ("This leads to scrutiny as to why ...", "These
# findings ..."): it continues that passage and says little on its own. ("That all agencies ..." opens a
# recommendation; "This audit", "this report" point at the document.)
_CONTINUING = re.compile(r"(?:This|These|Such)\b(?!\s+(?:audit|audits|report|review|board|year)\b)")


def continues(text: str) -> bool:
    """Whether a passage's text opens by pointing back at the passage before it."""
    return _CONTINUING.match(text.lstrip()) is not None


def transpositions(word: str) -> list[str]:
    """The word with each pair of neighbouring letters the wrong way round, in order ("heatlh" -> ..., "health",
    ...): the commonest typo of all. A pair of equal letters gives nothing new and is skipped."""
    return [
        word[:index] + word[index + 1] + word[index] + word[index + 2 :]
        for index in range(len(word) - 1)
        if word[index] != word[index + 1]
    ]


def is_abbreviation(short: str, word: str) -> bool:
    """Whether `short` is `word` with letters dropped (same first and last letter, letters in order)."""
    if len(short) >= len(word) or short[0] != word[0] or short[-1] != word[-1]:
        return False
    letters = iter(word)
    return all(letter in letters for letter in short)


# Question intents beyond the kind of passage: asking for a number, or for why an audit was done. Each is a set of
# single cue words and of cue phrases (consecutive words). The cue words say what is asked, not what it is about.
FACT_WORDS = frozenset(
    "percentage percent proportion statistics stats figures figure numbers rate rates average population".split()
)
FACT_PHRASES = frozenset(
    {("how", "many"), ("how", "much"), ("how", "often"), ("what", "share"), ("number", "of"), ("what", "rate")}
)
METHOD_WORDS = frozenset("done run carried conducted undertaken organised organized methodology method methods".split())
PURPOSE_WORDS = frozenset("purpose purposes aim aims objective objectives rationale".split())
# A board's priorities are why its audits were done ("which business plan priority was the CSE audit linked to"); the
# context passages name them, so the word still counts as the topic too.
PRIORITY_WORDS = frozenset({"priority", "priorities"})
PURPOSE_PHRASES = frozenset(
    {
        ("set", "out", "to"),
        ("reason", "for"),
        ("reasons", "for"),
        ("why", "audit"),
        ("why", "look"),
        ("what", "was", "the", "point"),
        ("what", "is", "the", "point"),
        ("whats", "the", "point"),
    }
)
# "what is asked of children's centres", "what is expected of police": a request for an agency's recommendations.
AGENCY_PHRASES = frozenset(
    {("asked", "of"), ("expected", "of"), ("required", "of"), ("to", "action"), ("need", "to", "do")}
    # "anything directed (specifically) at children's social care", "recommendations aimed at schools"
    | {("directed", "at"), ("aimed", "at"), ("directed", "specifically", "at"), ("aimed", "specifically", "at")}
)


ECHO_CHARS = 80


def clip(text: str, limit: int = ECHO_CHARS) -> str:
    """What someone typed, cut to `limit` characters (ending "…" when cut) to echo back in a message.

    Whitespace is collapsed in the first `4 * limit` characters only: echoing 100 kB costs hardly more than 100 bytes.
    """
    head = text[: 4 * limit]
    short = " ".join(head.split())
    if len(short) <= limit and (len(head) == len(text) or text[len(head) :].isspace()):
        return short
    return short[: limit - 1].rstrip() + "…"
