"""What the search knows about words: the concepts practitioners' words stand for, and typo correction.

A *concept* is anything a question can name: a thesaurus entry (lay words -> the report's words), an agency
(by name or alias), a theme (by name or keyword), a glossary term (acronym <-> expansion) or an audit (by title).
Concepts that share a key phrase are merged, so "CSE" fires the theme, the glossary entry and the audit at once.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from knowledge.models import Act, Signpost, comparable_text
from knowledge.text import META_WORDS, STOPWORDS, is_abbreviation, sound_key, stem, transpositions, words

MAX_PHRASE = 6
PASSAGES_PER_WORD = 20_000
TYPO_RATIO = 100
# American spellings and their British forms, tried in turn on a word the knowledge base does not know.
AMERICAN = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(?<=[^aeiou][tb])er(s?)$", r"re\1"),  # center, fiber
        (r"(?<=[a-z]{3})or(s?)$", r"our\1"),  # behavior, color, neighbors
        (r"iz(e|es|ed|ing|ation|ations)$", r"is\1"),  # prioritize, organization
        (r"yz(e|es|ed|ing)$", r"ys\1"),  # analyze
        (r"gram(s?)$", r"gramme\1"),  # program
    )
)
# An English word at least this common (Zipf scale) is a real word, not a typo to correct.
REAL_WORD_ZIPF = 2.0
# A real word rarer than this may be a slip for a signpost word its neighbour confirms ("chanel panel").
SLIP_MAX_ZIPF = 3.0
# Words shorter than this are read as a signpost word only as its abbreviation ("cnty"), never by edits ("hba",
# "nrm" are too close to others).
MIN_SIGNPOST_TYPO = 5
MIN_ABBREVIATION = 3
# A word opening this many of one signpost's phrases names its topic when typed alone ("Prevent").
MIN_HEAD_PHRASES = 3
# A word shares a passage word's root when the passage stem is at least this long and this share of the word's stem,
# and the word is no commoner in English than this.
MIN_ROOT = 6
ROOT_SHARE = 0.7
ROOT_MAX_ZIPF = 3.5
# Inflections the stemmer may cut differently from their word ("experiencing"/"experience"), each undone by
# the endings tried in turn, in words of at least `MIN_INFLECTED` letters.
INFLECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ing", ("e", "")),
    ("ed", ("e", "")),
    ("ies", ("y",)),
    ("ied", ("y",)),
    ("es", ("e", "")),
    ("s", ("",)),
)
MIN_INFLECTED = 5
# The longest letter form of an agency read as its role's acronym ("hv", "dsl", "iro", "cait").
MAX_ACRONYM_ROLE = 4
# An abbreviation keeps at least this share of the word's letters ("mtgs" 4 of "meetings" 8).
ABBREVIATION_SHARE = 0.4
# Title words that say what kind of audit or agency, not which audit ("Multi-Agency Audits", "health agencies").
GENERIC_TITLE_STEMS = frozenset({"audit", "multi", "agenc", "children", "child", "health"})
# Longest acronym whose plural ("CCs", "DSLs") is read as the acronym.
MAX_ACRONYM = 4
# At most this many letters of stopwords between two words typed together ("voiceofthechild": "ofthe").
MAX_SPLIT_STOPWORDS = 8
# Longer runs are not split: the search for a split grows with the square of the length.
MAX_SPLIT_LETTERS = 60
# Each part of a run-together word is at least this long.
MIN_PART = 4
# A word of a phrase typed shortened keeps at least this many of its letters ("multi" of "multiple").
MIN_SHORTENED = 4
AUDIT_TAG = "auditx"
THEME_TAG = "themex"
AGENCY_TAG = "agencyx"


@lru_cache(maxsize=65_536)
def tag_token(prefix: str, value: str) -> str:
    """The full-text token that stands for a tag (e.g. theme `voice-of-the-child` -> `themexvoiceofthechild`)."""
    return prefix + "".join(ch for ch in value if ch.isalnum())


def typo_cutoff(word: str) -> int:
    """The least rapidfuzz ratio at which a spelling counts as a typo of `word` (stricter for short words)."""
    return 86 if len(word) <= 6 else 80


def thesaurus_entries(concept: Concept) -> set[str]:
    """The thesaurus entries a concept comes from."""
    return {label for label in concept.labels if label.startswith("thesaurus:")}


def closest_spelling(word: str, choices: Sequence[str]) -> str | None:
    """The choice `word` most likely misspells, by rapidfuzz ratio at `typo_cutoff`, or None."""
    found = process.extractOne(word, choices, scorer=fuzz.ratio, processor=None, score_cutoff=typo_cutoff(word))
    return found[0] if found else None


def stemmed_keys(phrases: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """The stems of each phrase (stopwords kept), for matching on the question's stems."""
    return frozenset(key for phrase in phrases if (key := tuple(stem(word) for word in words(phrase))))


def key_of(text: str) -> tuple[str, ...]:
    """The stemmed content words of a phrase: how concept keys and query words are compared.

    A phrase that only stopwords turn into several words ("think family", "multiple needs") keeps them: its
    lone content word would otherwise stand for the whole phrase and fire on every "family".
    """
    all_words = words(text)
    content = [word for word in all_words if word not in STOPWORDS]
    if len(all_words) > 1 and len(content) <= 1:
        # ... as does a phrase of stopwords only ("asking questions", "show up"), which would otherwise be lost.
        content = all_words
    return tuple(stem(word) for word in content)


@dataclass(frozen=True)
class Description:
    """A concept described in plain words (a glossary definition, a theme description): its stems, weighted."""

    label: str
    name: str
    key: tuple[str, ...]
    weights: dict[str, float]


@dataclass
class Concept:
    """What a key phrase stands for: report phrases to look for, and tags that count as evidence."""

    labels: list[str] = field(default_factory=list)
    expansions: set[tuple[str, ...]] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)
    agencies: set[str] = field(default_factory=set)
    audits: set[str] = field(default_factory=set)

    def merge(self, other: Concept) -> None:
        self.labels.extend(label for label in other.labels if label not in self.labels)
        self.expansions |= other.expansions
        self.themes |= other.themes
        self.agencies |= other.agencies
        self.audits |= other.audits


class Vocabulary:
    """Concept index, corpus statistics and typo correction, loaded once from a knowledge database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.doc_count = conn.execute("SELECT count(*) FROM items").fetchone()[0] or 1
        self.audit_words: dict[str, str] = {}  # a title word of one audit only -> that audit (`_load_concepts`)
        self.stem_df: dict[str, int] = dict(conn.execute("SELECT term, doc FROM items_fts_vocab"))
        self.idf_max = self._idf(0)
        self.concepts: dict[tuple[str, ...], Concept] = {}
        self._entry_concepts: dict[str, Concept | None] = {}  # `entry_concept`'s answers
        self.known_words: set[str] = set(STOPWORDS)
        # A large collection holds its own typos and one-off names ("complince", "profesional"), so being in the
        # passages does not make a word right: a typed word is corrected to a close word TYPO_RATIO times more
        # common in the passages, and only words in at least one passage in PASSAGES_PER_WORD are offered as
        # corrections. (With the bundled report no word is that much more common: corpus words stay as typed.)
        self.min_word_df = 1 + self.doc_count // PASSAGES_PER_WORD
        self.word_df: dict[str, int] = dict(conn.execute("SELECT word, df FROM words"))
        word_df = {word: df for word, df in self.word_df.items() if df >= self.min_word_df}
        self.offtopic: set[tuple[str, ...]] = {
            tuple(words(phrase)) for (phrase,) in conn.execute("SELECT phrase FROM offtopic") if words(phrase)
        }
        self.max_offtopic = max((len(phrase) for phrase in self.offtopic), default=0)
        # Out-of-scope safeguarding topics, by the stems of their phrases (stopwords kept: "off roll").
        self.signposts: dict[str, Signpost] = {}
        self.signpost_keys: dict[tuple[str, ...], str] = {}
        signposts = conn.execute(
            "SELECT id, name, phrases, message, link, fallback, intent, acts, passages FROM signposts ORDER BY id"
        )
        for signpost_id, name, phrases, message, link, fallback, intent, acts, passages in signposts:
            signpost = Signpost(
                id=signpost_id,
                name=name,
                phrases=tuple(json.loads(phrases)),
                message=message,
                link=link,
                fallback=bool(fallback),
                intent=intent,
                acts=tuple(Act(**act) for act in json.loads(acts)),
                passages=tuple(json.loads(passages)),
            )
            self.signposts[signpost_id] = signpost
            for key in stemmed_keys(signpost.phrases):
                self.signpost_keys.setdefault(key, signpost_id)
        self.max_signpost = max((len(key) for key in self.signpost_keys), default=0)
        # The signposts about the kind of question (procedures, forms), not a topic.
        self.fallback_signposts = frozenset(topic for topic, signpost in self.signposts.items() if signpost.fallback)
        # Two stems side by side in a signpost phrase ("channel panel"): a real word typed for one of them beside
        # the other ("chanel panel") is read as the phrase's word, the neighbour confirming the slip.
        self.signpost_pairs = frozenset(pair for key in self.signpost_keys for pair in itertools.pairwise(key))
        # The word that opens several of one topic signpost's phrases ("prevent" of "prevent referral", "prevent
        # duty", "prevent lead") -> the first of them: the topic, read as that phrase when the word names it.
        heads: dict[tuple[str, str], int] = defaultdict(int)
        for key, signpost_id in self.signpost_keys.items():
            if len(key) > 1:
                heads[key[0], signpost_id] += 1
        self.signpost_heads: dict[str, tuple[str, ...]] = {
            head: next(
                tuple(words(phrase))
                for phrase in self.signposts[signpost_id].phrases
                if words(phrase) and stem(words(phrase)[0]) == head
            )
            for (head, signpost_id), count in heads.items()
            if count >= MIN_HEAD_PHRASES and not self.signposts[signpost_id].fallback and head not in STOPWORDS
        }
        # Topics told by what someone did: (topic, the actors' and the deeds' stemmed phrases, reach).
        self.signpost_acts: list[tuple[str, frozenset[tuple[str, ...]], frozenset[tuple[str, ...]], int]] = [
            (signpost.id, stemmed_keys(act.actors), stemmed_keys(act.deeds), act.reach)
            for signpost in self.signposts.values()
            for act in signpost.acts
        ]
        # Words of the signposts' phrases are spelt as meant ("clare" of "clare's law" is no typo of "care").
        self.signpost_words = frozenset(word for phrase in self.signpost_phrases() for word in words(phrase))
        self._sorted_words: list[str] | None = None  # for `root`, sorted on first use
        # The words of the signposts' phrases, as choices for reading a misspelt one ("radicalisaton").
        self._signpost_words = sorted(word for word in self.signpost_words if len(word) >= MIN_SIGNPOST_TYPO)
        key_texts = self._load_concepts(conn)
        # Choices for typo correction: the corpus words, every word of a concept key, and the words people
        # use about the audits themselves ("recomendations" -> "recommendations").
        choices = dict(word_df)
        for key_text in key_texts:
            for word in words(key_text):
                self.known_words.add(word)
                if word not in STOPWORDS:
                    choices.setdefault(word, 1)
        self._choice_df = choices
        self._choices = {word: word for word in choices if len(word) >= 4 and word.isalpha() and word not in STOPWORDS}
        self._choices.update({word: word for word in META_WORDS})
        self._max_choice_df = max((choices.get(word, 0) for word in self._choices), default=0)
        self.descriptions = self._load_descriptions(conn)
        # The context passages stating why their audit was done (the audit's purpose), not its priority or intro.
        contexts = conn.execute(
            "SELECT items.id, items.text, audits.purpose FROM items JOIN audits ON audits.id = items.audit_id"
            " WHERE items.kind = 'context' AND audits.purpose IS NOT NULL"
        )
        self.purpose_items = frozenset(
            item_id for item_id, text, purpose in contexts if comparable_text(purpose) in comparable_text(text)
        )
        self._index_respellings()
        self._index_pairs(key_texts)
        self.max_phrase = max((len(key) for key in self.concepts), default=1)
        # Phrases by length and first letters, for a phrase typed with its words shortened ("multi need").
        self._phrases_by_start: dict[tuple[int, str], list[tuple[str, ...]]] = defaultdict(list)
        for key in self.concepts:
            if len(key) > 1 and all(len(part) >= MIN_SHORTENED for part in key):
                self._phrases_by_start[(len(key), key[0][:MIN_SHORTENED])].append(key)
        self.concept_stems: set[str] = {part for key in self.concepts for part in key}
        # The words that qualify a one-word concept in one of its own two-word phrases ("absent" of "absent father",
        # where "father" alone is the concept): they qualify its other words so too ("absent dads").
        self.qualifiers: set[tuple[str, str, str]] = set()
        for key, concept in self.concepts.items():
            if len(key) != 2:
                continue
            for side, word, other in (("before", key[0], key[1]), ("after", key[1], key[0])):
                alone = self.concepts.get((other,))
                if alone is not None and word not in STOPWORDS:
                    for label in thesaurus_entries(concept) & thesaurus_entries(alone):
                        self.qualifiers.add((side, word, label))
        self.known_stems: set[str] = set(self.stem_df) | self.concept_stems

    # -- statistics -------------------------------------------------------------------------------------------
    def _idf(self, df: int) -> float:
        n = self.doc_count
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def idf(self, stem_: str) -> float:
        return self._idf(self.stem_df.get(stem_, 0))

    def in_corpus(self, phrase: tuple[str, ...]) -> bool:
        return all(part in self.stem_df for part in phrase)

    # -- concepts ---------------------------------------------------------------------------------------------
    def _add(self, key_text: str, concept: Concept) -> None:
        self._key_texts.append(key_text)
        key = key_of(key_text)
        if not key or len(key) > MAX_PHRASE:
            return
        if len(key) > 1 and key != tuple(stem(w) for w in words(key_text) if w not in STOPWORDS):
            # Only stopwords make this a phrase ("turning up"): it is matched against the full question.
            self.full_keys.add(key)
        existing = self.concepts.get(key)
        if existing is None:
            self.concepts[key] = Concept()
            existing = self.concepts[key]
        existing.merge(concept)

    def _load_concepts(self, conn: sqlite3.Connection) -> list[str]:
        """Index every concept by its key phrases; return the phrases' texts."""
        self._key_texts: list[str] = []
        self.full_keys: set[tuple[str, ...]] = set()
        # Agencies named by a word otherwise dropped as a stopword ("lscb"): read only when nothing else is asked.
        self.stopword_agencies: dict[str, Concept] = {}
        # Acronyms that are also everyday words, written in capitals in the data ("SEND"): read only when typed so.
        self.capital_variants: dict[str, Concept] = {}
        for row in conn.execute("SELECT id, terms, variants, themes, agencies FROM thesaurus"):
            entry_id, terms, variants, themes, agencies = row
            terms, variants = json.loads(terms), json.loads(variants)
            concept = Concept(
                labels=[f"thesaurus:{entry_id}"],
                expansions={key for key in map(key_of, terms) if key},
                themes=set(json.loads(themes)),
                agencies=set(json.loads(agencies)),
            )
            for phrase in (*terms, *variants):
                if phrase.isalpha() and phrase.isupper() and phrase in variants:
                    self.capital_variants.setdefault(phrase.lower(), Concept()).merge(concept)
                    continue
                self._add(phrase, concept)

        children: dict[str, list[str]] = defaultdict(list)
        agencies = conn.execute("SELECT id, name, parent, aliases FROM agencies").fetchall()
        for agency_id, _name, parent, _aliases in agencies:
            if parent:
                children[parent].append(agency_id)

        def family(agency_id: str) -> set[str]:
            found = {agency_id}
            for child in children.get(agency_id, []):
                found |= family(child)
            return found

        # The short letter forms of an agency with no agencies under it ("hv", "dsl", "iro"): an acronym names its
        # role, though the passages spell the role out ("Health Visiting").
        self.acronym_roles: dict[str, str] = {}
        for agency_id, name, _parent, aliases in agencies:
            phrases = [name, *json.loads(aliases)]
            if agency_id not in children:
                for phrase in phrases:
                    if phrase.isalpha() and len(phrase.rstrip("s")) <= MAX_ACRONYM_ROLE:
                        self.acronym_roles.setdefault(phrase.lower().rstrip("s") or phrase.lower(), agency_id)
            concept = Concept(
                labels=[f"agency:{agency_id}"],
                expansions={key for key in map(key_of, phrases) if key},
                agencies=family(agency_id),
            )
            for phrase in phrases:
                self._add(phrase, concept)
                # "LSCB" is a word about the audits themselves (a stopword), and also an agency.
                named = words(phrase)
                if len(named) == 1 and named[0] in STOPWORDS:
                    self.stopword_agencies.setdefault(named[0], concept)

        for theme_id, name, keywords in conn.execute("SELECT id, name, keywords FROM themes"):
            phrases = [name, *json.loads(keywords)]
            # Theme keywords are related words, not synonyms of one another: naming one counts the theme's
            # tag as evidence, but does not search for all the others.
            concept = Concept(labels=[f"theme:{theme_id}"], themes={theme_id})
            for phrase in phrases:
                self._add(phrase, concept)

        for term_id, term, expansion, aliases in conn.execute("SELECT id, term, expansion, aliases FROM glossary"):
            phrases = [term, *([expansion] if expansion else []), *json.loads(aliases)]
            concept = Concept(labels=[f"glossary:{term_id}"], expansions={key for key in map(key_of, phrases) if key})
            for phrase in phrases:
                self._add(phrase, concept)

        title_stems: dict[str, set[str]] = {}
        for audit_id, title, short_title in conn.execute("SELECT id, title, short_title FROM audits"):
            for word in words(f"{title} {short_title}"):
                if word not in STOPWORDS:
                    title_stems.setdefault(stem(word), set()).add(audit_id)
            concept = Concept(labels=[f"audit:{audit_id}"], audits={audit_id})
            # "CSE/MASE", "Children with Disabilities (CWD)", "Families with Multiple Needs: Parental ...":
            # people name an audit by any part of its title.
            parts = {title, short_title, *re.split(r"[/:()]", title), re.sub(r"\(.*?\)", "", title)}
            for phrase in sorted(part.strip() for part in parts if part.strip()):
                self._add(phrase, concept)

        # A word of one audit's title only ("families", "disabilities") names that audit before "audit".
        self.audit_words = {
            part: next(iter(audits))
            for part, audits in title_stems.items()
            if len(audits) == 1 and part not in GENERIC_TITLE_STEMS
        }
        # The stems of every phrase of each thesaurus entry: an entry sharing one with an audit's title is that
        # audit's topic ("autism": disability; "toxic trio": domestic abuse, substance misuse, mental health).
        entry_stems: dict[str, set[str]] = defaultdict(set)
        for key, concept in self.concepts.items():
            for label in thesaurus_entries(concept):
                entry_stems[label].update(key)
        self.audit_topics: set[str] = {
            label for label, stems_ in entry_stems.items() if any(part in self.audit_words for part in stems_)
        }
        # Only report phrases that occur in the passages are worth searching for.
        for concept in self.concepts.values():
            concept.expansions = {key for key in concept.expansions if self.in_corpus(key)}
        return self._key_texts

    def qualified(self, key: tuple[str, ...]) -> Concept | None:
        """The one-word concept a two-word key names with a word that qualifies it in another of its phrases
        ("absent dads": "absent father"), or None."""
        if len(key) != 2:
            return None
        for side, word, other in (("before", key[0], key[1]), ("after", key[1], key[0])):
            alone = self.concepts.get((other,))
            if alone is not None and any((side, word, label) in self.qualifiers for label in thesaurus_entries(alone)):
                return alone
        return None

    def entry_concept(self, entry: str) -> Concept | None:
        """The concept a thesaurus entry's phrases name alone (the one carrying fewest other labels), if any: looked
        up once per entry (a scan of every concept)."""
        if entry not in self._entry_concepts:
            label = f"thesaurus:{entry}"
            named = [concept for concept in self.concepts.values() if label in concept.labels]
            self._entry_concepts[entry] = min(named, key=lambda concept: len(concept.labels), default=None)
        return self._entry_concepts[entry]

    def lengthened(self, key: tuple[str, ...]) -> tuple[str, ...] | None:
        """The one concept phrase `key` shortens word by word ("multi need" -> "multiple needs"), if exactly one:
        each word the phrase's word or the start of it, at least `MIN_SHORTENED` letters, one at least shortened."""
        if len(key) < 2 or any(len(part) < MIN_SHORTENED for part in key):
            return None
        found = [
            phrase
            for phrase in self._phrases_by_start.get((len(key), key[0][:MIN_SHORTENED]), ())
            if phrase != key and all(full.startswith(part) for part, full in zip(key, phrase, strict=True))
        ]
        return found[0] if len(found) == 1 else None

    # -- concept descriptions -----------------------------------------------------------------------------------
    def _load_descriptions(self, conn: sqlite3.Connection) -> list[Description]:
        """Each glossary term's definition (and its descriptions in practitioners' words) and each theme's
        description, as the stems a question describing the concept in its own words might share with it, weighted
        by how few descriptions use each stem."""
        texts: dict[tuple[str, ...], list[str]] = defaultdict(list)
        labels: dict[tuple[str, ...], tuple[str, str]] = {}
        glossary = conn.execute("SELECT id, term, definition, described_as FROM glossary ORDER BY id")
        for term_id, term, definition, described_as in glossary:
            texts[key_of(term)].extend([definition, *json.loads(described_as or "[]")])
            labels.setdefault(key_of(term), (f"glossary:{term_id}", term))
        for theme_id, name, description in conn.execute("SELECT id, name, description FROM themes ORDER BY id"):
            texts[key_of(name)].append(description)
            labels.setdefault(key_of(name), (f"theme:{theme_id}", name))
        described = {
            key: frozenset(stem(word) for text in found for word in words(text) if word not in STOPWORDS)
            for key, found in texts.items()
            if key in self.concepts
        }
        df: dict[str, int] = defaultdict(int)
        for stems_ in described.values():
            for part in stems_:
                df[part] += 1
        total = len(described) or 1
        return [
            Description(*labels[key], key, {part: math.log(total / df[part]) for part in stems_})
            for key, stems_ in sorted(described.items())
        ]

    # -- typo correction --------------------------------------------------------------------------------------
    def _index_respellings(self) -> None:
        """Correction choices by sound and by first and last letter, commonest first."""
        self._sounds: dict[str, str] = {}
        self._by_ends: dict[tuple[str, str], list[str]] = defaultdict(list)
        for word in sorted(self._choices, key=lambda choice: (-self._choice_df.get(choice, 0), choice)):
            key = sound_key(word)
            if len(key) >= 3:
                self._sounds.setdefault(key, word)
            self._by_ends[(word[0], word[-1])].append(word)

    def british(self, word: str) -> str | None:
        """The British spelling of an American one the knowledge base knows ("center" -> "centre", "program" ->
        "programme", "prioritize" -> "prioritise", "color" -> "colour"), or None."""
        if not word.isalpha() or self.is_word(word):
            return None
        for pattern, replacement in AMERICAN:
            spelt = pattern.sub(replacement, word)
            if spelt != word and self.is_word(spelt):
                return spelt
        return None

    def _index_pairs(self, key_texts: list[str]) -> None:
        """Two-word concept phrases ("early years", "group leads"), by the stem of each word: the words that
        complete a phrase beside a given one, as typed in the phrase."""
        self._after: dict[str, dict[str, str]] = defaultdict(dict)
        self._before: dict[str, dict[str, str]] = defaultdict(dict)
        for key_text in key_texts:
            content = [word for word in words(key_text) if word not in STOPWORDS]
            if len(content) == 2 and all(word.isalpha() for word in content):
                first, second = content
                self._after[stem(first)].setdefault(stem(second), second)
                self._before[stem(second)].setdefault(stem(first), first)

    def completes(self, word: str, *, before: str | None = None, after: str | None = None) -> str | None:
        """The word of a two-word concept phrase a typed word is one edit from, given the word typed before it
        ("early yeas" -> "years") or after it ("choirs training" no; "cp choirs" -> "chairs"), or None: a word the
        knowledge base does not know, real English or not, read by the phrase it stands in."""
        if len(word) < 4 or not word.isalpha() or self.is_word(word):
            return None
        stemmed = stem(word)
        options: dict[str, str] = {}
        if before is not None:
            options.update(self._after.get(stem(before), {}))
        if after is not None:
            options.update(self._before.get(stem(after), {}))
        near = [
            typed for key, typed in options.items() if OSA.distance(stemmed, key) <= 1 or OSA.distance(word, typed) <= 1
        ]
        return near[0] if len(near) == 1 else None

    def is_word(self, word: str) -> bool:
        """Whether a word is one the knowledge base knows: a stopword, a concept word or a passage word."""
        return word in self.known_words or word in self.word_df or stem(word) in self.known_stems

    def root(self, word: str, *, zipf: float | None = None) -> str | None:
        """The passage word sharing a longer word's root ("commissioners" -> "commissioned": the stemmer cuts them
        to "commission" and "commiss"), or None. Only for a word the knowledge base does not know alone and that is
        not everyday English ("informal" is not "inform"); the root must be most of the word's stem."""
        if not word.isalpha() or self.says_alone(word) or (zipf is not None and zipf > ROOT_MAX_ZIPF):
            return None
        stemmed = stem(word)
        for length in range(len(stemmed) - 1, MIN_ROOT - 1, -1):
            prefix = stemmed[:length]
            if length < ROOT_SHARE * len(stemmed):
                break
            if prefix in self.stem_df:
                return self._commonest_with_stem(prefix)
        return None

    def inflected(self, word: str) -> str | None:
        """The passage word an inflected form is of, where the stemmer cuts the two apart ("experiencing" ->
        "experience": "experienc" and "experi"), or None. Only for a word whose own stem the passages lack; only
        the inflection is undone (-ing, -ed, -s), so an everyday word is read as no other word."""
        if not word.isalpha() or len(word) < MIN_INFLECTED or stem(word) in self.stem_df:
            return None
        for ending, replacements in INFLECTIONS:
            if not word.endswith(ending):
                continue
            base = word[: -len(ending)]
            for replacement in replacements:
                lemma = base + replacement
                if lemma in self.word_df and stem(lemma) != stem(word) and lemma not in STOPWORDS:
                    return lemma
            if len(base) > 2 and base[-1] == base[-2] and base[:-1] in self.word_df:
                return base[:-1]  # "stopping" -> "stop"
        return None

    def _commonest_with_stem(self, key: str) -> str | None:
        """The commonest passage word with this stem, among those spelt from it ("commiss" -> "commissioned")."""
        if self._sorted_words is None:
            self._sorted_words = sorted(self.word_df)
        start = bisect.bisect_left(self._sorted_words, key)
        best: tuple[int, str] | None = None
        following = itertools.islice(self._sorted_words, start, None)
        for word in itertools.takewhile(lambda word: word.startswith(key), following):
            if stem(word) == key and (best is None or (self.word_df[word], word) > best):
                best = (self.word_df[word], word)
        return best[1] if best else None

    def says_alone(self, word: str) -> bool:
        """Whether the knowledge base knows a word on its own: a stopword, a passage word or a one-word concept."""
        stemmed = stem(word)
        known = word in STOPWORDS or word in self.word_df
        return known or stemmed in self.stem_df or (stemmed,) in self.concepts

    def respell(self, word: str, *, zipf: float | None = None) -> tuple[str, str] | None:
        """A word beyond `correct`'s reach, read as the acronym it is the plural of ("ccs" -> "cc"), the vocabulary
        word it sounds like ("skools" -> "schools") or abbreviates ("agncy" -> "agency", "convos" ->
        "conversations"), with which of these it was.

        Only for a word that is neither known to the knowledge base nor ordinary English: the commonest word of
        the same sound, or the commonest that keeps its first and last letters and holds its letters in order.
        """
        if len(word) < 3 or not word.isalpha() or self.is_word(word):
            return None
        if zipf is not None and zipf >= REAL_WORD_ZIPF:
            return None
        singular = word[:-1]
        plural = word.endswith("s") and len(singular) <= MAX_ACRONYM and singular not in STOPWORDS
        if plural and self.says_alone(singular):
            # An acronym's plural ("CCs", "SWs"): the acronym, before any longer word it could abbreviate.
            return singular, "plural of"
        key = sound_key(word)
        if len(word) >= 4 and len(key) >= 3 and self._sounds.get(key, word) != word:
            return self._sounds[key], "sounds like"
        for choice in self._by_ends.get((word[0], word[-1]), ()):
            if len(word) >= ABBREVIATION_SHARE * len(choice) and is_abbreviation(word, choice):
                return choice, "abbreviation"
        return None

    def split(self, word: str) -> tuple[str, ...] | None:
        """Vocabulary words typed without the spaces between them ("neglecttoolkit", "voiceofthechild"), or None:
        two or more vocabulary words, with stopwords between them. A word known only inside a longer phrase
        ("frontline" of "frontline staff") is still split ("front line")."""
        if not 2 * MIN_PART <= len(word) <= MAX_SPLIT_LETTERS or not word.isalpha() or self.says_alone(word):
            return None
        # best[i]: the best split of word[:i] ending in a vocabulary word, as (its least supported word's support,
        # -parts, parts); stopwords may only stand between vocabulary words.
        best: dict[int, tuple[int, int, tuple[str, ...]]] = {}
        for end in range(MIN_PART, len(word) + 1):
            piece = word[:end]
            if piece in self._choices and end < len(word):
                best[end] = (self._choice_df.get(piece, 0), -1, (piece,))
            for start in range(MIN_PART, end - MIN_PART + 1):
                piece = word[start:end]
                if piece not in self._choices:
                    continue
                support = self._choice_df.get(piece, 0)
                for gap in range(start, max(start - MAX_SPLIT_STOPWORDS, 0) - 1, -1):
                    joined = self._joined_stopwords(word[gap:start])
                    if joined is None or gap not in best:
                        continue
                    before = best[gap]
                    candidate = (min(before[0], support), before[1] - 1 - len(joined), (*before[2], *joined, piece))
                    if end not in best or candidate > best[end]:
                        best[end] = candidate
        found = best.get(len(word))
        return found[2] if found and len(found[2]) > 1 else None

    @staticmethod
    def _joined_stopwords(text: str) -> tuple[str, ...] | None:
        """Stopwords typed together ("ofthe" -> "of", "the"), or () for nothing, or None."""
        if not text:
            return ()
        for cut in range(len(text), 1, -1):
            if text[:cut] in STOPWORDS:
                rest = Vocabulary._joined_stopwords(text[cut:])
                if rest is not None:
                    return (text[:cut], *rest)
        return None

    def joined(self, first: str, second: str) -> str | None:
        """One vocabulary word typed as two ("safe guarding" -> "safeguarding"), or None."""
        word = first + second
        if word not in self._choices or first in STOPWORDS or second in STOPWORDS:
            return None
        support = self._choice_df.get(word, 0)
        parts = max(self._choice_df.get(first, 0), self._choice_df.get(second, 0))
        if not (self.is_word(first) and self.is_word(second)) or support >= parts:
            return word
        return None

    def signpost_phrases(self) -> list[str]:
        """Every signpost's phrases, as written in the data."""
        return [phrase for signpost in self.signposts.values() for phrase in signpost.phrases]

    def signpost_typo(self, word: str, *, zipf: float | None = None) -> str | None:
        """The signpost word a misspelt word most likely means ("radicalisaton" -> "radicalisation"), or None.

        Signpost words are never the passages' words, so `correct` cannot choose them; this reads a typo of one
        only to recognise an uncovered topic, under `correct`'s rules: a word the passages and English do not use,
        within a few edits, starting with the same letter."""
        # (A thesaurus may list the misspelling itself, "referal": only the passages' own words are known here.)
        if not word.isalpha() or word in self.known_words or word in self.word_df:
            return None
        if zipf is not None and zipf >= REAL_WORD_ZIPF:
            return None
        if word.endswith("s") and self.says_alone(word[:-1]):
            return None  # the plural of a word or acronym the knowledge base knows ("CAFs")
        if len(word) < MIN_SIGNPOST_TYPO:
            # A short word with letters dropped ("cnty lines"): the shortest signpost word it abbreviates, keeping
            # its first and last letters ("county", not "country" or "community"), if only one is that short.
            if len(word) < MIN_ABBREVIATION:
                return None
            short = sorted(
                (len(choice), choice)
                for choice in self.signpost_words
                if len(word) >= ABBREVIATION_SHARE * len(choice) and is_abbreviation(word, choice)
            )
            if not short or (len(short) > 1 and short[1][0] == short[0][0]):
                return None
            return short[0][1]
        # Two letters the wrong way round ("housr", "rseet") first: the ratio is too strict for them in short words.
        swapped = next((choice for choice in transpositions(word) if choice in self.signpost_words), None)
        if swapped is not None:
            return swapped
        found = closest_spelling(word, self._signpost_words)
        if found is None or found[0] != word[0] or found.startswith(word) or word.startswith(found):
            return None
        return found

    def signpost_slip(
        self, word: str, before: str | None, after: str | None, *, zipf: float | None = None
    ) -> str | None:
        """The signpost word a real but rare word was typed for, when the word beside it makes the pair a signpost
        phrase's ("chanel panel": "channel panel"); `signpost_typo` leaves real words alone, the neighbour here
        says which was meant. `before` and `after` are the neighbours' stems. An everyday word ("care leaves") is
        meant as typed."""
        if not word.isalpha() or len(word) < MIN_SIGNPOST_TYPO or word in self.known_words or word in self.word_df:
            return None
        if zipf is not None and zipf >= SLIP_MAX_ZIPF:
            return None
        found = closest_spelling(word, self._signpost_words)
        if found is None or found[0] != word[0] or OSA.distance(word, found) > 1:
            return None
        meant = stem(found)
        if (before is not None and (before, meant) in self.signpost_pairs) or (
            after is not None and (meant, after) in self.signpost_pairs
        ):
            return found
        return None

    def correct(self, word: str, *, zipf: float | None = None) -> str | None:
        """The vocabulary word a misspelt word most likely means, or None when it is known or too far off.

        Conservative on purpose: a real word the knowledge base does not use ("party", "leave") must stay
        unknown, so that out-of-scope questions are recognised as such. A candidate that merely adds or drops
        letters at the end of the word ("part", "leaver") is a different word, not a typo.
        """
        if len(word) < 4 or not word.isalpha() or word in self.known_words:
            return None
        stemmed = stem(word)
        if stemmed in self.concept_stems:
            return None
        # How often the passages use the word as typed: a typo needs a correction far more common than that.
        support = max(self.word_df.get(word, 0), self.stem_df.get(stemmed, 0))
        if support * TYPO_RATIO > self._max_choice_df:
            return None
        if zipf is not None and zipf >= REAL_WORD_ZIPF:
            return None
        # Two letters typed the wrong way round ("heatlh", "poliec", "neltf") is the commonest typo of all, and
        # in a short word the ratio below is too strict for it.
        swapped = [
            choice
            for choice in transpositions(word)
            if choice in self._choices and self._choice_df.get(choice, 0) >= support * TYPO_RATIO
        ]
        if swapped:
            return max(swapped, key=lambda choice: (self._choice_df.get(choice, 0), choice))
        cutoff = typo_cutoff(word)
        matches = process.extract(word, self._choices, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=8)
        best: tuple[int, int, float, str] | None = None
        for choice, score, _key in matches:
            if choice[0] != word[0] and score < 90:
                continue
            if choice.startswith(word) or word.startswith(choice):
                continue
            if support and self._choice_df.get(choice, 0) < support * TYPO_RATIO:
                continue
            # Fewest edits first (a letter dropped and a letter changed are one slip each, though the ratio
            # counts a change as two), then the commoner word: a slip in a passage never outranks its word.
            rank = (-OSA.distance(word, choice), self._choice_df.get(choice, 0), score, choice)
            if best is None or rank > best:
                best = rank
        return best[3] if best else None
