"""Search that generalises (issue 13): one mechanism per failure kind, each visible in `ask --explain`.

The questions here are this file's own examples of each kind, not questions from any evaluation set.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import cli
from handlers import blocks
from knowledge.base import KnowledgeBase, NotFoundError
from knowledge.digest import build_digest
from knowledge.formatting import NOTHING_FOUND, NOTICES
from knowledge.loading import DataError, bundled_data_dir, load_knowledge
from knowledge.privacy import without_personal_details
from knowledge.search.query import is_sign_off, refers_back
from knowledge.search.scoring import Sequence
from knowledge.text import OFFENSIVE_WORDS, continues, is_abbreviation, sound_key, stem, words
from knowledge.vocabulary import key_of


def signposted(kb: KnowledgeBase, question: str) -> list[str]:
    """The signposts a question gets instead of learning points (failing if it gets any passage but those its
    signposts list as naming their topic)."""
    answer = kb.ask(question)
    naming = [passage for signpost in answer.signposts for passage in signpost.passages]
    assert [result.id for result in answer.results] == naming, question
    return [signpost.id for signpost in answer.signposts]


def notes_of(kb: KnowledgeBase, question: str) -> list[str]:
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    return [note for unit in analysis["units"] for note in unit["notes"]]


# -- 1. rejection rests on the absence of evidence for a learning topic ---------------------------------------------
@pytest.mark.parametrize(
    "question", ["any learning on tick-box plans for young people at risk of CSE", "CSE plans left gathering dust"]
)
def test_unknown_words_typed_together_count_once_against_the_concept_beside_them(
    kb: KnowledgeBase, question: str
) -> None:
    """A hyphenated word or an idiom is one thing said, not several unknown topics outnumbering the concept."""
    answer = kb.ask(question)
    assert answer.found and answer.results[0].audit.id == "cse-mase"
    assert "unknown word, weighed lightly: the question names a learning topic" in notes_of(kb, question)


def test_the_everyday_description_of_disguised_compliance_finds_it(kb: KnowledgeBase) -> None:
    """Practitioners describe disguised compliance as agreeing to everything while nothing changes."""
    answer = kb.ask("carers agree to everything at the review but nothing really changes for the kids")
    # "Elements of disguised compliance were evident in all cases."
    assert answer.found and answer.results[0].id == "fmn-f5"


def test_going_the_extra_mile_is_going_above_and_beyond(kb: KnowledgeBase) -> None:
    # "... where it was identified that professionals had gone above and beyond, ..."
    assert kb.ask("did any professionals go the extra mile in the toxic trio cases").results[0].id == "fmn-f9"


def test_an_unknown_word_beside_a_learning_concept_does_not_blank_the_answer(kb: KnowledgeBase) -> None:
    answer = kb.ask("disguised compliance flowchart", explain=True)
    assert answer.found and "disguised compliance" in answer.results[0].text.lower()
    assert "unknown word, weighed lightly: the question names a learning topic" in notes_of(
        kb, "disguised compliance flowchart"
    )


@pytest.mark.parametrize(
    "question",
    [
        "best flowchart software for a laptop",
        # "quick" names the delay concept in the thesaurus, but an everyday word is no evidence of a topic.
        "a quick recipe for lasagne",
    ],
)
def test_without_evidence_for_a_learning_topic_unknown_words_still_reject(kb: KnowledgeBase, question: str) -> None:
    assert kb.ask(question).results == ()


def test_workplace_words_give_way_only_to_clear_learning_evidence(kb: KnowledgeBase) -> None:
    # Two concepts outweigh a workplace phrase; one everyday concept word does not ("dress code for court").
    answer = kb.ask("is the voice of the child recorded on the shared drive")
    assert answer.found
    assert "workplace word, weighed lightly: the question names a learning topic" in notes_of(
        kb, "is the voice of the child recorded on the shared drive"
    )
    assert kb.ask("how do I get access to the shared drive").results == ()
    # A concept phrase outweighs a workplace word, but not a workplace phrase: the room is what is asked about.
    assert kb.ask("what did the audits find about core group minutes and overtime").found
    assert kb.ask("how do I book a meeting room for a core group").results == ()


def test_a_workplace_word_beside_someone_the_case_is_about_tells_their_life_not_the_askers_workplace(
    kb: KnowledgeBase,
) -> None:
    # One learning concept ("dad") beside a workplace word: the family member makes it a practice concern ...
    answer = kb.ask("dad works overtime never seen", explain=True)
    assert answer.found and answer.results[0].themes and "hidden-males" in answer.results[0].themes
    assert "workplace word, weighed lightly: the question names a learning topic" in notes_of(
        kb, "dad works overtime never seen"
    )
    # ... but not the asker's own family, nor a word for families in general.
    assert kb.ask("can I take compassionate leave when my dad is ill").results == ()
    assert kb.ask("how many weeks of maternity leave do I get for my baby").results == ()
    assert kb.ask("is there parking at the office for family visits").results == ()


def test_personal_details_and_names_are_left_out_of_the_search(kb: KnowledgeBase) -> None:
    question = "Jayden, DOB 12/03/2016, lives at IG1 2AB - how do we capture his voice"
    answer = kb.ask(question, explain=True)
    assert answer.found
    assert answer.analysis is not None
    assert {"date", "postcode"} <= set(answer.analysis["ignored"])
    typed = " ".join(unit["typed"] for unit in answer.analysis["units"])
    assert "2016" not in typed and "ig1" not in typed and "dob" not in typed
    assert "name, number or stray letters: filler" in notes_of(kb, question)


def test_without_personal_details_blanks_dates_birth_cues_postcodes_and_phone_numbers() -> None:
    text, kinds = without_personal_details("Sam (d.o.b. 3/4/2015) of RM6 4XH, mum on 07700 900123, 2nd visit")
    assert "2015" not in text and "RM6" not in text and "07700" not in text and "d.o.b" not in text
    assert "2nd visit" in text  # an ordinal is not a postcode
    assert set(kinds) == {"date", "date of birth", "postcode", "phone number"}
    assert without_personal_details("how do we hear the child's voice") == ("how do we hear the child's voice", [])


def test_names_the_search_can_be_sure_of_are_left_out_and_titles_read_as_pronouns() -> None:
    text, kinds = without_personal_details("Mrs Patel's partner Mr Shah hasn't been assessed")
    assert "Patel" not in text and "Shah" not in text and kinds == ["name"]
    assert text.split() == ["her", "partner", "he", "hasn't", "been", "assessed"]
    text, kinds = without_personal_details("Harvey J, 2 yrs old, and Ruby T. on a plan")
    assert "Harvey" not in text and "Ruby" not in text and kinds == ["name"]
    # An anonymised reference, a school year and "I" are no names.
    for kept in ("Child A was seen", "Year R pupils", "so I am worried", "Key Stage 2"):
        assert without_personal_details(kept) == (kept, [])


def test_a_one_line_case_with_names_a_postcode_district_and_ages_is_answered(kb: KnowledgeBase) -> None:
    # "In 4 out of 6 there were significant males in the child's life who were not included in assessments."
    for question in (
        "Mrs Okafor's partner Mr Bello hasn't been assessed, kids aged 3 & 6, RM9 - what did the audit say",
        "Jayden K dob 02/03/2014 IG6 - CP plan, mum's new bf not in the assessment",
    ):
        answer = kb.ask(question)
        assert answer.found and answer.results[0].id in {"fmn-f4", "fmn-r3"}, question
    notes = notes_of(kb, "Jayden K, E17, CP plan, mum's new bf not in the assessment")
    assert "name, number or stray letters: filler" in notes  # the district "E17"


@pytest.mark.parametrize(
    "question",
    [
        "Ruby T, 2 yrs old - has she had her 2 year check?",
        "did he have his review health assessment",
        # A name where the phrase says "he" or "she".
        "is Jacob Smith (dob 01/01/2010) open to the CWD team?",
        "does Amira Begum have a social worker",
    ],
)
def test_asking_whether_one_child_has_had_something_gets_the_case_records_signpost(
    kb: KnowledgeBase, question: str
) -> None:
    assert signposted(kb, question) == ["case-records"]


# -- 2. typos beyond one edit, texting, shorthand, run-together and split words ----------------------------------
def test_no_typo_is_ever_read_as_a_slur_or_profanity(kb: KnowledgeBase) -> None:
    """The word "niggles" (real, rare in the English list) was read as a racial slur one letter away, and a reading
    is echoed back. Every word one edit from an offensive word must read as something else, or as typed."""
    letters = "aeiougls"
    variants = {"niggles", "niggled"}
    for word in OFFENSIVE_WORDS:
        for index in range(1, len(word)):
            variants.update(word[:index] + letter + word[index + 1 :] for letter in letters)
            variants.add(word[:index] + word[index + 1 :])
    variants -= OFFENSIVE_WORDS
    for variant in sorted(variants):
        query = kb.searcher.analyse(f"the health visitor has {variant} about mum")
        read = {word for unit in query.units for word in unit.words} | set(query.corrections.values())
        assert not read & OFFENSIVE_WORDS, variant


def test_an_ing_word_typed_without_its_g_is_read_as_the_ing_word(kb: KnowledgeBase) -> None:
    question = "changin social workers all the time, any learnin on that for cse"
    assert "texting form 'changin' -> changing" in notes_of(kb, question)
    # "Where there had been a change/multiple changes in social workers, this has had a negative impact ..." and
    # "Social Care should consider the impact of multiple changes of social workers on children at risk of sexual
    # exploitation."
    assert kb.ask(question).results[0].id in {"cse-f7", "cse-r5"}
    analyser = kb.searcher.analyser
    assert [analyser.dropped_g(word) for word in ("sharin", "admin", "heroin", "skin")] == ["sharing", None, None, None]


def test_a_misspelt_everyday_english_word_is_read_as_that_word(kb: KnowledgeBase) -> None:
    """No vocabulary word fits "diffrently" or "insted": read as the English words they misspell, they weigh as
    everyday words (and "differently" asks for recommendations) instead of as distinctive unknown words."""
    question = "what shud police do diffrently insted on CSE cases"
    notes = notes_of(kb, question)
    assert "typo of an English word: insted -> instead" in notes
    assert kb.searcher.analyse(question).wants_kind == "recommendation"
    analyser = kb.searcher.analyser
    assert analyser.english_typo("actualy") == "actually"
    assert analyser.english_typo("sextorted") is None  # no common word within a few edits and letters
    assert analyser.english_typo("police") is None  # a vocabulary word


def test_texting_forms_are_read_as_the_words_they_stand_for(kb: KnowledgeBase) -> None:
    plain = kb.ask("what should we do about dads in assessments")
    texted = kb.ask("pls wot shud we do abt dads in assessments")
    assert plain.found and [r.id for r in texted.results[:3]] == [r.id for r in plain.results[:3]]
    # "rec" is a recommendation: the question asks for that kind.
    assert kb.searcher.analyse("any recs for health visitors on TAC meetings").wants_kind == "recommendation"
    # A texting form that stands for a content word is noted on its unit (stopwords leave no unit to note).
    assert "texting form 'mtgs'" in notes_of(kb, "are dads invited to core group mtgs")
    # "w" is "with": an audit's name typed with it is still the audit ("families w multiple needs").
    assert kb.searcher.analyse("plans in families w multiple needs").audits == (
        kb.searcher.analyse("plans in families with multiple needs").audits
    )
    assert kb.searcher.analyse("plans in families with multiple needs").audits


def test_sound_keys_and_abbreviations() -> None:
    assert sound_key("skools") == sound_key("schools")
    assert sound_key("asessment") == sound_key("assessment")
    assert sound_key("recieve") == sound_key("receive")
    assert sound_key("radicalisation") != sound_key("realisation")
    assert is_abbreviation("mngmnt", "management") and is_abbreviation("agncy", "agency")
    assert not is_abbreviation("vpn", "viewpoint") and not is_abbreviation("agency", "agency")


def test_respelling_by_sound_and_by_abbreviation_but_never_a_real_word(kb: KnowledgeBase) -> None:
    vocabulary = kb.vocabulary
    assert vocabulary.respell("skool") == ("school", "sounds like")
    assert vocabulary.respell("assmnt") == ("assessment", "abbreviation")
    assert vocabulary.respell("school") is None  # known
    assert vocabulary.respell("banana", zipf=4.0) is None  # ordinary English: stays unknown
    answer = kb.ask("do skool nurses get supervisn", explain=True)
    assert answer.corrections == {"skool": "school", "supervisn": "supervision"}
    assert "sounds like: skool -> school" in notes_of(kb, "do skool nurses get supervisn")


def test_a_word_sharing_a_passage_words_root_is_read_as_that_word(kb: KnowledgeBase) -> None:
    """The stemmer cuts "commissioners" to "commission" but "commissioned" to "commiss"."""
    question = "anything for commissioners of CSE services"
    assert "same root: commissioners -> commissioned" in notes_of(kb, question)
    # "The correct specialist services should be identified and commissioned in order to support the young person."
    assert kb.ask(question).results[0].id == "cse-r3"
    assert kb.vocabulary.root("commissioners", zipf=5.0) is None  # an everyday word keeps its own meaning


def test_a_phrase_of_stopwords_only_is_a_concept_key_not_lost() -> None:
    """ "asking questions" is all stopwords; dropping them left the thesaurus variant with no key at all."""
    assert key_of("asking questions") == (stem("asking"), stem("question"))
    assert key_of("voice of the child") == (stem("voice"), stem("child"))


@pytest.mark.parametrize(
    "question",
    ["are workers asking more questions of parents", "did workers ask enough questions in the toxic trio cases"],
)
def test_a_phrase_with_a_word_typed_inside_it_is_still_the_phrase(kb: KnowledgeBase, question: str) -> None:
    notes = notes_of(kb, question)
    assert any(note.startswith("phrase with a word inside: ask question") for note in notes)
    # "attendees felt more professional curiosity could have been exercised in some of the cases"
    assert "fmn-f3" in [result.id for result in kb.ask(question).results[:3]]


def test_a_word_that_names_something_inside_a_phrase_changes_it(kb: KnowledgeBase) -> None:
    assert not any(note.startswith("phrase with a word inside") for note in notes_of(kb, "is she on a CIN plan"))


def test_words_run_together_are_split_and_a_word_typed_as_two_is_joined(kb: KnowledgeBase) -> None:
    vocabulary = kb.vocabulary
    assert vocabulary.split("managementoversight") == ("management", "oversight")
    assert vocabulary.split("management") is None
    # A word known only inside a thesaurus phrase is split too: the passages say "front line staff".
    assert "frontline" in vocabulary.known_words and "frontline" not in vocabulary.word_df
    assert vocabulary.split("frontline") == ("front", "line")
    # Several words, with stopwords between them; a run longer than a few words is not searched.
    assert vocabulary.split("voiceofthechild") == ("voice", "of", "the", "child")
    assert vocabulary.split("voiceofthechild" * 5) is None
    assert vocabulary.joined("safe", "guarding") == "safeguarding"
    assert vocabulary.joined("school", "nurse") is None
    joined = kb.ask("managementoversight of cases")
    assert joined.corrections == {"managementoversight": "management oversight"}
    assert [r.id for r in joined.results[:3]] == [r.id for r in kb.ask("management oversight of cases").results[:3]]
    assert any(note.startswith("joined: safe guarding") for note in notes_of(kb, "safe guarding leads in schools"))


# -- 3. concepts described instead of named ---------------------------------------------------------------------
def test_a_concept_described_in_the_glossarys_words_is_matched(kb: KnowledgeBase) -> None:
    question = "parents appearing to cooperate to get professionals to close the case"
    notes = notes_of(kb, question)
    assert any(note.startswith("described: glossary:disguised-compliance") for note in notes), notes
    texts = [result.text.lower() for result in kb.ask(question).results[:5]]
    assert any("disguised compliance" in text for text in texts), texts


def test_words_describing_a_concept_the_question_also_names_are_explained_by_it(kb: KnowledgeBase) -> None:
    """Accepting "what dad told them" is how the glossary describes professional curiosity, named as "digging
    deeper": the describing words are no sign of another topic."""
    question = "staff just accepting what dad told them and never digging deeper - was that raised anywhere?"
    answer = kb.ask(question)
    assert answer.found and "fmn-f3" in [result.id for result in answer.results[:2]]
    assert "explained by the named concept's description glossary:professional-curiosity" in notes_of(kb, question)


def test_a_phrase_with_two_stopwords_inside_is_still_the_phrase(kb: KnowledgeBase) -> None:
    analysis = kb.ask("nobody joins it all up for the nursery", explain=True).analysis
    assert analysis is not None
    assert any(unit["unit"] == "joins up" and unit["concepts"] for unit in analysis["units"]), analysis["units"]


def test_a_broad_concept_the_passage_does_not_hold_does_not_outweigh_the_agency_asked_about(
    kb: KnowledgeBase,
) -> None:
    """The word "role" names the broad concept of responsibilities; the youth offending service's own passage does
    not say it, and that is no sign the question is on something else."""
    answer = kb.ask("what role did the youth offending service play")
    assert answer.found and answer.results[0].id == "cse-f11"


# -- 4. narrative vs need ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("clause", "frame"),
    [
        ("was that raised anywhere", True),
        ("did the audits pick that up", True),
        ("does the audit say anything useful about this", True),
        ("was that flagged in the audit", True),
        ("did it say anything about dads", False),  # names its own topic after the word pointing back
        ("was that part of the board's plans", False),
        ("what did the audits find", False),  # points back at nothing
    ],
)
def test_a_clause_asking_whether_the_audits_cover_what_was_said_points_back_at_it(clause: str, frame: bool) -> None:
    assert refers_back(words(clause)) is frame


def test_a_closing_clause_asking_whether_the_audits_cover_it_is_not_the_topic(kb: KnowledgeBase) -> None:
    """The clause "did the audits pick that up" asks whether the audits noticed what was described, not about
    identifying risk ("pick up"); its words weigh as filler and are no sign of another topic."""
    question = "the nursery keeps saying the same worries but nobody joins it all up - did the audits pick that up?"
    answer = kb.ask(question, explain=True)
    assert answer.found
    assert answer.analysis is not None
    pick = next(unit for unit in answer.analysis["units"] if unit["unit"] == "pick up")
    assert not pick["concepts"]
    assert any(note.startswith("asks whether the audits cover what was said before it") for note in pick["notes"])
    # Said as a sentence of its own, it asks about the case told before it.
    told = kb.ask("Nobody from health came to the TAC meetings for a 3 year old. Did the audit pick this up?")
    assert told.found and told.results[0].audit.id == "early-years"


def test_a_case_told_before_the_question_weighs_less_than_the_question(kb: KnowledgeBase) -> None:
    question = (
        "Year 9 girl, lives with nan, lots of arguments at home and older brother in trouble. "
        "What does the learning say about core groups?"
    )
    answer = kb.ask(question)
    assert answer.found and "core group" in answer.results[0].text.lower()
    assert "narrative: told as the case, not asked" in notes_of(kb, question)
    # A question that only asks "what should I do?" keeps its case as the topic.
    told = "Dad is never at home visits and nobody has assessed him. What should I do?"
    assert "narrative: told as the case, not asked" not in notes_of(kb, told)


# -- a passage continuing the one before it -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "continuing"),
    [
        ("This leads to scrutiny as to why, and are children with disabilities being safeguarded effectively?", True),
        ("These findings were shared with the board.", True),
        ("This audit looked at 6 cases.", False),  # points at the document, not the passage before
        ("That all agencies ensure plans are SMART.", False),  # a recommendation's opening
        ("There is an underrepresentation of children with disabilities", False),
    ],
)
def test_a_passage_opening_by_pointing_back_continues_the_one_before(text: str, continuing: bool) -> None:
    assert continues(text) is continuing


def test_a_passage_that_continues_the_one_shown_follows_it(kb: KnowledgeBase) -> None:
    """The CWD context's second paragraph ("This leads to scrutiny as to why ...") finishes the first (the figures):
    shown with it, right after it, and said so in `ask --explain`."""
    answer = kb.ask("how out of proportion are disabled children on CP plans", explain=True)
    ids = [result.id for result in answer.results]
    assert ids[ids.index("cwd-c1") + 1] == "cwd-c2", ids
    follower = answer.results[ids.index("cwd-c2")]
    assert follower.explanation is not None and follower.explanation["continues"] == "cwd-c1"
    assert len(ids) == len(set(ids))


# -- 5. intents -------------------------------------------------------------------------------------------------
def test_a_fact_question_favours_the_passage_holding_the_number(kb: KnowledgeBase) -> None:
    answer = kb.ask("how many children with disabilities were on CP plans", explain=True)
    assert answer.analysis is not None and answer.analysis["intent"] == "fact"
    assert any(character.isdigit() for character in answer.results[0].text)


def test_a_fact_question_favours_a_count_of_cases_over_an_incidental_number(kb: KnowledgeBase) -> None:
    """'In 4 out of 6 ...' answers 'in how many cases'; a year ('2017-2018') or 'under 5' is not a count, and 'the
    majority' is a count without its number."""
    query, hits = kb.searcher.search("in how many cases were males missing from assessments")
    assert query.intent == "fact"
    bonus = {hit.item_id: hit.bonus for hit in hits}
    # "In 4 out of 6 ..." holds the count; "... sessions in 2017-2018." holds only a year, which counts nothing.
    assert bonus["fmn-f4"] > 0
    assert bonus["fmn-r3"] == 0
    # "Elements of disguised compliance were evident in all cases."
    assert kb.ask("in how many of the families was disguised compliance seen").results[0].id == "fmn-f5"


@pytest.mark.parametrize(
    "question",
    [
        "why was the children with disabilities audit done",
        "why bother auditing children with disabilities",
        "what was the point of the disabled children audit",
        "how was the children with disabilities audit carried out",
        "why did they look at disabled children's cases",
        "what was the disabled children audit trying to achieve",
        "what was the CWD audit hoping to improve",
    ],
)
def test_a_purpose_question_finds_the_audits_context(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question, explain=True)
    assert answer.analysis is not None and answer.analysis["intent"] == "purpose"
    assert answer.analysis["wants_kind"] is None  # "what was ..." asks for no finding when it asks why
    assert answer.results[0].kind == "context"


def test_an_audits_purpose_and_priority_are_passages_labelled_why_it_was_done_never_learning_points(
    kb: KnowledgeBase,
) -> None:
    priority = kb.item("cse-mase-priority")
    assert priority.kind == "context" and priority.kind_label == "Why this audit was done"
    assert priority.text.startswith("Business Plan Priority 1: To improve the protection")
    # A purpose an item already holds verbatim is not a second passage (cwd-c2, fmn-c1 hold them).
    with pytest.raises(NotFoundError):
        kb.item("children-with-disabilities-purpose")
    with pytest.raises(NotFoundError):
        kb.item("families-multiple-needs-purpose")
    # Never among an agency's recommendations nor in a digest's findings or recommendations.
    listed = kb.recommendations("all-agencies")
    assert all(result.kind == "recommendation" for group in (*listed.own, *listed.for_all) for result in group.items)
    digest = build_digest(kb, "cse")
    assert not any("Business Plan Priority" in text for text in digest.texts())
    # A question that does not ask why the audit was done leads with the learning points, not the context.
    answer = kb.ask("how well did agencies work together in the sexual exploitation cases")
    assert answer.results[0].kind != "context"


def test_trying_to_without_an_audit_is_no_purpose_question(kb: KnowledgeBase) -> None:
    answer = kb.ask("mum is trying to hide the new boyfriend from the health visitor", explain=True)
    assert answer.analysis is not None and answer.analysis["intent"] != "purpose"


def test_on_purpose_means_deliberately_not_a_question_about_why_an_audit_was_done(kb: KnowledgeBase) -> None:
    deliberate = kb.ask("dad hurts the baby on purpose when drunk", explain=True)
    assert deliberate.analysis is not None and deliberate.analysis["intent"] != "purpose"
    assert all(result.kind != "context" for result in deliberate.results)
    asked = kb.ask("what was the purpose of the CSE audit", explain=True)
    assert asked.analysis is not None and asked.analysis["intent"] == "purpose"


def test_a_purpose_question_is_told_why_the_audit_was_done(kb: KnowledgeBase, kb_path) -> None:
    # The purpose (and the sentence under the audit's heading) are passages of their own, labelled honestly and
    # not quoted a second time above them.
    named = kb.ask("why did the board audit early years")
    assert {result.id for result in named.results[:2]} == {"early-years-purpose", "early-years-introduction"}
    assert {result.kind_label for result in named.results[:2]} == {"Why this audit was done"}
    assert named.purposes == ()
    unnamed = kb.ask("why was this audit done")
    assert unnamed.results == () and len(unnamed.purposes) == len(kb.audits())
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "ask", "why was this audit done"])
    assert "why the audit was done: It was important to carry out" in result.stdout
    assert NOTHING_FOUND not in result.stdout and "no words to search on" not in result.stdout
    body = json.dumps([block.to_dict() for block in blocks.answer_message(unnamed, kb).blocks])
    assert "CSE/MASE, why the audit was done" in body and NOTHING_FOUND not in body
    assert kb.ask("what did the early years audit find").purposes == ()


def test_asking_what_an_agency_needs_to_change_is_no_plans_what_needs_to_change(kb: KnowledgeBase) -> None:
    """'what needs to change' is a plan outcome in the thesaurus; asked of an agency it says what is asked."""
    question = "what do police need to change"
    assert "intent word: weighed as filler" in notes_of(kb, question)
    first = kb.ask(question).results[0]
    assert first.kind == "recommendation" and "police" in first.agencies


def test_an_agency_question_leads_with_that_agencys_recommendations(kb: KnowledgeBase) -> None:
    answer = kb.ask("what is asked of the police", explain=True)
    assert answer.analysis is not None and answer.analysis["intent"] == "agency"
    first = answer.results[0]
    assert first.kind == "recommendation" and "police" in first.agencies


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how well did schools and children's centres share information", "finding"),
        ("tips on hearing the voice of babies", "recommendation"),
        # whether something happened, opening the question or a sentence of it, is asked of the findings
        ("did police investigations take account of the child's voice", "finding"),
        ("Young person at risk of CSE. Were the plans SMART?", "finding"),
        # what to do, or whether something is needed or allowed, is asked of the recommendations
        ("what do I do if I cannot attend a TAC meeting", "recommendation"),
        ("is it ok to send a report instead of going to a TAC meeting", "recommendation"),
        ("does every agency have to check with the children's centre", "recommendation"),
        # what those audited said is a finding; what the audit itself says may be either
        ("what did designated safeguarding leads say about supervision", "finding"),
        # what or how something was is asked of the findings; how to do something oneself, of the recommendations
        ("CSE cases - how was the voice of the young person", "finding"),
        ("how do I capture the voice of a baby", "recommendation"),
    ],
)
def test_asking_how_well_something_worked_or_for_advice_asks_for_that_kind(
    kb: KnowledgeBase, question: str, kind: str
) -> None:
    assert kb.searcher.analyse(question).wants_kind == kind
    assert kb.ask(question).results[0].kind == kind


def test_a_recommendation_worded_as_an_observation_is_weighed_as_a_finding(kb: KnowledgeBase) -> None:
    """The report files some observations under Learning/Recommendations ("Police stated that they were routinely
    notified ..."): curated `reads_as: observation`. A question about what was found gets the finding nudge for
    them; one asking what should be done does not."""
    observed = kb.item("cwd-r7")
    assert (observed.kind, observed.reads_as) == ("recommendation", "observation")
    tuning = kb.searcher.tuning
    query, hits = kb.searcher.search("were police told about child protection meetings for disabled children")
    assert query.wants_kind == "finding"
    assert {hit.item_id: hit.bonus for hit in hits}["cwd-r7"] >= tuning.kind_bonus
    query, hits = kb.searcher.search("what should police do about child protection meetings for disabled children")
    assert query.wants_kind == "recommendation"
    bonus = {hit.item_id: hit.bonus for hit in hits}
    assert bonus["cwd-r7"] < tuning.kind_bonus <= bonus["cse-r4"]
    # Asked for by name, the recommendations are everything the report lists under that heading.
    query, hits = kb.searcher.search("what were the police recommendations for disabled children")
    assert query.names_kind and query.wants_kind == "recommendation"
    assert {hit.item_id: hit.bonus for hit in hits}["cwd-r7"] >= tuning.named_kind_bonus
    # "There is clear evidence that the partnership working approach ..." (filed under Learning/Recommendations)
    assert "ey-r1" in [result.id for result in kb.ask("what were the early years recommendations").results]


# -- 6. signposts for safeguarding topics the audits do not cover ------------------------------------------------
@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("what's the process for a forced marriage protection order", "forced-marriage"),
        ("should I worry about a 15 year old being radicalised", "radicalisation"),
        ("voice of the child in FGM cases", "fgm"),  # a learning concept does not outweigh the topic
        ("parents want to home educate after exclusion", "home-education"),
    ],
)
def test_a_topic_the_audits_do_not_cover_gets_its_signpost_not_learning_points(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    answer = kb.ask(question)
    assert answer.results == ()
    assert [signpost.id for signpost in answer.signposts] == [topic]
    assert answer.signposts[0].link and answer.signposts[0].message.startswith("The ")


@pytest.mark.parametrize(
    ("question", "topic", "note"),
    [
        ("radicalisaton concerns about a year 9 boy", "radicalisation", "typo: radicalisaton -> radicalisation"),
        ("hw do i make a prevent referal for a yr 10", "radicalisation", "typo: referal -> referral"),
        ("threshhold for a strategy discussion", "procedures", "typo: threshhold -> threshold"),
    ],
)
def test_a_misspelt_signpost_word_still_gets_its_signpost(
    kb: KnowledgeBase, question: str, topic: str, note: str
) -> None:
    assert signposted(kb, question) == [topic]
    assert note in notes_of(kb, question)


def test_a_real_word_typed_for_a_signpost_word_is_read_as_it_when_its_neighbour_completes_the_phrase(
    kb: KnowledgeBase,
) -> None:
    # "chanel" is English (a name), so no typo alone; beside "panel" it can only mean the Channel panel.
    assert signposted(kb, "who sits on the chanel panel") == ["radicalisation"]
    assert "typo: chanel -> channel" in notes_of(kb, "who sits on the chanel panel")
    # Without the neighbour the word stays as typed.
    vocab = kb.searcher.analyser.vocab
    assert vocab.signpost_slip("chanel", None, "panel") == "channel"
    assert vocab.signpost_slip("chanel", None, "meeting") is None
    assert vocab.signpost_slip("chanel", None, None) is None
    assert vocab.signpost_slip("leaves", "care", None, zipf=4.5) is None  # everyday: "social care leaves them out"


@pytest.mark.parametrize(
    "question",
    [
        "restraint of disabled children in special schools",
        "what's the guidance on positive handling for a 9yo with autism",
        "child with autism was held down by staff at school",
    ],
)
def test_restraint_is_a_topic_the_audits_do_not_cover(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["restraint"]


def test_a_kind_named_by_a_corrected_word_outweighs_the_kind_the_phrasing_suggests(kb: KnowledgeBase) -> None:
    # "what were" asks what happened (findings), but the misspelt word names the recommendations.
    answer = kb.ask("wat were the cse reccomendations pls", explain=True)
    assert answer.analysis is not None and answer.analysis["wants_kind"] == "recommendation"
    assert answer.results[0].kind == "recommendation"


def test_at_the_last_minute_is_no_meetings_minutes(kb: KnowledgeBase) -> None:
    question = "mum always cancels at the last minute then is all smiles at the next visit"
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    assert "minute" not in [unit["typed"] for unit in analysis["units"]]
    assert any(unit["typed"] == "minutes" for unit in kb.ask("MASE minutes", explain=True).analysis["units"])


def test_asked_of_asks_for_recommendations_and_people_working_with_someone_ask_no_findings(kb: KnowledgeBase) -> None:
    # "working" asks how well something worked ("what's working well"), not who works with whom.
    answer = kb.ask("what's asked of agencies working with under 5s", explain=True)
    assert answer.analysis is not None and answer.analysis["wants_kind"] == "recommendation"
    # "under 5s" is "under 5": the passage asking any service working with a child under 5 to check.
    assert answer.results[0].text.startswith(
        "Any organisation/ service working with a family where there is a child under 5"
    )
    assert stem("5s") == "5" and stem("1990s") == "1990" and stem("s") == "s"
    analysis = kb.ask("HV didn't know the children's centre was already working with the family", explain=True).analysis
    assert analysis is not None and analysis["wants_kind"] != "finding"
    analysis = kb.ask("what's working well in early help", explain=True).analysis
    assert analysis is not None and analysis["wants_kind"] == "finding"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("who is the LSCB business manager", "practicalities"),
        ("who is the LSCB business manager and how do I contact them", "practicalities"),
        ("max caseload for a SW in the assessment team", "procedures"),  # texting: max -> maximum
        ("what is the KLOE audit tool and can i get a copy", "forms-and-contacts"),
    ],
)
def test_who_holds_a_post_a_copy_of_a_document_and_a_maximum_are_not_learning(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert signposted(kb, question) == [topic]


def test_only_a_word_neither_the_passages_nor_english_use_is_read_as_a_signpost_word(kb: KnowledgeBase) -> None:
    vocab = kb.searcher.analyser.vocab
    assert vocab.signpost_typo("radicalisaton") == "radicalisation"
    assert vocab.signpost_typo("prevent") is None  # a passage word ("to prevent any child falling through the net")
    assert vocab.signpost_typo("knight", zipf=4.0) is None  # English, however close to "knife"
    assert kb.ask("disgised complience").found  # a passage word's typo is still corrected to it


def test_the_signpost_is_shown_instead_of_nothing_found_in_the_cli_and_in_slack(kb: KnowledgeBase, kb_path) -> None:
    question = "how do I refer a child to the national referral mechanism"
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "ask", question])
    assert result.exit_code == 0
    assert NOTHING_FOUND not in result.stdout and "trafficking" in result.stdout.lower()
    assert "https://" in result.stdout
    data = json.loads(CliRunner().invoke(cli, ["--db", str(kb_path), "ask", question, "--json"]).stdout)
    assert data["results"] == [] and data["signposts"][0]["id"] == "trafficking"
    message = blocks.answer_message(kb.ask(question, limit=100), kb)
    body = json.dumps([block.to_dict() for block in message.blocks])
    assert NOTHING_FOUND not in body and "Learning points" not in body
    assert "National Referral Mechanism" in body and "londonsafeguardingchildrenprocedures" in body


def test_ask_explain_shows_how_the_question_was_read(kb_path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "ask", "--explain", "pls wot about FGM"])
    assert "How the question was read:" in result.stdout
    assert "out-of-scope topics (signposted): fgm" in result.stdout
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "ask", "--explain", "do skool nurses get supervisn"])
    assert "sounds like: skool -> school" in result.stdout


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # "EHE" and "CME" name elective home education and children missing education, not school attendance.
        (
            "family deregistered all 3 kids to home educate after we raised attendance concerns. any learning on EHE?",
            "home-education",
        ),
        ("any learning on EHE", "home-education"),
        ("how do children's centre staff apply for a Protocol login", "forms-and-contacts"),
        ("fusion drug service referral number pls", "forms-and-contacts"),
    ],
)
def test_home_education_acronyms_login_requests_and_referral_numbers_are_signposted(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert signposted(kb, question) == [topic]
    assert kb.ask("child was deregistered from the CP plan too early").found  # a plan's deregistration


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("mum took her out of school and says she's educating her at home now", "home-education"),
        ("dad says he is going to teach the kids at home from now on", "home-education"),
        ("she is being taught at home by her aunt", "home-education"),
        ("boy in year 10 says he works long hours at a car wash for a man who keeps his passport", "trafficking"),
        ("a lad at my school says he was brought here to work in a nail bar and owes money", "trafficking"),
    ],
)
def test_home_education_and_modern_slavery_told_as_a_story_are_signposted(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert signposted(kb, question) == [topic]
    assert kb.ask("the school nurse saw him at home").signposts == ()


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("what training is available for midwives on DV", "training-courses"),
        (
            "aunt has been looking after a 12yo niece for 6 months, parents are abroad. does this need reporting?",
            "procedures",
        ),
    ],
)
def test_what_training_is_available_and_whether_something_needs_reporting_are_signposted(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert signposted(kb, question) == [topic]
    assert kb.ask("what training was planned after the audits").found


def test_directed_at_an_agency_asks_for_its_recommendations(kb: KnowledgeBase) -> None:
    analysis = kb.ask("anything directed at children's social care", explain=True).analysis
    assert analysis is not None and analysis["intent"] == "agency"


def test_a_signposted_topic_asked_as_a_procedure_gets_no_passage_naming_it(kb: KnowledgeBase) -> None:
    # Where to refer for genetic counselling: the board's priority naming consanguinity does not say.
    answer = kb.ask("where do I refer a couple who are first cousins planning a baby for genetic counselling")
    assert [signpost.id for signpost in answer.signposts] == ["consanguinity"] and answer.results == ()


def test_a_reporting_year_in_two_digits_is_the_audits_own_period(kb: KnowledgeBase) -> None:
    assert "the audits' own year: weighed as filler" in notes_of(kb, "which audits were done in 16-17")
    assert len(kb.ask("which audits were done in 16-17 and what was each one for").purposes) == 4
    assert signposted(kb, "what did the 17/18 audits find") == ["other-reports"]
    # An age range is no year.
    assert kb.ask("any learning for 16-17 year olds at risk of CSE").found


def test_a_signposts_passage_must_exist_in_an_audit_the_data_holds(data: Path) -> None:
    path = data / "signposts.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    consanguinity = next(signpost for signpost in raw["signposts"] if signpost["id"] == "consanguinity")
    consanguinity["passages"] = ["children-with-disabilities-priorty"]
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_knowledge(data)
    expected = f"{path}: signpost consanguinity: passages: unknown passage 'children-with-disabilities-priorty'"
    assert caught.value.lines == [expected]
    # ... but another board's data, without that audit, loads the same signposts (the passage is not shown).
    consanguinity["passages"] = ["children-with-disabilities-priority"]
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    (data / "audits" / "children-with-disabilities.yaml").unlink()
    assert "consanguinity" in {signpost.id for signpost in load_knowledge(data).signposts}


def test_a_signposted_topic_a_passage_names_shows_the_message_and_that_passage(kb: KnowledgeBase, kb_path) -> None:
    # The board's priority for the disabilities audit names consanguinity; no finding does.
    answer = kb.ask("cousin marrige n disability anything")
    assert [signpost.id for signpost in answer.signposts] == ["consanguinity"]
    assert [result.id for result in answer.results] == ["children-with-disabilities-priority"]
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "ask", "parents are first cousins, any learning?"])
    assert result.exit_code == 0
    text = result.stdout
    assert text.index("Consanguineous relationships") < text.index("Business Plan Priority 4")
    # A signposted topic no passage names still gets its message alone.
    assert kb.ask("FGM").results == ()


def test_the_signposts_file_is_optional_and_each_bad_record_is_named(data: Path) -> None:
    path = data / "signposts.yaml"
    assert {signpost.id for signpost in load_knowledge(data).signposts} >= {"fgm", "radicalisation"}
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["signposts"][0].pop("message")
    raw["signposts"][1]["link"] = "not a link"
    raw["signposts"].append(dict(raw["signposts"][2]))
    allegations = next(signpost for signpost in raw["signposts"] if signpost["id"] == "allegations-against-staff")
    allegations["acts"][0]["reach"] = 0
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_knowledge(data)
    lines = caught.value.lines
    assert any(line.startswith(f"{path}: signpost allegations-against-staff: acts.0.reach:") for line in lines), lines
    assert f"{path}: signpost radicalisation: message: Field required" in lines, lines
    assert any(line.startswith(f"{path}: signpost fgm: link: String should match pattern") for line in lines), lines
    raw["signposts"][0]["message"] = "Back again."
    raw["signposts"][1]["link"] = None
    allegations["acts"][0]["reach"] = 3
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_knowledge(data)
    assert caught.value.lines == [f"{path}: signpost forced-marriage: id: duplicate id"]
    path.unlink()
    assert load_knowledge(data).signposts == ()


# -- scope: unknown English words outnumbering the specific concepts beside them -------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        # One concept, found in a large share of the passages ("family"), beside two words the audits never use.
        "family say their toddler is cursed by spirits",
        # One specific concept word ("chair") in its everyday sense, beside two words the audits never use.
        "my swivel chair squeaks, can facilities oil it",
        # An everyday word in its everyday sense counts as half a specific concept: one unknown word outweighs it.
        "minutes of the choir rehearsal",
        "train drivers pay dispute",
    ],
)
def test_unknown_words_outnumbering_specific_concepts_are_weighed_fully(kb: KnowledgeBase, question: str) -> None:
    assert kb.ask(question).results == ()
    assert any(note.startswith("unknown word, weighed fully") for note in notes_of(kb, question))


def test_a_concept_phrase_and_an_everyday_concept_word_excuse_two_unknown_words(kb: KnowledgeBase) -> None:
    question = "which school nurse covers our school, is there a rota"
    assert kb.ask(question).found
    assert "unknown word, weighed lightly: the question names a learning topic" in notes_of(kb, question)


def test_one_unknown_word_beside_a_specific_concept_is_still_excused(kb: KnowledgeBase) -> None:
    # Two specific concepts excuse up to two unknown words: the case keeps its answer.
    question = "core group meetings keep getting postponed"
    assert kb.ask(question).found
    assert "unknown word, weighed lightly: the question names a learning topic" in notes_of(kb, question)


# -- signposts: procedures, and no signpost hiding learning the audits hold ------------------------------------------
def test_a_procedure_question_gets_the_procedures_signpost(kb: KnowledgeBase) -> None:
    assert signposted(kb, "what's the threshold for a child in need referral") == ["procedures"]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("what's the phone number for the children's social care front door", "procedures"),
        ("eligibility for early help from children's centres", "procedures"),
        ("can I share information about domestic abuse under GDPR", "law"),
        ("what does the law say about parental consent before a referral", "law"),
        ("how do I book a place on the disguised compliance training", "training-courses"),
        ("can I tell school about the domestic abuse without consent from mum", "law"),
        ("does a stepdad have parental responsibility for the child protection conference", "law"),
        ("how do I apply for respite for a disabled child", "disability-services"),
        ("what goes in a pre-birth assessment when mum has mental health problems", "pre-birth"),
        ("who chairs the LSCB", "the-board"),
        ("the neglect toolkit, how is it scored", "procedures"),
        ("how soon after a referral should the child in need assessment start", "procedures"),
        ("when are the training dates for see the adult see the child", "training-courses"),
        ("my neighbour's child is staying with a friend while mum is away, do I need to notify anyone", "procedures"),
        ("a youth worker keeps texting a 14 year old, who do I report it to", "procedures"),
        ("how long should we keep CP records after a child turns 18", "procedures"),
        ("is a section 47 the same as a strategy discussion", "law"),
    ],
)
def test_contact_details_criteria_the_law_services_and_course_bookings_get_a_signpost(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    """How to reach a service, who qualifies, what the law says, how to get a service, how to book a course and
    who runs the board are not in the audits, however close the topic they name."""
    assert signposted(kb, question) == [topic]


def test_a_topic_signpost_outranks_the_procedures_signpost(kb: KnowledgeBase) -> None:
    assert signposted(kb, "what's the process for a young carers assessment") == ["young-carers"]


def passage_words(kb: KnowledgeBase, fold: Callable[[str], str] = str) -> list[list[str]]:
    return [[fold(word) for word in words(row["text"])] for row in kb.conn.execute("SELECT text FROM items")]


def occurs(key: list[str], passage: list[str]) -> bool:
    return any(passage[i : i + len(key)] == key for i in range(len(passage) - len(key) + 1))


def test_no_signpost_phrase_occurs_in_any_audit_passage(kb: KnowledgeBase) -> None:
    passages = passage_words(kb, stem)
    for signpost in load_knowledge(bundled_data_dir()).signposts:
        for phrase in signpost.phrases:
            key = [stem(word) for word in words(phrase)]
            for passage in passages:
                assert not occurs(key, passage), f"signpost {signpost.id}: phrase {phrase!r} occurs in an audit passage"


def test_no_signpost_act_occurs_in_any_audit_passage(kb: KnowledgeBase) -> None:
    # An actor then a deed within reach, in any passage, would signpost a question quoting it.
    passages = passage_words(kb, stem)
    for signpost in load_knowledge(bundled_data_dir()).signposts:
        for act in signpost.acts:
            actors = [[stem(word) for word in words(actor)] for actor in act.actors]
            deeds = [[stem(word) for word in words(deed)] for deed in act.deeds]
            for passage in passages:
                for start in range(len(passage)):
                    for actor in actors:
                        if passage[start : start + len(actor)] != actor:
                            continue
                        after = passage[start + len(actor) : start + len(actor) + act.reach + max(map(len, deeds))]
                        for deed in deeds:
                            spans = range(min(act.reach + 1, len(after) - len(deed) + 1))
                            assert not any(after[i : i + len(deed)] == deed for i in spans), (
                                f"signpost {signpost.id}: {' '.join(actor)} ... {' '.join(deed)} in an audit passage"
                            )


@pytest.mark.parametrize(
    "question",
    [
        "our childminder was seen slapping a two year old, what now",
        "a foster carer shouted at and shoved a 7 year old",
        "parent says a TA grabbed her son. Teacher hit a child in the playground too",
        "member of staff at the club kicked a boy",
    ],
)
def test_an_allegation_told_by_what_a_worker_did_gets_its_signpost(kb: KnowledgeBase, question: str) -> None:
    # `acts`: someone who works with children, then within reach what they did to a child.
    assert signposted(kb, question) == ["allegations-against-staff"]
    assert "told by what someone did: signpost allegations-against-staff" in notes_of(kb, question)


@pytest.mark.parametrize(
    "question",
    [
        # Someone else named between the worker and the deed did it.
        "the teacher said dad grabbed him by the arm",
        "nursery staff saw mum slapping the toddler at pick up",
        # ... or the deed is in another sentence.
        "the teacher rang us. Mum's boyfriend kicked him",
    ],
)
def test_a_worker_telling_what_someone_else_did_is_no_allegation_against_staff(
    kb: KnowledgeBase, question: str
) -> None:
    assert "allegations-against-staff" not in [signpost.id for signpost in kb.ask(question).signposts]


def test_a_topic_phrase_with_an_alternative_inside_it_gets_its_signpost(kb: KnowledgeBase) -> None:
    # "making up symptoms" (fabricated illness) with "or causing" inside; "allegations about staff" with "or concerns".
    question = "a parent making up or causing symptoms so the child keeps having tests"
    assert signposted(kb, question) == ["fabricated-illness"]
    assert "a phrase with an alternative inside: read as 'make up symptom'" in notes_of(kb, question)
    assert signposted(kb, "allegations or concerns about staff") == ["allegations-against-staff"]
    # Two topics joined are each still read by their own phrase.
    assert kb.ask("neglect and domestic abuse").found


def test_a_topic_phrase_said_with_a_relative_clause_gets_its_signpost(kb: KnowledgeBase) -> None:
    # "parents with a learning disability", said as "parents who themselves have a learning disability".
    question = "any learning on parents who themselves have a learning disability"
    assert signposted(kb, question) == ["parents-with-learning-disabilities"]
    assert "a relative clause 'who have': read as 'with'" in notes_of(kb, question)
    # ... a learning topic said so is still the learning ("children with disabilities").
    assert kb.ask("children who have a disability on cp plans").found


def test_no_workplace_phrase_occurs_in_any_audit_passage(kb: KnowledgeBase) -> None:
    passages = passage_words(kb)
    for phrase in load_knowledge(bundled_data_dir()).offtopic:
        for passage in passages:
            assert not occurs(words(phrase), passage), f"offtopic phrase {phrase!r} occurs in an audit passage"


def test_a_concept_described_in_practitioners_words_is_found_by_its_description(kb: KnowledgeBase) -> None:
    # glossary.yaml `described_as`: a description in practitioners' words, matched like the definition.
    question = "parents who nod along in meetings then carry on as before"
    assert any("described: glossary:disguised-compliance" in note for note in notes_of(kb, question))
    assert "disguised compliance" in kb.ask(question).results[0].text.lower()
    assert all("described_as" not in entry for entry in kb.glossary("disguised compliance"))


def test_a_specific_concept_on_a_passage_tagged_with_it_is_evidence_enough(kb: KnowledgeBase) -> None:
    # "face value" (professional curiosity) is in no passage's words, but passages are tagged with the theme: the
    # curated tag answers the question rather than a blank.
    answer = kb.ask("staff taking what families say at face value and not digging")
    assert answer.found
    assert {"fmn-f3", "fmn-f5"} <= {result.id for result in answer.results}


def test_a_phrase_typed_with_a_word_shortened_finds_its_concept(kb: KnowledgeBase) -> None:
    # "multi need" shortens "multiple needs" (the families with multiple needs audit); "work together" is not
    # "worker": an everyday English word is no shortening.
    notes = notes_of(kb, "info sharing in the multi need cases")
    assert any(note.startswith("shortened: multi need") for note in notes)
    assert not any(note.startswith("shortened") for note in notes_of(kb, "how well did agencies work together"))


@pytest.mark.parametrize(
    ("question", "signpost"),
    [
        (
            "Year 10 girl with a history of self harm came into A&E last night. "
            "Is it a known problem that the hospital has no flag for a child who is looked after?",
            "self-harm",
        ),
        # Not passing the case on, but a step the audits recommend (checking whether a children's centre is
        # involved).
        (
            "Housing support worker. Mum's partner is in prison and she has a baby and a toddler. "
            "Should we be linking in with a children's centre before we start?",
            "children-of-prisoners",
        ),
    ],
)
def test_a_signposted_topic_told_in_the_case_is_shown_beside_the_answer_to_what_is_asked(
    kb: KnowledgeBase, question: str, signpost: str
) -> None:
    answer = kb.ask(question)
    assert answer.found and [shown.id for shown in answer.signposts] == [signpost]
    assert "told as the case, not asked: the signpost is shown beside the answer" in notes_of(kb, question)


def test_a_name_is_read_as_a_person_only_where_a_phrase_about_one_person_would_say_he(kb: KnowledgeBase) -> None:
    question = "is Jacob Smith open to the CWD team?"
    assert "a person's name in a phrase about one person: read as 'he'" in notes_of(kb, question)
    # Capitalised words the knowledge base knows are no name ("Early Help"), nor a name outside such a phrase.
    assert kb.ask("is Early Help open to families with a CAF").signposts == ()
    assert kb.ask("Jacob's voice in the CSE plans - what did the audit find?").found


def test_how_to_get_a_document_done_by_someone_else_is_not_a_procedure(kb: KnowledgeBase) -> None:
    # "completed by health" says who did it: the question asks how to involve dads, which the audits learned about.
    assert kb.ask("how do we get dads involved in assessments completed by health").found
    # ... and what should have been done, in the past, is what the audits found.
    assert kb.ask("in how many cases should the concerns have been referred to MASE sooner").found
    assert kb.ask("was the neglect tool used").found
    # ... and whether consent was got is what the audits found on consent.
    assert kb.ask("did workers get consent from parents before referring to the children's centre").found
    # A form a passage names, asked alone, is that passage's learning.
    assert kb.ask("Children's Centres referral form").found


def test_a_topic_word_just_before_the_cases_names_its_audit(kb: KnowledgeBase) -> None:
    # "on the disability cases" is the cases the disabilities audit looked at: its passages answer first.
    query = kb.searcher.analyse("how well did agencies pass info between each other on the disability cases")
    assert query.audits == {"children-with-disabilities"}
    assert kb.searcher.analyse("how many disability cases does a team hold").audits == set()


def test_a_signposted_topic_in_the_scene_of_a_case_whose_point_is_practice_is_background(kb: KnowledgeBase) -> None:
    # The scene names the topic, the case's point is a learning topic of practice, and the ask only asks whether the
    # audits cover it: the answer is the learning, with the signpost beside it.
    question = (
        "Girl of 15 with autism disclosed sexual abuse in the family."
        " The core group minutes don't record what she wanted. Was this raised in the audits?"
    )
    answer = kb.ask(question)
    assert answer.found and [signpost.id for signpost in answer.signposts] == ["child-sexual-abuse"]
    assert "background: the scene of a case whose point is a learning topic" in notes_of(kb, question)
    # ... not when the point is what the family says: the topic is still what the case is about.
    told = "Boy of 14 found with two phones and wads of cash. Mum says he was at a friend's. Was this in the audits?"
    assert signposted(kb, told) == ["criminal-exploitation"]


def test_a_signposted_topic_asked_about_is_answered_by_its_signpost_alone(kb: KnowledgeBase) -> None:
    # ... and so is a case whose asking names no topic.
    assert kb.ask("what is the self harm pathway for a looked after child in A&E?").results == ()
    assert kb.ask("Looked after girl came into A&E after self harm. What should I do?").results == ()


@pytest.mark.parametrize(
    "question",
    [
        "Year 9 girl told me she's being taken abroad to marry in the summer holidays. Should we tell the police?",
        "Dad was released from prison last week and is back living with the family. Do we have to inform the school?",
        "A 15 year old keeps selling drugs for older boys. So must I refer him to the MASH today?",
        "14 year old found in Margate with a burner phone and wads of cash. Any audit learning on this kind of"
        " exploitation?",
        "Dad was released from prison last month and is back home. How do I get the family discussed at MASE?",
        "Year 10 girl says her parents are arranging a marriage for her abroad. What did the CSE audit say on this?",
    ],
)
def test_a_signposted_case_asking_what_to_do_in_it_gets_the_signpost(kb: KnowledgeBase, question: str) -> None:
    # The decision asked ("should we", "do we have to", "must I") is the signposted topic's procedure, whatever
    # learning concept it names (police, school, referral).
    assert signposted(kb, question)


def test_what_a_workplace_matter_is_for_a_few_words_on_is_no_evidence_against_it(kb: KnowledgeBase) -> None:
    assert not kb.ask("is there parking at the town hall for the core group").found
    assert not kb.ask("any free desks near reception for the CP conference").found


def test_a_procedure_asked_in_its_own_sentence_after_a_signposted_topic_told_is_signposted_too(
    kb: KnowledgeBase,
) -> None:
    question = "Dad, mum and 3 kids just evicted and sleeping at a friend's. What's the threshold for a CIN referral?"
    assert signposted(kb, question) == ["immigration-and-housing", "procedures"]
    # Said in one sentence, the topic says more than the kind of question.
    assert signposted(kb, "what's the process for a family with no recourse to public funds") == [
        "immigration-and-housing"
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what did the CWD audit find on first cousin marriage", "consanguinity"),
        ("any learning about genetic counselling for related parents", "consanguinity"),
        ("what proportion of the exploitation cases led to a conviction", "criminal-justice"),
        ("prosecution rates for CSE offences", "criminal-justice"),
        ("are caseload numbers in the CWD team too high", "workforce"),
        ("what did the audits find about children in care placed out of area", "placements"),
        ("mum keeps taking him to A&E with symptoms nobody can explain", "fabricated-illness"),
        ("are under 5s on CAFs up to date with immunisations", "childrens-health"),
        ("teenager sofa surfing after a row at home", "immigration-and-housing"),
        ("a TA sending a year 6 pupil messages on her personal mobile", "allegations-against-staff"),
        ("children contacted by strangers through their games console", "online-harms"),
        ("how much money did the audits cost the board", "the-board"),
        ("any learning on young people who go missing from care", "missing-children"),
        ("mum said her daughter will become a woman at a ceremony abroad", "fgm"),
        ("is the review conference quorate without the GP", "procedures"),
        ("family moved to Essex, how do we transfer the case", "procedures"),
        ("which early help tool should I use with a family of five", "procedures"),
        ("how long have we got to hold an initial conference", "procedures"),
        ("how long has a HV got to do the new birth visit", "procedures"),
        ("what neglect tool score means a referral", "procedures"),
        ("what counts as significant harm", "law"),
        ("how many exploitation cases ended in convictions", "criminal-justice"),
        ("her uncle is arranging a marriage for her back home", "forced-marriage"),
        ("any learning on pupils permanently excluded", "school-exclusion"),
        ("transition planning for a disabled teenager", "transition-to-adulthood"),
        ("a TA acting inappropriately with year 2 pupils", "allegations-against-staff"),
        ("did any of the exploitation cases go to court", "criminal-justice"),
        ("could you check if the twins are on a plan", "case-records"),
        ("nan looking after the kids under an informal arrangement", "adoption-and-permanence"),
        ("when is the next safeguarding training course", "training-courses"),
        ("is it ok to refer without the parents knowing", "law"),
        ("one of my staff grabbed a child by the wrist", "allegations-against-staff"),
        ("what signs of exploitation should youth workers look out for", "procedures"),
        ("a 12 year old being brought up by a neighbour rather than her parents", "private-fostering"),
        ("how do we support parents who have a learning disability", "parents-with-learning-disabilities"),
    ],
)
def test_adjacent_topics_from_practice_are_signposted(kb: KnowledgeBase, question: str, expected: str) -> None:
    assert expected in signposted(kb, question)


@pytest.mark.parametrize(
    "question",
    [
        "A&E records didn't show the boy was in the care of the local authority",
        "girl in a children's home came to A&E and the hospital had no idea she was in council care",
    ],
)
def test_being_in_the_councils_care_is_being_looked_after(kb: KnowledgeBase, question: str) -> None:
    # "BHRUT systems did not flag up the majority of cases audited 'Looked After Children' on their records."
    assert kb.ask(question).results[0].id == "cse-f12"


def test_an_inflection_the_stemmer_cuts_apart_from_its_word_is_read_as_that_word(kb: KnowledgeBase) -> None:
    vocab = kb.searcher.vocab
    # The stemmer cuts "experiencing" to "experienc" and "experience" to "experi".
    assert [vocab.inflected(word) for word in ("experiencing", "experienced")] == ["experience", "experience"]
    # A word whose own stem the passages know, or no inflection of a passage word, is left as typed.
    assert [vocab.inflected(word) for word in ("experiences", "watching", "cases")] == [None, None, None]
    question = "a space in supervision to talk about what the baby is experiencing"
    assert "inflection of a passage word: experiencing -> experience" in notes_of(kb, question)
    # "... evidencing the child's lived experience for pre-verbal children ... case supervision."
    assert kb.ask(question).results[0].id == "fmn-r1"


def test_watching_how_a_young_child_plays_or_behaves_is_observation(kb: KnowledgeBase) -> None:
    # "... recorded the voice of the child through their observation ..."
    for question in (
        "nursery keyworker watching how a baby plays to understand their world",
        "seeing how she behaves with mum at contact to know what life is like for her",
    ):
        assert "ey-f7" in [result.id for result in kb.ask(question).results[:3]], question
    assert not kb.ask("watching tv").found  # an everyday word alone is no evidence


def test_an_agency_question_asking_outright_what_is_expected_leads_with_a_recommendation(kb: KnowledgeBase) -> None:
    for question in (
        "what are health visitors expected to do after the early years audit",
        "what does the early years audit expect of HVs",
        "what is expected of school nurses from the families audit",
    ):
        answer = kb.ask(question)
        assert answer.results and answer.results[0].kind == "recommendation", question
    # A role's acronym names the agency the passages spell out ("Health Visiting"); GPs and midwives stay unnamed.
    assert kb.ask("what do HVs need to do").found
    assert kb.ask("what is expected of IROs").found
    assert signposted(kb, "what is asked of GPs") == ["unnamed-roles"]


def test_a_concept_named_twice_over_weighs_once_and_named_apart_twice(kb: KnowledgeBase) -> None:
    note = "names again a concept the question names: weighs 0.5 of its weight"
    assert note in notes_of(kb, "can nursery staff see the council's social care records")
    # Two things of one concept, named apart, are two things asked about.
    assert note not in notes_of(kb, "one child has cerebral palsy and the two older ones are autistic")


def test_a_passages_own_period_named_away_from_the_audits_is_that_passages(kb: KnowledgeBase) -> None:
    # "... the LSCB training programme will be facilitating 'See the Adult, See the Child' sessions in 2017-2018."
    answer = kb.ask("what sessions are planned for 2017-18 off the back of the audits")
    assert answer.found and answer.results[0].id in {"fmn-r3", "fmn-r6"}
    # Beside an audit word, the period is the audits' own: another period's audits are not held.
    assert signposted(kb, "what did the audits in 2017-18 find") == ["other-reports"]


def test_signs_of_disguised_compliance_described_find_it(kb: KnowledgeBase) -> None:
    question = "dad says everything is fine and the flat is immaculate on planned visits but school see a hungry child"
    assert {"fmn-f5", "fmn-f3"} & {result.id for result in kb.ask(question).results[:3]}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "Elements of disguised compliance were evident in all cases."
        ("mum says all the right things to every professional", {"fmn-f5", "fmn-f3"}),
        ("violent ex still visiting, mum agrees to everything at core group - what did the audits find", {"fmn-f5"}),
        # "... the voice of the child through their observation ..."
        ("noting down what a toddler is like from watching them play at stay and play", {"ey-f7"}),
        # "... a number of professionals went above and beyond their role ..."
        ("a worker who went beyond the call of duty for a family", {"fmn-f9"}),
        # "... should check if Children's Centre is already working with the family ..."
        ("do we need to check if a family is known to a children's centre before we start", {"ey-r2"}),
    ],
)
def test_practice_descriptions_find_the_passage(kb: KnowledgeBase, question: str, expected: set[str]) -> None:
    assert expected & {result.id for result in kb.ask(question).results[:3]}, question


def test_a_violent_ex_or_partner_is_domestic_abuse(kb: KnowledgeBase) -> None:
    for question in ("her violent ex turned up again", "a violent boyfriend at the flat"):
        units = kb.searcher.analyse(question).units
        labels = {label for unit in units if unit.concept for label in unit.concept.labels}
        assert "thesaurus:domestic-abuse" in labels, question


def test_a_group_under_counted_on_plans_is_its_under_representation(kb: KnowledgeBase) -> None:
    # "There is an underrepresentation of children with disabilities who are subject to a Child Protection (CP) Plan"
    assert kb.ask("are children with SEND undercounted on CP plans").results[0].id == "cwd-c1"


def test_getting_better_is_improvement(kb: KnowledgeBase) -> None:
    # "Investment in safeguarding within BHRUT ... improved safeguarding practice."
    assert kb.ask("has the emergency department got better at spotting abuse").results[0].id == "fmn-f8"


def test_the_consanguinity_signpost_shows_the_boards_priority_and_a_priority_question_gets_the_priority(
    kb: KnowledgeBase,
) -> None:
    answer = kb.ask("did the disability audit say anything about cousin marriage")
    # The priority naming consanguinity is the only passage on it, shown after the signpost; no learning point.
    assert [result.id for result in answer.results] == ["children-with-disabilities-priority"]
    assert "reduce the incidence of disability by increasing awareness of the risks of consanguineous" in (
        answer.results[0].text
    )
    message = answer.signposts[0].message
    assert "priority" in message and "say nothing about consanguinity" in message
    # Asking whether it was one of the board's priorities is answered by the priority itself.
    assert kb.ask("was cousin marriage a board priority").results[0].id == "children-with-disabilities-priority"
    # Police keeping families updated on the CPS's charging decisions is the CSE audit's own learning.
    assert kb.ask("did police keep families updated while the CPS decided on charges").results[0].id == "cse-r4"


def test_a_count_for_another_period_or_the_whole_area_gets_the_statistics_signpost(kb: KnowledgeBase) -> None:
    assert signposted(kb, "how many children were subject to CP plans last year") == ["statistics"]
    # Only for a question asking for a number: the same words in another question are no signpost.
    assert kb.ask("what training on the voice of the child is running this year").signposts == ()
    assert kb.ask("how many cases did the CSE audit look at").found


def test_a_count_for_a_year_no_passage_mentions_gets_the_statistics_signpost(kb: KnowledgeBase) -> None:
    question = "how many children with disabilities were on CP plans in 2019"
    assert signposted(kb, question) == ["statistics"]
    assert "a year no passage mentions: read as 'another year'" in notes_of(kb, question)
    # The audits' own year is answered from them: "as at July 2016 ... 12 of a total of 321 children".
    answer = kb.ask("how many children with disabilities were on CP plans in 2016")
    assert answer.signposts == () and "321" in answer.results[0].text


def stem_words(text: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in words(text))


# -- a phrase is its words together --------------------------------------------------------------------------------
def test_a_phrase_matches_a_passage_only_where_its_words_come_together() -> None:
    passage = Sequence(stem_words("the lead professional and the CAF Team could not see the child at the meetings"))
    assert not passage.together(stem_words("team around the child"))
    assert Sequence(stem_words("invited to the team around the child meetings")).together(stem_words("team child"))
    # In either order, with a few words between: "the child's voice", "sharing of information".
    assert Sequence(stem_words("the voice of the child was heard")).together(stem_words("child voice"))
    assert Sequence(stem_words("sharing of information was good")).together(stem_words("information sharing"))


def test_a_phrase_s_words_scattered_through_a_passage_earn_less_than_the_phrase_itself(kb: KnowledgeBase) -> None:
    """ "team around the child meeting": the passage with "TAC meetings" beats one with "CAF Team", "child" and
    "meetings" apart, which used to earn the phrase's full credit."""
    answer = kb.ask("what if I can't make it to a team around the child meeting", explain=True)
    # "All agencies involved in delivering support to a child via the CAF process should attend TAC meetings ..."
    assert answer.results[0].id == "ey-r4"
    scattered = next(result for result in answer.results if result.id == "ey-f5")
    assert scattered.explanation is not None
    assert "phrase's words apart" not in json.dumps(answer.results[0].explanation)


# -- other years, other boards, inspections, and social messages ----------------------------------------------------
def test_a_period_no_audit_covers_gets_a_signpost_and_the_audits_own_period_is_filler(kb: KnowledgeBase) -> None:
    assert signposted(kb, "what did the 2017-18 audits find") == ["other-reports"]
    assert signposted(kb, "CSE referral figures for 2017/18") == ["statistics"]
    own = "what did the 2016-17 audits find on neglect"
    assert kb.ask(own).found and "the audits' own year: weighed as filler" in notes_of(kb, own)
    # A passage's own date, asked about without asking about the audits, is searched like any words:
    # "the LSCB training programme will be facilitating 'See the Adult, See the Child' ... 2017-2018".
    assert kb.ask("dates of the see the adult see the child course in 2017-18").signposts == ()
    # ... also where the LSCB is named: its training programme is not its audits.
    answer = kb.ask("what sessions is the LSCB training programme putting on in 2017-18?")
    assert answer.signposts == () and "sessions in 2017-2018" in answer.results[0].text


def test_another_area_s_board_and_an_inspectorate_get_their_signposts(kb: KnowledgeBase) -> None:
    question = "what did Havering's LSCB audits find on neglect"
    assert signposted(kb, question) == ["other-reports"]
    assert any(note.startswith("a place no passage mentions (havering lscb)") for note in notes_of(kb, question))
    assert signposted(kb, "what did ofsted say about redbridge children's services") == ["inspections"]
    # The board's own borough, and words that are no place, are the audits' own.
    assert kb.ask("what did the Redbridge LSCB find about neglect").found
    assert kb.ask("what did the local board say about neglect").signposts == ()


@pytest.mark.parametrize(
    ("message", "notice"),
    [
        ("thanks thats really helpful", "thanks"),
        ("cheers, great", "thanks"),
        ("hi", "greeting"),
        ("good morning all", "greeting"),
    ],
)
def test_thanks_and_greetings_are_answered_in_kind_not_searched(kb: KnowledgeBase, message: str, notice: str) -> None:
    answer = kb.ask(message)
    assert answer.results == () and answer.signposts == () and answer.notice == notice
    reply = blocks.no_result_message(answer, kb)
    assert reply.text == NOTICES[notice]
    # Thanks needs no list of themes after it; a greeting gets them.
    shown = json.dumps([block.to_dict() for block in reply.blocks])
    assert ("Themes you can ask about" in shown) == (notice == "greeting")


def test_thanks_with_a_question_is_a_question(kb: KnowledgeBase) -> None:
    assert kb.ask("thanks - and what about neglect?").found


@pytest.mark.parametrize(
    "question",
    [
        "where's the MASH referral form",
        "link to the childrens centre referral form pls",
        "email for the CP conference admin",
        "how do i get a login for protocol",
    ],
)
def test_a_request_for_a_form_login_or_email_gets_the_forms_signpost(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["forms-and-contacts"]


def test_a_question_about_using_a_form_is_answered_from_the_audits(kb: KnowledgeBase) -> None:
    # "... refer to the child's local children's centre by using the Children's Centres referral form ..."
    for question in (
        "should other services use the children's centre referral form",
        "is there a referral form template for children's centres",
    ):
        answer = kb.ask(question)
        assert answer.signposts == () and answer.results[0].id == "ey-r2"
    # Children's centres' access to Protocol is what the audit discussed, not a login asked for.
    assert kb.ask("a login for Protocol for children's centres").signposts == ()


def test_an_acronym_s_plural_is_read_as_the_acronym(kb: KnowledgeBase) -> None:
    """ "CCs" are children's centres, not an abbreviation of "cracks" (same first and last letters)."""
    question = "did CCs use the CAF early enough"
    assert "plural of: ccs -> cc" in notes_of(kb, question)
    assert kb.ask(question).results[0].audit.id == "early-years"


def test_what_the_audit_concluded_asks_for_its_findings(kb: KnowledgeBase) -> None:
    """A reporting verb no passage uses ("conclude", "reveal") says what is asked, not what about: it used to
    blank the question as an unknown word."""
    answer = kb.ask("what did the audit conclude about children's centres", explain=True)
    assert answer.found and answer.results[0].audit.id == "early-years"
    assert answer.analysis is not None and answer.analysis["wants_kind"] == "finding"


def test_how_good_asks_about_quality_and_the_word_good_in_a_passage_is_no_answer(kb: KnowledgeBase) -> None:
    question = "were the plans for disabled children any good"
    assert "asks how good: weighed as filler" in notes_of(kb, question)
    # "The quality of care planning, including being 'SMART' ... was variable", not "There was evidence of some
    # good work in relation to the voice of the child".
    assert kb.ask(question).results[0].id == "cwd-r5"
    assert "asks how good: weighed as filler" not in notes_of(kb, "examples of good practice with disabled children")


def test_a_phrase_is_not_read_across_the_verb_that_starts_a_clause(kb: KnowledgeBase) -> None:
    """ "in how many cases did workers ..." holds no "case workers" (children's social care)."""
    analysis = kb.ask("in how many cases did workers go the extra mile", explain=True).analysis
    assert analysis is not None
    assert "cases workers" not in [unit["unit"] for unit in analysis["units"]]
    # Across a stopword that is no verb, a phrase still reads: "voice of the child".
    analysis = kb.ask("what about the voice of the child", explain=True).analysis
    assert analysis is not None and any(unit["unit"] == "voice child" for unit in analysis["units"])


def test_words_in_quotes_are_an_example_not_the_need(kb: KnowledgeBase) -> None:
    """The plan's own wording, quoted, tells what kind of plan it is; "mum" in it is not a question about parents."""
    question = "the plan just says stuff like 'mum to engage' with no dates or who does what, any learning on that"
    assert "quoted: an example of what was said or written, not the need" in notes_of(kb, question)
    # The SMART planning passages ("plans were not available ... weaknesses ... in creating SMART plans").
    assert {"cwd-f5", "cwd-r5", "fmn-f7", "fmn-r6"} & {result.id for result in kb.ask(question).results}
    # An apostrophe inside a word is no quote.
    assert "quoted: an example of what was said or written, not the need" not in notes_of(kb, "mum's plan isn't SMART")


def test_her_partner_is_the_man_in_the_household_not_partner_agencies(kb: KnowledgeBase) -> None:
    question = "mum drinks and her partner has never been assessed"
    assert "her partner: read as 'male partner'" in notes_of(kb, question)
    assert kb.ask(question).results[0].id in {"fmn-f4", "fmn-r3"}  # males missing from assessments
    assert not any("male partner" in note for note in notes_of(kb, "how well did partner agencies share information"))


def test_a_partner_doing_what_a_person_does_is_the_man_in_the_household(kb: KnowledgeBase) -> None:
    """A partner who "has a history of DV", told with no owner, is the household's; "a partner agency" is not."""
    question = "pregnant woman, 19, partner has a history of DV and nobody has met him"
    assert "partner has: read as 'male partner'" in notes_of(kb, question)
    assert not any("male partner" in note for note in notes_of(kb, "our partner is the police, what did they find"))
    assert not any("male partner" in note for note in notes_of(kb, "which partner agency was best at sharing"))


def test_a_described_concept_excuses_an_unknown_word_as_a_named_one_does(kb: KnowledgeBase) -> None:
    """ "unburden" is in no passage nor the thesaurus; the question describes safeguarding supervision for a DSL,
    which the audits discuss: the unknown word no longer blanks it."""
    question = "nobody to unburden to after a really hard case as the safeguarding lead in school"
    assert any(
        note.startswith("unknown word, weighed lightly: the question describes") for note in notes_of(kb, question)
    )
    # "... DSLs ... felt they would benefit from ... supervision" (the families with multiple needs audit).
    assert kb.ask(question).results[0].id in {"fmn-f2", "fmn-r2"}
    # One run only: a second unknown topic beside the description still weighs fully.
    question = (
        "we just accept what the family tell us and don't dig or ask the awkward questions about the kettle descaling"
    )
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    kettle = next(unit for unit in analysis["units"] if unit["typed"] == "kettle")
    assert not any("the question describes" in note for note in kettle["notes"])
    awkward = next(unit for unit in analysis["units"] if unit["typed"] == "awkward")
    assert any("the question describes" in note for note in awkward["notes"])


@pytest.mark.parametrize(
    "question",
    [
        "deadline for sending reports before an initial conference",
        "how do you score the graded care profile",
        "what are the steps in the escalation policy",
        "Operation Encompass - how do schools get notified",
        "where do I find the MASH referral form",
        # The audits hold what was learned from cases, not how to write, run or complete things.
        "how do I write a good chronology",
        "how long should schools keep safeguarding records",
        "how do i complete a CAF form properly",
    ],
)
def test_deadlines_escalation_and_notification_schemes_get_a_signpost(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) in (["procedures"], ["forms-and-contacts"])


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("what does SMART actually stand for", "SMART"),
        ("what's CIN short for", "CIN"),
        ("what does disguised compliance mean", "Disguised compliance"),
        # The words after "stand for" say where the term is used; the term is what stands for something.
        ("what does TAC stand for in early help", "TAC"),
        ("what's CIN short for on a plan", "CIN"),
    ],
)
def test_asking_what_a_term_stands_for_gets_its_glossary_entry(kb: KnowledgeBase, question: str, term: str) -> None:
    answer = kb.ask(question)
    assert answer.results == () and [entry["term"] for entry in answer.definitions] == [term]
    reply = blocks.answer_message(answer, kb)
    assert term in json.dumps([block.to_dict() for block in reply.blocks])


def test_a_term_used_in_a_question_is_searched_not_defined(kb: KnowledgeBase) -> None:
    # No glossary entry is "the audit by SMART plans": the question is searched.
    answer = kb.ask("what does the audit mean by SMART plans")
    assert answer.definitions == () and answer.found
    assert kb.ask("SMART plans").definitions == ()


@pytest.mark.parametrize("message", ["can you write my conference report for me", "could u pls book me a room"])
def test_asking_the_bot_to_do_a_task_gets_a_plain_no(kb: KnowledgeBase, message: str) -> None:
    answer = kb.ask(message)
    assert answer.results == () and answer.notice == "task"
    assert blocks.no_result_message(answer, kb).text == NOTICES["task"]


@pytest.mark.parametrize(
    "question", ["can you find what the audit said about neglect", "can you check what health visitors are asked to do"]
)
def test_asking_the_bot_to_find_or_check_is_a_question(kb: KnowledgeBase, question: str) -> None:
    assert kb.ask(question).found


def test_every_time_and_all_the_time_say_how_often_not_delay(kb: KnowledgeBase) -> None:
    analysis = kb.ask("every time I visit mum says everything is fine", explain=True).analysis
    assert analysis is not None and not any(unit["unit"] == "time" for unit in analysis["units"])
    # Time on its own is still the delay concept: "it took a long time to get a response".
    analysis = kb.ask("it took a long time to get a response from social care", explain=True).analysis
    assert analysis is not None and any(unit["unit"] == "time" for unit in analysis["units"])


def test_asking_what_the_audit_found_about_timescales_is_answered_not_signposted(kb: KnowledgeBase) -> None:
    question = "what did the audit find about reviews and timescales for disabled children's plans"
    answer = kb.ask(question)
    assert answer.signposts == () and answer.results[0].audit.id == "children-with-disabilities"
    # Asked as a procedure, it is the procedures signpost's.
    assert signposted(kb, "what are the timescales for reviewing a CIN plan") == ["procedures"]


def test_a_question_asked_in_the_past_asks_for_findings(kb: KnowledgeBase) -> None:
    analysis = kb.ask("which organisations did teenagers at risk of exploitation open up to", explain=True).analysis
    assert analysis is not None and analysis["wants_kind"] == "finding"
    # "Young people seemed to engage more with agencies ... such as voluntary sector".
    assert kb.ask("which organisations did teenagers at risk of exploitation open up to").results[0].kind == "finding"


def test_a_word_of_one_audit_s_title_before_audit_names_that_audit(kb: KnowledgeBase) -> None:
    question = "which agencies went the extra mile in the families with multiple problems audit"
    answer = kb.ask(question)
    assert answer.results[0].audit.id == "families-multiple-needs"
    # "health" is in that audit's title, but "health agencies" name agencies, not the audit.
    query = kb.searcher.analyse("what did health agencies report in the audits")
    assert query.titled_audits == set()
    assert kb.searcher.analyse("what came out of the disability audit").titled_audits == {"children-with-disabilities"}


def test_a_passage_matching_only_through_tags_gives_way_to_one_saying_the_words(kb: KnowledgeBase) -> None:
    question = "did workers ask enough questions in families with domestic abuse, drugs and mental health problems"
    answer = kb.ask(question, explain=True)
    # "... attendees felt more professional curiosity ..." (fmn-f3) over "Elements of disguised compliance were
    # evident in all cases", which is tagged with every theme asked about but says none of the words.
    assert answer.results[0].id == "fmn-f3"
    tagged_only = next(result for result in answer.results if result.id == "fmn-f5")
    assert tagged_only.explanation is not None


def test_the_intent_is_read_from_the_corrected_words_too(kb: KnowledgeBase) -> None:
    """ "meny" is "many" mistyped (one letter off one of the commonest words), not an abbreviation of "maternity";
    read so, the question asks for a number."""
    analysis = kb.ask("how meny disabld kids are on cp plans", explain=True).analysis
    assert analysis is not None and analysis["intent"] == "fact"
    assert analysis["corrections"]["meny"] == "many"
    # A short abbreviation is still the abbreviation ("sibs" was one until "sib" became the thesaurus's own variant).
    assert kb.ask("asmt for dads with disabilities", explain=True).analysis["corrections"].get("asmt") == "assessment"
    assert "thesaurus:siblings" in kb.searcher.analyse("sibs with disabilities").units[0].concept.labels


def test_a_count_of_something_no_passage_counts_is_not_answered_with_another_count(kb: KnowledgeBase) -> None:
    """ "2191 open cases ... 437 children with disabilities" is no answer to how many looked after children there
    are: a count question needs a passage holding a number and every concept it names."""
    assert not kb.ask("how many looked after children are there in Redbridge").found
    assert not kb.ask("how many children are on CP plans for neglect in Redbridge").found
    assert "321" in kb.ask("how many disabled children are on CP plans").results[0].text
    # ... in words: a passage on CP plans is tagged with conferences, and counts plans, not conferences held.
    assert not kb.ask("how many child protection conferences did Redbridge hold").found
    # Counts of the audited cases are the audits' own: "in 4 out of 6 there were significant males ...".
    assert kb.ask("how many of the 6 families had men not involved in the assessment").found


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        (
            "family threatening their daughter because she has a boyfriend from outside the community",
            "honour-based-abuse",
        ),
        ("a pupil hasn't been in school for 6 weeks and the family have moved without telling us", "home-education"),
        ("teenager sharing far right memes online, who do I tell", "radicalisation"),
    ],
)
def test_an_uncovered_topic_described_in_everyday_words_gets_its_signpost(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert topic in signposted(kb, question)


@pytest.mark.parametrize(
    "question",
    [
        "what does the report ask police to do",
        "what do they want schools to do",
        "what does the board want from the police",
        "what has the audit told schools to do",
    ],
)
def test_asking_what_someone_is_asked_told_or_wanted_to_do_asks_for_their_recommendations(
    kb: KnowledgeBase, question: str
) -> None:
    answer = kb.ask(question, explain=True)
    assert answer.analysis is not None and answer.analysis["intent"] == "agency", question
    assert answer.results[0].kind == "recommendation"


@pytest.mark.parametrize(
    "question",
    ["are workers asking more questions of parents", "I want to know what the audit found about schools"],
)
def test_asking_questions_of_someone_or_wanting_to_know_is_no_directive(kb: KnowledgeBase, question: str) -> None:
    assert kb.searcher.analyse(question).wants_kind != "recommendation"
    assert kb.searcher.analyse("my manager told me to read up on dads in assessments").wants_kind is None


def test_a_question_naming_no_concept_needs_a_word_rarer_than_everyday_english(kb: KnowledgeBase) -> None:
    """ "leave" and "request" are in passages, and say nothing of a learning topic: with no concept named, only a
    word rarer than everyday English is evidence enough to answer."""
    assert not kb.ask("how do i put in a leave request").found
    assert kb.ask("how do i put in a referral request").found  # a concept named: answered as before


def test_a_few_words_after_the_question_label_its_topic_and_are_asked(kb: KnowledgeBase) -> None:
    """ "... who do I tell? private fostering": the last words name what is asked about, not more of the case."""
    question = "boy staying with his aunt while mum is abroad, who do I tell? private fostering"
    assert "private-fostering" in signposted(kb, question)
    assert not any(note.startswith("narrative") for note in notes_of(kb, question))


@pytest.mark.parametrize("question", ["what was the early years audit for", "whats the cse audit for?"])
def test_what_an_audit_was_for_asks_its_purpose(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question, explain=True)
    assert answer.analysis is not None and answer.analysis["intent"] == "purpose"
    assert answer.results[0].kind == "context"


def test_a_common_english_word_is_not_split_into_vocabulary_words(kb: KnowledgeBase) -> None:
    """ "password" is no "pass word" (both known since the thesaurus says "won't say a word"); a rarer compound
    still splits."""
    assert not any(note.startswith("run together") for note in notes_of(kb, "how do i reset my protocol password"))
    assert not kb.ask("how do i reset my protocol password").found
    assert any(note.startswith("run together") for note in notes_of(kb, "was there managementoversight"))


@pytest.mark.parametrize(
    ("question", "typed", "concept", "expected"),
    [
        # "Young people seemed to engage more with agencies like Safer London ..."; "The YOTPs involvement had a
        # positive impact on a young person who was previously unwilling to engage"
        (
            "teenager only opens up to the youth worker from the charity",
            "opens up",
            "thesaurus:engagement",
            {"cse-f6", "cse-f11"},
        ),
        # DSLs would benefit from safeguarding supervision (the families with multiple needs audit)
        (
            "feeling burnt out as a DSL with nobody to talk things through with",
            "burnt out",
            "thesaurus:supervision",
            {"fmn-f2", "fmn-r2"},
        ),
    ],
)
def test_practitioners_words_for_engaging_and_for_needing_supervision(
    kb: KnowledgeBase, question: str, typed: str, concept: str, expected: set[str]
) -> None:
    answer = kb.ask(question, explain=True)
    assert answer.analysis is not None
    assert concept in next(unit for unit in answer.analysis["units"] if unit["typed"] == typed)["concepts"]
    assert answer.results[0].id in expected


def test_a_word_of_a_phrase_the_vocabulary_knows_is_not_split(kb: KnowledgeBase) -> None:
    """ "developmental" is known only inside "developmental delay": typed in that phrase, it stays the phrase
    instead of becoming "develop mental"."""
    question = "4yo with global developmental delay, any learning"
    assert not any(note.startswith("run together") for note in notes_of(kb, question))
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    assert "developmental delay" in [unit["typed"] for unit in analysis["units"]]


@pytest.mark.parametrize(
    "question",
    [
        "which business plan priority was the disability audit linked to",
        "is cousin marriage one of the board's priorities",
        "why is the board worried about parents who are cousins",
    ],
)
def test_a_boards_priority_or_reasons_are_its_purpose(kb: KnowledgeBase, question: str) -> None:
    """The board's priorities are why the audits were done: the context passages say them."""
    answer = kb.ask(question, explain=True)
    assert answer.analysis is not None and answer.analysis["intent"] == "purpose", question
    assert answer.results[0].kind == "context"
    assert answer.results[0].audit.id == "children-with-disabilities"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # Uncovered topics and statutory guidance.
        ("adolescent to parent violence, where do I refer", "child-to-parent-violence"),
        ("fraser guidelines for contraception for a 14 year old", "sexual-health"),
        ("year 10s vaping in the toilets", "young-peoples-substance-use"),
        ("what changed in working together 2023", "law"),
        ("what does keeping children safe in education say about DSLs", "law"),
        ("toddler with unexplained burns, mum says it was the radiator", "physical-abuse"),
        ("9 year old came to school with a belt mark on his leg", "physical-abuse"),
        ("registered sex offender has moved in with the family", "sex-offenders"),
        ("mum has a learning disability and is struggling with the baby", "parents-with-learning-disabilities"),
        ("suspected intrafamilial sexual abuse, who do I tell", "child-sexual-abuse"),
        ("girl with anorexia, parents not worried", "self-harm"),
        # The topic is the audits' (MASH, MASE, core groups), the ask (opening hours, dates, pay, cost) is not.
        ("what time does the MASH open", "practicalities"),
        ("when is the next MASE panel meeting", "practicalities"),
        ("whats the salary of a health visitor", "practicalities"),
        ("how much does it cost to run a core group", "practicalities"),
        ("is social care open on bank holidays", "practicalities"),
        ("what's the best app for recording home visits", "practicalities"),
        ("what is the address for the MASH", "practicalities"),
        ("who is my line manager", "practicalities"),
        # Office questions naming an audited topic.
        ("how do I update my mandatory training record", "training-courses"),
        ("my Mosaic account is locked", "forms-and-contacts"),
        # An average or a national figure is no figure the audits hold.
        ("what is the average caseload of a social worker in London", "statistics"),
        ("how many CP plans are there in England", "statistics"),
    ],
)
def test_uncovered_topics_practical_asks_and_figures_the_audits_do_not_hold_get_signposts(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert topic in signposted(kb, question)


def test_agencies_working_together_is_still_the_audits_topic(kb: KnowledgeBase) -> None:
    """Only the guidance's title or a year makes "working together" the statutory guidance."""
    assert kb.ask("how well were agencies working together in the CSE cases").found


def test_practical_words_in_a_learning_question_do_not_signpost_it(kb: KnowledgeBase) -> None:
    assert kb.ask("how much attention was paid to the voice of the child").found
    assert kb.ask("the sibling who has the highest care needs gets all the attention").found


def test_an_adverb_of_emphasis_inside_a_phrase_does_not_break_it(kb: KnowledgeBase) -> None:
    """ "nothing actually changes" is the thesaurus's "nothing changes" (disguised compliance)."""
    answer = kb.ask("mum agrees to every action at core group then nothing actually changes", explain=True)
    assert answer.analysis is not None
    units = {unit["unit"]: unit["concepts"] for unit in answer.analysis["units"]}
    assert "thesaurus:disguised-compliance" in units["nothing changes"]


def test_specific_in_its_everyday_sense_is_no_smart_plan(kb: KnowledgeBase) -> None:
    """ "a specific tool", "anything specifically for schools": the S of SMART only in a plan's words."""
    for question in ("is there a specific tool the audit recommends", "anything specifically for schools"):
        analysis = kb.ask(question, explain=True).analysis
        assert analysis is not None
        assert not any("thesaurus:smart-plans" in unit["concepts"] for unit in analysis["units"]), question
    analysis = kb.ask("plans that are not specific enough", explain=True).analysis
    assert analysis is not None
    assert any("thesaurus:smart-plans" in unit["concepts"] for unit in analysis["units"])


@pytest.mark.parametrize(
    ("question", "word", "concept"),
    [
        ("should I send the TAC minutes to the GP", "send", "thesaurus:disability"),
        ("of course the family said they were fine", "course", "thesaurus:training"),
        ("the children's centre had never heard of the family", "heard", "thesaurus:voice-of-the-child"),
        ("the family haven't heard a thing from the police", "heard", "thesaurus:voice-of-the-child"),
        ("who is in charge of the core group", "charge", "thesaurus:prosecution"),
        ("how do we keep track of the actions", "track", "thesaurus:chairs-oversight"),
        ("dad has no contact with the children", "contact", "thesaurus:referral"),
    ],
)
def test_an_everyday_sense_of_a_thesaurus_word_is_not_its_concept(
    kb: KnowledgeBase, question: str, word: str, concept: str
) -> None:
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    assert not any(word in unit["typed"].split() and concept in unit["concepts"] for unit in analysis["units"])


def test_send_as_special_educational_needs_is_still_disability(kb: KnowledgeBase) -> None:
    analysis = kb.ask("SEND children on CP plans", explain=True).analysis
    assert analysis is not None
    assert any("thesaurus:disability" in unit["concepts"] for unit in analysis["units"])


def test_in_a_long_question_what_comes_before_the_last_but_is_background(kb: KnowledgeBase) -> None:
    question = "lad refused to speak to social care but started talking once the youth offending worker got involved"
    assert "background: before the question's 'but'" in notes_of(kb, question)
    # "The YOTPs involvement had a positive impact on a young person who was previously unwilling to engage ..."
    # (before: the finding on changes of social worker, which the background matched)
    assert kb.ask(question).results[0].id == "cse-f11"
    assert "background: before the question's 'but'" not in notes_of(kb, "plans were written but not reviewed")


def test_the_main_concept_is_the_most_specific_one_matched_not_the_broadest(kb: KnowledgeBase) -> None:
    """ "mum" (parents and families) and "boyfriend" (significant males) weigh alike; mum matches many passages,
    the boyfriend few: the question is mainly about him, and passages naming males in the family answer it."""
    question = "mum's new boyfriend stays most nights and no worker has ever spoken to him"
    searcher = kb.searcher
    query = searcher.analyse(question)
    hits = searcher.score(query)
    main = searcher.scorer.main_concept(query, hits)
    # (Read as "boyfriend" alone, or as "mum's boyfriend" with "new" inside: either way the significant male.)
    assert main is not None and "thesaurus:significant-males" in query.units[main].concept.labels
    assert "thesaurus:parents-carers" not in query.units[main].concept.labels
    # "In 4 out of 6 there were significant males in the family not adequately involved in assessments."
    assert "fmn-f4" in [result.id for result in kb.ask(question).results[:3]]


@pytest.mark.parametrize("question", ["how was the CSE audit carried out", "how was the cse audit run"])
def test_how_an_audit_was_done_is_told_where_its_context_speaks_of_the_audit(kb: KnowledgeBase, question: str) -> None:
    """ "A multi-agency deep dive audit took place followed by an all-day 'round table' discussion ...", not the
    Business Plan priority the audit served, which says nothing of how it was done."""
    assert kb.ask(question).results[0].id == "cse-mase-purpose"


def test_children_with_learning_disabilities_and_sexual_exploitation_are_still_the_audits(kb: KnowledgeBase) -> None:
    assert kb.ask("were children with learning disabilities safeguarded well").found
    assert kb.ask("were young people at risk of sexual exploitation safeguarded").found


def test_a_number_alone_is_no_evidence_and_legal_powers_are_the_law(kb: KnowledgeBase) -> None:
    """ "whats 2 plus 2" matched "2 of the 6 cases"; removal powers and legal ages are the law's, not the audits'."""
    assert not kb.ask("whats 2 plus 2").found
    assert kb.ask("in 2 of the cases was the voice of the child missing").found  # a number beside a concept
    assert "law" in signposted(kb, "can social workers remove children without a court order")
    assert "law" in signposted(kb, "what age can a child be left home alone")
    assert kb.ask("mum uses illegal drugs, what did the audit find").found


@pytest.mark.parametrize(
    "asking",
    [
        "I'd like to know what the audits said about core groups",
        "my manager asked me whether the audits said anything about core groups",
        "just wondering what the learning is on core groups",
    ],
)
def test_an_indirect_ask_is_the_need_and_the_case_before_it_the_narrative(kb: KnowledgeBase, asking: str) -> None:
    """A sentence that asks without a question mark or a question word ("I'd like to know ...") is the need."""
    question = f"Mum has three children under five and the house is chaotic, dad works away. {asking}"
    assert "narrative: told as the case, not asked" in notes_of(kb, question)
    # "Child Protection Conference Chairs should reinforce to all members of the Core Group ..."
    assert "fmn-r7" in [result.id for result in kb.ask(question).results[:3]]


def test_a_signposted_topic_before_the_last_but_is_background_to_the_learning_topic_after_it(
    kb: KnowledgeBase,
) -> None:
    question = (
        "Teenager with an eating disorder, known to CAMHS for a year, "
        "but nobody thought about disguised compliance by mum"
    )
    answer = kb.ask(question)
    assert answer.found and answer.results[0].id == "fmn-f5"  # "Elements of disguised compliance were evident ..."
    assert [signpost.id for signpost in answer.signposts] == ["self-harm"]  # shown beside the answer
    # With no specific learning topic after "but", the signposted topic is still what is asked.
    assert signposted(kb, "known to the school for years with an eating disorder, but what should we do now") == [
        "self-harm"
    ]


def test_replaced_or_population_words_do_not_signpost_learning_topics(kb: KnowledgeBase) -> None:
    assert kb.ask("the social worker was replaced by an agency worker three times").found
    assert kb.ask("how many of the audited cases had a social worker replaced").found


def test_views_and_wishes_written_down_are_the_voice_of_the_child_recorded(kb: KnowledgeBase) -> None:
    """Practitioners say a child's "views" or "wishes" were "written down"; the report says voices "recorded"."""
    question = "did anyone write down the teenager's own views in the exploitation cases"
    # "The young people's voices have been heard and recorded by agencies."
    assert kb.ask(question).results[0].id == "cse-f4"
    assert kb.ask("nothing the girl said about her wishes was written down by police").found


@pytest.mark.parametrize(
    ("question", "intent", "kind"),
    [
        ("what am I meant to do when mum refuses the referral", None, "recommendation"),
        ("dads are meant to be invited to the conference", None, None),
        ("what was the CSE deep dive meant to find out", "purpose", None),
        ("what was the families audit meant to show", "purpose", None),
    ],
)
def test_meant_to_asks_an_audits_purpose_only_after_an_audit(
    kb: KnowledgeBase, question: str, intent: str | None, kind: str | None
) -> None:
    """ "what am I meant to do" asks what to do, not why an audit was done."""
    query = kb.searcher.analyse(question)
    assert (query.intent, query.wants_kind) == (intent, kind)


def test_a_title_word_before_audit_names_that_audit_not_the_word_in_other_audits(kb: KnowledgeBase) -> None:
    """ "the families audit" is the audit of families with multiple needs: the early years passages that say
    "families" are not its passages."""
    question = "how well was the child's day to day life understood in the families audit"
    assert "names the audit: families-multiple-needs" in notes_of(kb, question)
    assert all(result.audit.id == "families-multiple-needs" for result in kb.ask(question).results[:3])
    # "Not all agencies were sufficiently aware of the child's daily lived experience ..." (not early years' ey-f7)
    assert kb.ask(question).results[0].id == "fmn-f1"
    # Named by its title word, the audit's findings and recommendations answer, not why it was done.
    assert kb.ask("disability audit: what about plans?").results[0].audit.id == "children-with-disabilities"
    assert kb.ask("disability audit: what about plans?").results[0].kind != "context"


def test_what_an_audit_was_looking_at_is_its_purpose(kb: KnowledgeBase) -> None:
    query = kb.searcher.analyse("what was the early years audit looking at")
    assert query.intent == "purpose"
    assert kb.ask("what was the early years audit looking at").results[0].kind == "context"


@pytest.mark.parametrize(
    ("texted", "plain"),
    [
        ("wht shd skls b doing bout dads in assessments", "what should schools be doing about dads in assessments"),
        ("wht shd skool nurses n health visitors do", "what should school nurses and health visitors do"),
    ],
)
def test_vowel_dropped_texting_forms_keep_the_question_asked(kb: KnowledgeBase, texted: str, plain: str) -> None:
    # "wht shd" asks what should be done: the same recommendations lead as for the plain question.
    assert kb.searcher.analyse(texted).wants_kind == kb.searcher.analyse(plain).wants_kind == "recommendation"
    assert [r.id for r in kb.ask(texted).results[:3]] == [r.id for r in kb.ask(plain).results[:3]]


def test_a_count_the_audits_do_not_hold_is_signposted_not_answered_with_the_audits_topic(kb: KnowledgeBase) -> None:
    # Naming the CSE audit's topic is no licence to answer a count of something else it never counted; a year
    # ("in 2016") is no count of audited cases either.
    answer = kb.ask("how many CSE referrals went to MASE in 2016?", explain=True)
    assert not answer.found
    assert [signpost.id for signpost in answer.signposts] == ["statistics"]
    assert answer.analysis is not None and answer.analysis["uncounted"]
    # ... nor is a reporting period ("2016-17").
    assert [signpost.id for signpost in kb.ask("how many CSE referrals went to MASE in 2016-17").signposts] == [
        "statistics"
    ]
    # The audited cases are counted: their audit's topic needs no number beside it.
    assert kb.ask("how many cases were looked at in the CSE audit?").found
    assert kb.ask("how many of the multiple needs children had a cp plan").found
    assert "321" in kb.ask("how many disabled children were on cp plans in july 2016").results[0].text


def test_the_audits_learning_on_escalation_still_answers_without_a_request_for_the_policy(kb: KnowledgeBase) -> None:
    assert kb.ask("what did the audits find about escalation").found
    assert kb.ask("did workers escalate when the plan was drifting").found


def test_who_asks_is_not_what_is_asked(kb: KnowledgeBase) -> None:
    # "my manager asked me if ...": the manager is the asker, not the topic (management oversight).
    question = "my manager asked me if the audit said anything about the CAF team"
    assert any("who asks, not what is asked" in note for note in notes_of(kb, question))
    assert "CAF" in kb.ask(question).results[0].text
    # Nothing asked after the verb that names a topic: the words stay as they are.
    assert not any("who asks" in note for note in notes_of(kb, "my manager asked for supervision notes"))


@pytest.mark.parametrize(
    "question",
    ["how do i request a Clare's Law disclosure", "my manager asked me how to request a clare's law disclosure"],
)
def test_a_signpost_phrase_word_is_not_corrected_into_a_passage_word(kb: KnowledgeBase, question: str) -> None:
    # "clare" is no typo of "care": the signpost phrase "clare's law" is read as typed.
    assert signposted(kb, question) == ["procedures"]


def test_an_age_school_year_or_time_in_the_case_is_no_count_of_the_audited_cases(kb: KnowledgeBase) -> None:
    # "6 weeks" is a baby's age, not the "6" of "4 out of 6 cases"; "Year 8" is a school year.
    case = "kids are 6 weeks and 18 months, a Year 8 girl too, dad uses cocaine: what should I be thinking about?"
    analysis = kb.ask(case, explain=True).analysis
    assert analysis is not None
    numbers = {unit["typed"]: unit["notes"] for unit in analysis["units"] if unit["typed"].isdigit()}
    assert set(numbers) == {"6", "18", "8"}
    assert all(any("the case's detail" in note for note in notes) for notes in numbers.values())
    # A count of the audited cases keeps its number.
    assert not any("the case's detail" in note for note in notes_of(kb, "what happened in the 4 out of 6 cases"))


def test_two_letters_typed_the_wrong_way_round_are_corrected_even_in_short_words(kb: KnowledgeBase) -> None:
    vocabulary = kb.vocabulary
    assert [vocabulary.correct(word) for word in ("heatlh", "poliec", "neltf")] == ["health", "police", "nelft"]
    for typed, meant in [
        ("anything for heatlh visitors?", "anything for health visitors?"),
        ("what do the audits say poliec should do", "what do the audits say police should do"),
        ("anything NELTF is asked to do?", "anything NELFT is asked to do?"),
    ]:
        answer = kb.ask(typed)
        assert answer.found, typed
        assert [r.id for r in answer.results[:3]] == [r.id for r in kb.ask(meant).results[:3]]
    # A real word is never "corrected" into its anagram ("trail" stays a trail, not a trial).
    assert vocabulary.correct("trail", zipf=4.0) is None


def test_the_askers_own_role_introduces_the_case_and_is_not_required_of_the_answer(kb: KnowledgeBase) -> None:
    question = (
        "I'm a community nurse. A mum I visit at 30 weeks pregnant has a 2yo, she's lonely and not coping and I'm"
        " unsure whether the children's centre knows her. What are we supposed to do?"
    )
    assert any("the asker's own role" in note for note in notes_of(kb, question))
    answer = kb.ask(question)
    assert answer.found and "Children's Centre" in answer.results[0].text
    assert kb.ask(
        "I am a GP registrar. Dad keeps missing the child's appointments and I've never met him. Any learning?"
    ).found
    # With nothing else named, the role is what is asked about ("I'm a school nurse, what are we asked to do?").
    assert not any("asker's own role" in note for note in notes_of(kb, "I'm a school nurse, what are we asked to do?"))


def test_the_last_sentence_of_a_case_before_a_bare_ask_is_its_point(kb: KnowledgeBase) -> None:
    """Before "What should be happening?" the case is the topic; its scene (the family) weighs less than its point
    (the core group not meeting)."""
    question = (
        "Family of four, toddler and a baby, mum has depression and dad drinks. The core group has not met since"
        " the conference. What should be happening?"
    )
    assert "scene: told before the point of the case" in notes_of(kb, question)
    assert "core group" in kb.ask(question).results[0].text.lower()
    # A question with one sentence of case has no scene.
    assert not any(note.startswith("scene") for note in notes_of(kb, "The core group has not met. What now?"))


def test_a_sentence_of_circumstances_before_the_question_is_no_sign_of_another_topic(kb: KnowledgeBase) -> None:
    """The sentence "Hi all, covering for a colleague this week." asks nothing and names no topic: its unknown
    words ("covering", "colleague") do not count against the topic asked after it."""
    assert kb.ask("Hi all, covering for a colleague this week. professional curiosity").found
    # ... and a workplace matter asked after a story naming topics is still a workplace matter.
    assert not kb.ask("I'm a social worker with a busy caseload. Is the canteen open for lunch today?").found


def test_im_the_introduces_the_askers_role_too(kb: KnowledgeBase) -> None:
    question = "I'm the police rep on the MASE panel - what did the audit conclude about how MASE is working overall?"
    assert any("the asker's own role" in note for note in notes_of(kb, question))
    assert kb.ask(question).results[0].text.startswith(("The MASE panel", "Multi-agency working through MASE"))


def test_a_first_sentence_that_is_only_a_role_signs_the_asker_in(kb: KnowledgeBase) -> None:
    question = "Children's centre FSW. I've a CAF for a 2 year old and the HV never comes to the TAC. Any learning?"
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    role = next(unit for unit in analysis["units"] if unit["typed"] == "fsw")
    assert "the asker's own role: weighed as the case told" in role["notes"]
    # A topic said as a sentence of its own is no role.
    assert not any("asker's own role" in note for note in notes_of(kb, "Neglect toolkit. Did the audits mention it?"))


def test_a_role_before_a_dash_signs_the_asker_in_unless_what_follows_asks_of_it(kb: KnowledgeBase) -> None:
    question = (
        "midwife - pregnant mum, partner's been violent, she says he's moved out but his stuff is all over the flat."
        " nobody has ever met him. any learning?"
    )
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    role = next(unit for unit in analysis["units"] if unit["typed"] == "midwife")
    assert "the asker's own role: weighed as the case told" in role["notes"]
    assert kb.ask(question).found
    # "... - what did they do well?": the role before the dash is what is asked about.
    asked = "children's centre family support workers - what did they do well"
    assert not any("asker's own role" in note for note in notes_of(kb, asked))


def test_a_learning_concept_in_the_scene_of_a_case_is_no_sign_of_another_topic(kb: KnowledgeBase) -> None:
    # "disclosed" (the voice of the child) is in the scene; the point is the partner nobody knows.
    question = (
        "midwife. pregnant woman, 2nd baby, disclosed DV from her ex. current partner never comes to any"
        " appointments and we know nothing about him. what's the learning"
    )
    assert "scene: told before the point of the case" in notes_of(kb, question)
    answer = kb.ask(question)
    assert answer.found and "significant males" in answer.results[0].text


def test_signposted_topics_in_the_scene_are_background_when_the_ask_names_a_learning_topic(kb: KnowledgeBase) -> None:
    question = (
        "midwife - booking appt, mum 19, partner 30 came to every appointment and did all the talking. she has"
        " history of self harm, unborn likely to need a pre-birth assessment. nobody seems to have assessed him."
        " anything in the audit about partners?"
    )
    answer = kb.ask(question)
    # The scene's self-harm and pre-birth assessment keep their signposts; the ask (partners) is answered.
    assert {signpost.id for signpost in answer.signposts} == {"self-harm", "pre-birth"}
    assert answer.found and "significant males" in answer.results[0].text
    notes = notes_of(kb, question)
    assert "partner 30: read as 'male partner'" in notes  # an age after "partner": a person
    # Told as the case's detail and then asked about, the partner is the same man, not partner agencies.
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    assert not any("thesaurus:multi-agency-working" in (unit["concepts"] or []) for unit in analysis["units"])
    # With no case told, "partners" may still be partner agencies.
    assert (
        "thesaurus:multi-agency-working"
        in kb.ask("anything in the audit about partners?", explain=True).analysis["units"][0]["concepts"]
    )


def test_mums_partner_after_a_comma_is_the_man_in_the_household_not_partner_agencies(kb: KnowledgeBase) -> None:
    analysis = kb.ask("pregnant mum, partner's been violent", explain=True).analysis
    assert analysis is not None
    labels = [label for unit in analysis["units"] for label in unit["concepts"] or []]
    assert "thesaurus:significant-males" in labels
    assert "thesaurus:multi-agency-working" not in labels
    assert "mum male" not in [unit["typed"] for unit in analysis["units"]]


@pytest.mark.parametrize(("typed", "base"), [("riskier", "risky"), ("riskiest", "risky")])
def test_a_comparative_reads_as_its_adjective(kb: KnowledgeBase, typed: str, base: str) -> None:
    assert f"comparative: {typed} -> {base}" in notes_of(kb, f"the plan for a {typed} teenager")


def test_an_everyday_comparative_is_left_as_typed(kb: KnowledgeBase) -> None:
    # "earlier" is everyday English, not "early" (help).
    assert not any(note.startswith("comparative") for note in notes_of(kb, "we met earlier about the core group"))


@pytest.mark.parametrize("meeting", ["TAC", "core group", "conference"])
def test_attendance_at_a_named_meeting_is_meeting_attendance_not_school_or_hospital(
    kb: KnowledgeBase, meeting: str
) -> None:
    """Attendance alone is school or A&E attendance; after a meeting's name it is who comes to the meeting."""
    analysis = kb.ask(f"{meeting} attendance", explain=True).analysis
    assert analysis is not None
    assert any("thesaurus:meeting-attendance" in unit["concepts"] for unit in analysis["units"]), analysis["units"]


def test_a_student_of_a_profession_is_no_school_pupil(kb: KnowledgeBase) -> None:
    note = "in training for the profession named after it: weighed as filler"
    assert note in notes_of(kb, "student social worker here, what did the audits find about core groups")
    assert note not in notes_of(kb, "students at the secondary school and the school nurse")


def test_times_after_a_count_says_how_often_not_time_or_delay(kb: KnowledgeBase) -> None:
    question = "I've invited the health visitor to the TAC ten times and she never comes"
    assert "how many times something happened: weighed as filler" in notes_of(kb, question)
    # ... and the counts the thesaurus knows ("three times", "again and again") are doing it repeatedly.
    units = kb.searcher.analyse("I've invited the health visitor to the TAC three times and she never comes").units
    assert any(unit.concept and "thesaurus:repeatedly" in unit.concept.labels for unit in units)
    assert not any(unit.concept and "thesaurus:delay" in unit.concept.labels for unit in units)
    assert "how many times something happened: weighed as filler" not in notes_of(kb, "delays and waiting times")


def test_a_short_word_a_letter_off_an_everyday_word_is_not_read_as_a_longer_word_of_like_sound(
    kb: KnowledgeBase,
) -> None:
    # "ther" is "there" (or "their") mistyped, not "theory" (analysis and research).
    typed = kb.ask("is ther anything on neglect in the audits", explain=True)
    assert typed.analysis is not None
    assert not any("theory" in unit["unit"] for unit in typed.analysis["units"])
    assert [r.id for r in typed.results[:3]] == [
        r.id for r in kb.ask("is there anything on neglect in the audits").results[:3]
    ]


def test_the_auditors_are_the_audits_not_a_topic(kb: KnowledgeBase) -> None:
    # "what did the auditors say about X" asks what the audits found about X, like "what did the audit say".
    analysis = kb.ask("what did the auditors say about neglect", explain=True).analysis
    assert analysis is not None and [unit["unit"] for unit in analysis["units"]] == ["neglect"]
    assert analysis["wants_kind"] == kb.ask("what did the audit say about neglect", explain=True).analysis["wants_kind"]


@pytest.mark.parametrize(
    ("question", "audit"),
    [
        ("why was the disability audit done", "children-with-disabilities"),
        ("why was the families with multiple needs audit done", "families-multiple-needs"),
    ],
)
def test_why_an_audit_was_done_leads_with_its_stated_purpose(kb: KnowledgeBase, question: str, audit: str) -> None:
    purpose = kb.conn.execute("SELECT purpose FROM audits WHERE id = ?", [audit]).fetchone()[0]
    answer = kb.ask(question)
    assert purpose in answer.results[0].text
    # Its priority (the background) follows among the first few.
    assert any(result.id == f"{audit}-priority" for result in answer.results[1:3])


def test_joined_up_is_agencies_working_together(kb: KnowledgeBase) -> None:
    # "joined up" is co-ordinated multi-agency working, of which sharing information is one part.
    analysis = kb.ask("were services joined up for the under 5s", explain=True).analysis
    assert analysis is not None
    joined = next(unit for unit in analysis["units"] if unit["typed"] == "joined up")
    assert "thesaurus:multi-agency-working" in joined["concepts"]


def test_what_the_audits_found_about_a_task_is_still_answered(kb: KnowledgeBase) -> None:
    assert kb.ask("what did the audits find about chronologies").found
    assert kb.ask("how do we hear the voice of pre-verbal children?").found


def test_a_word_one_edit_from_completing_a_concept_phrase_is_read_as_that_phrase(kb: KnowledgeBase) -> None:
    # "yeas" and "choirs" are English words, so no typo of a vocabulary word; beside "early" and "CP" they are
    # the phrases "early years" and "CP chairs".
    vocabulary = kb.vocabulary
    assert vocabulary.completes("yeas", before="early") == "years"
    assert vocabulary.completes("choirs", before="cp") == "chair"
    assert vocabulary.completes("choirs", before="church") is None
    answer = kb.ask("CP choirs training", explain=True)
    assert answer.corrections == {"choirs": "chair"}
    assert [r.id for r in answer.results[:3]] == [r.id for r in kb.ask("CP chairs training").results[:3]]
    assert "completes a phrase: yeas -> years" in notes_of(kb, "is the early yeas audit any good on CAF")
    # A signposted topic's typo stays the signpost's ("send nueds" is not "SEND needs").
    assert signposted(kb, "send nueds") == ["online-harms"]


def test_a_word_a_letter_off_an_everyday_word_is_not_read_as_a_vocabulary_word_of_like_sound(kb: KnowledgeBase) -> None:
    # "meannt" sounds like "minute" (meeting minutes) but is "meant" with a letter doubled; "wirked" is "worked".
    answer = kb.ask("are we meannt to use the neglect toolkit", explain=True)
    assert answer.corrections == {"meannt": "meant"}
    assert kb.ask("has info sharing wirked well", explain=True).corrections == {"wirked": "worked"}


def test_american_spellings_are_read_as_the_reports_british_ones(kb: KnowledgeBase) -> None:
    vocabulary = kb.vocabulary
    assert [vocabulary.british(word) for word in ("center", "centers", "program")] == ["centre", "centres", "programme"]
    assert vocabulary.british("water") is None and vocabulary.british("centre") is None
    answer = kb.ask("is the children's center involved with under 5s", explain=True)
    assert answer.corrections == {"center": "centre"}
    british = kb.ask("is the children's centre involved with under 5s")
    assert [r.id for r in answer.results[:3]] == [r.id for r in british.results[:3]]


def test_a_number_in_a_question_not_asking_for_one_is_the_cases_detail(kb: KnowledgeBase) -> None:
    # "4 social workers" (or texting's "4" for "for") is not the "4" of "In 4 out of 6 cases".
    question = "she's had 4 social workers in a year and won't talk to any of them, what did the CSE audit find?"
    notes = notes_of(kb, question)
    assert any("the case's detail" in note for note in notes)
    assert not kb.ask(question).results[0].text.startswith("In 4 out of")
    # Said as one of the report's counts, or asked for, a number is kept.
    assert not any("the case's detail" in note for note in notes_of(kb, "in 4 out of 6 cases dads were missed"))
    assert not any("the case's detail" in note for note in notes_of(kb, "what was business plan priority 2.5"))


def test_social_work_shorthand_is_read_as_the_words(kb: KnowledgeBase) -> None:
    # "soc wkr" and "chn" as written in case notes: a social worker, children.
    texted = kb.ask("does changing the soc wkr all the time affect chn being groomed?")
    plain = kb.ask("does changing the social worker all the time affect children being groomed?")
    assert texted.found and [r.id for r in texted.results[:3]] == [r.id for r in plain.results[:3]]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("how often should core groups meet after conference?", "procedures"),
        ("are we required to send the plan to the family within 5 days", "procedures"),
        ("where do I refer a dad with a drink problem", "procedures"),
        ("is one incident of DV enough on its own for a CP plan", "procedures"),
        ("what's the contact for the MASE coordinator", "forms-and-contacts"),
        ("is there a helpline for schools worried about a child", "forms-and-contacts"),
        ("who was the auditor for the early years cases", "practicalities"),
        ("is the core group tomorrow still on", "practicalities"),
        ("neighbour is worried about an elderly man who seems neglected", "adult-safeguarding"),
        ("does Redbridge use contextual safeguarding for teenagers", "criminal-exploitation"),
        ("mum keeps exaggerating symptoms to the GP, is that abuse", "fabricated-illness"),
        ("toddler with medically unexplained seizures, what do I do", "fabricated-illness"),
        ("what replaced the LSCB when the safeguarding partners took over", "the-board"),
        ("were LSCBs abolished after the Wood review", "the-board"),
        ("what is the child population of the borough", "statistics"),
        ("how many young people live in the area", "statistics"),
        ("where is the LSCB escalation and professional challenge policy?", "forms-and-contacts"),
        ("can you send me a copy of the neglect toolkit", "forms-and-contacts"),
        ("whistleblowing policy for staff worried about their own agency", "allegations-against-staff"),
        ("I think I need to blow the whistle on my own team", "allegations-against-staff"),
        ("are school nurses required to attend every core group", "procedures"),
        ("mum has been arrested, who looks after the baby tonight?", "practicalities"),
        ("what is the agency staff turnover rate in children's social care", "statistics"),
        ("what's the address for the MASH office", "practicalities"),
        ("a pupil shared an indecent image of herself, what now", "online-harms"),
        ("has Redbridge had any domestic homicide reviews", "reviews"),
        # How often or how long, asked in the present, is a rule of practice, whatever the topic's words.
        ("how often are LAC reviews chaired by the IRO?", "procedures"),
        ("how quickly does a health visitor see a new baby", "procedures"),
        ("how soon must the core group meet", "procedures"),
        # How to do an office task, whatever it is done to.
        ("how do I upload the core group minutes to Protocol", "procedures"),
        ("how do I attach the chronology to the referral", "procedures"),
        # ... a topic then "how to", and a deadline asked.
        ("chronology template how to", "procedures"),
        ("when should the core group minutes go out by", "procedures"),
        # ... whether consent is needed, a rule of practice (what the audits found on consent is theirs to give).
        ("do we need their consent before we share concerns with the school", "procedures"),
        # ... whether something must be passed on, asked in the passive.
        ("does mum's drinking need to be reported to children's social care", "procedures"),
        ("does dad's cannabis use have to be notified to the school", "procedures"),
        ("should this be referred to early help or social care", "procedures"),
        # ... a form named alone, or an artefact asked for in a clause after it.
        ("the early help form", "forms-and-contacts"),
        ("the neglect screening tool - where can i find it", "forms-and-contacts"),
        # ... and how to get a document done.
        ("how can we get the CP plan signed off before conference", "procedures"),
        ("how do i get the risk checklist filled in b4 the meeting", "procedures"),
        ("where can we book a room for the TAC meeting", "procedures"),
        # ... read as their typos are.
        ("how ofetn are LAC reviews chaired by the IRO?", "procedures"),
        ("how do I uplaod the core group minutes to Protocol", "procedures"),
        # A norm asked for: what is normal or recommended.
        ("is it normal for a school nurse to cover 6 secondaries", "procedures"),
        ("what's a safe caseload for a CP social worker", "procedures"),
        # The disclosure schemes, described.
        ("can a dad ask the police whether his ex's boyfriend has convictions", "procedures"),
        # What to fill in or say, and family law.
        ("which risk assessment are we supposed to complete before a strategy discussion", "procedures"),
        ("what to say when a teenager discloses she was assaulted", "procedures"),
        ("parental alienation in a private law case", "family-courts"),
        # What training a role requires.
        ("which level of safeguarding training does a school nurse need", "training-courses"),
        # Pay and timetables.
        ("what are the pay rates for agency social workers", "practicalities"),
        ("health visitor clinic times in the borough", "practicalities"),
        ("when does the MASE panel meet", "practicalities"),  # what meets, named inside the phrase
        ("when do the core groups meet", "practicalities"),
        # A form or template asked for by what it is for, which no passage names.
        ("a chronology template for core group meetings", "forms-and-contacts"),
        ("the GP report template for a child protection conference", "forms-and-contacts"),
    ],
)
def test_practical_and_adjacent_questions_near_audited_topics_are_signposted(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert signposted(kb, question) == [topic]


@pytest.mark.parametrize(
    "question",
    [
        "school nurse contacts for schools",
        "how often was disguised compliance seen",
        "how long did the core groups take to meet in the CWD cases",
        "how do I record the voice of a baby who can't talk yet",
        "did high caseloads and changes of social worker affect the CSE cases",
        "did children disclose abuse to agencies in the CSE cases",
        "were core groups held within timescales in the CWD cases",
        "did children's centres refer families to the right services",
        # A topic signposted elsewhere, named inside the audits' own learning.
        "CSE plan not updated after she went missing for two nights",
        "Ruby dob 12/09/2003, missing episodes and an older male, she's had 3 SWs in a year - learning?",
        "how long had the plans been running when the audit looked at them",
        "are agencies meant to be using a neglect screening tool when assessing",
    ],
)
def test_findings_on_the_same_topics_are_still_answered(kb: KnowledgeBase, question: str) -> None:
    assert kb.ask(question).found


def test_a_figure_for_a_year_other_than_the_audits_is_signposted_even_when_a_passage_names_that_year(
    kb: KnowledgeBase,
) -> None:
    # "2018" is in a passage ("sessions in 2017-2018"), but the audits' figures are for 2016-17.
    assert signposted(kb, "how many disabled children were on CP plans in 2018?") == ["statistics"]
    assert kb.ask("how many disabled children were on CP plans in 2016").found
    # The audits' own period, "2016-17", is theirs: its end year is no other year.
    assert kb.ask("how many dads were missed in the 2016-2017 audits").found
    # Not asking for a figure, a passage's own date is its own.
    assert kb.ask("what did the 2017-2018 see the adult see the child sessions cover").found


def test_i_need_the_sentence_is_the_need_not_the_case(kb: KnowledgeBase) -> None:
    # "I need the learning on ..." asks; the sentence before it tells the case.
    question = (
        "Dad never turns up to core groups and mum covers for him. I need the learning on fathers for supervision."
    )
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    notes = {unit["typed"]: unit["notes"] for unit in analysis["units"]}
    assert any("narrative" in note for note in notes["core groups"])
    assert not any("narrative" in note for note in notes["fathers"])


def test_the_case_told_and_a_closing_thanks_cannot_blank_the_question(kb: KnowledgeBase) -> None:
    # Unknown words in the case ("cramped flat", "long shifts") are its detail; "Any help appreciated." is courtesy.
    question = (
        "Family of four who moved down from Kent last winter, living in a cramped flat. Professional curiosity?"
        " Any help appreciated."
    )
    answer = kb.ask(question, explain=True)
    assert answer.found
    assert [r.id for r in answer.results[:2]] == [r.id for r in kb.ask("Professional curiosity?").results[:2]]
    assert any("a closing thanks" in note for note in notes_of(kb, question))
    assert kb.ask(
        "Dad works long shifts and the flat is damp. What did the audits find about dads in assessments?"
    ).found


def test_a_sign_off_is_only_thanks() -> None:
    assert is_sign_off("Thanks in advance!") and is_sign_off("Any help appreciated.") and is_sign_off("Many thanks, x")
    assert not is_sign_off("any help with dads?") and not is_sign_off("thanks for the CP plan tips, what about dads")


def test_a_count_asked_after_a_case_counts_what_is_asked_not_the_case(kb: KnowledgeBase) -> None:
    question = (
        "Working with a lone parent whose eldest has just started reception, lots of upheaval this year."
        " How many disabled children were on CP plans in July 2016?"
    )
    answer = kb.ask(question)
    assert answer.found and "321" in answer.results[0].text


@pytest.mark.parametrize("asked", ["TAC meeting attendance?", "Professional curiosity?"])
def test_a_broad_setting_told_before_a_short_question_does_not_lead_the_answer(kb: KnowledgeBase, asked: str) -> None:
    # "Family of six ... a toddler ... granddad helps out": the case's setting, not what is asked.
    story = "Quick question before my visits today. Family of six, two teenagers at secondary and a toddler, granddad"
    answer = kb.ask(f"{story} helps out most days. {asked}")
    assert answer.results[0].id == kb.ask(asked).results[0].id


def test_a_list_of_topics_after_the_question_is_part_of_what_is_asked(kb: KnowledgeBase) -> None:
    question = "what was the families with multiple needs audit about? domestic abuse, drink and drugs, mental health"
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    assert not any("narrative" in note for unit in analysis["units"] for note in unit["notes"])


def test_what_is_asked_of_the_lscb_is_its_own_recommendation(kb: KnowledgeBase) -> None:
    # "LSCB" is usually a word about the audits themselves; asked what is asked of it, it is the agency.
    for question in ("what is asked of the LSCB?", "what should LSCB do differently"):
        answer = kb.ask(question)
        assert answer.found and "LSCB training programme" in answer.results[0].text, question
    # "the LSCB audits" are the audits: nothing named to search on.
    assert not kb.ask("what did the LSCB audits find").found


def test_an_out_of_scope_question_with_letters_swapped_is_still_signposted(kb: KnowledgeBase) -> None:
    # "housr" is "hours" and "rseet" is "reset" (not an abbreviation of "reassessment").
    for typed, topic in [
        ("what's the number for the out of housr duty team", "procedures"),
        ("rseet my password please", "forms-and-contacts"),
    ]:
        assert signposted(kb, typed) == [topic]
        assert signposted(kb, typed.replace("housr", "hours").replace("rseet", "reset")) == [topic]
    assert not kb.ask("rseet my Protocol password").found


def test_a_phrase_gives_its_last_word_to_a_longer_phrase_when_its_first_words_name_the_same_concept(
    kb: KnowledgeBase,
) -> None:
    """ "TAC meeting" and "meeting attendance" overlap on "meeting": "TAC" alone already names the TAC, so the word
    goes to "meeting attendance" instead of leaving "attendance" to be read as school attendance."""
    analysis = kb.ask("TAC meeting attendance", explain=True).analysis
    assert analysis is not None
    assert [unit["typed"] for unit in analysis["units"]] == ["tac", "meeting attendance"]
    shown = [result.text for result in kb.ask("TAC meeting attendance").results]
    assert any("not aware of there being a CAF and or TAC" in text for text in shown)
    # With nothing after it to take, the phrase stays whole.
    analysis = kb.ask("TAC meeting minutes", explain=True).analysis
    assert analysis is not None
    assert "tac meeting" in [unit["typed"] for unit in analysis["units"]]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("plans with vague actions and no dates - what did the audits find?", "finding"),
        ("what improvement did the audits find in early help", "finding"),
        ("what actions should health visitors take on plans", "recommendation"),
        ("actions for health visitors", "recommendation"),
    ],
)
def test_a_cue_that_names_what_plans_hold_gives_way_to_a_verb_asking_what_was_found(
    kb: KnowledgeBase, question: str, kind: str
) -> None:
    assert kb.searcher.analyse(question).wants_kind == kind


@pytest.mark.parametrize(
    "question",
    [
        "young person's situation changed a lot but their plan stayed the same for months",
        "CSE plan unchanged after she went missing",
    ],
)
def test_a_plan_that_stayed_the_same_is_a_plan_not_updated(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert any("Plans should be updated when there are significant changes" in r.text for r in answer.results)


def test_asking_how_to_do_an_office_task_for_the_board_is_still_a_procedure(kb: KnowledgeBase) -> None:
    # Naming the LSCB makes a question about the audits only when it asks what they found or recommend.
    assert signposted(kb, "how do I book onto the LSCB level 3 multi-agency safeguarding training?") == ["procedures"]
    assert not kb.ask("how do I book onto the LSCB level 3 multi-agency safeguarding training?").found
    assert kb.ask("what should the LSCB training programme do about timescales?").found


def test_the_askers_circumstances_before_the_question_weigh_nothing_and_rank_nothing(kb: KnowledgeBase) -> None:
    """ "Quick question before my visits today.": no delay ("quick"), and no passage rises for "visits"."""
    asked = "TAC meeting attendance?"
    analysis = kb.ask(f"Quick question before my visits today. {asked}", explain=True).analysis
    assert analysis is not None
    opening = [unit for unit in analysis["units"] if unit["typed"] in ("quick", "visits", "today")]
    assert [unit["typed"] for unit in opening] == ["visits", "today"]
    assert all(unit["weight"] == 0 for unit in opening)
    answer = kb.ask(f"Quick question before my visits today. {asked}")
    assert [r.id for r in answer.results] == [r.id for r in kb.ask(asked).results]


def test_the_boards_budget_is_signposted_and_parking_is_a_workplace_matter(kb: KnowledgeBase) -> None:
    for question in ("what's the LSCB's annual budget and who funds it?", "does each partner contribute to the budget"):
        assert signposted(kb, question) == ["the-board"], question
    assert not kb.ask("where can I park for the multi-agency briefing?").found
    assert kb.ask("multi-agency briefing on see the adult see the child").found


@pytest.mark.parametrize("idiom", ["slips through the gaps", "falls through the cracks", "fell through the net"])
def test_every_form_of_falling_through_the_net_finds_it(kb: KnowledgeBase, idiom: str) -> None:
    answer = kb.ask(f"regular joint meetings so no child {idiom}")
    assert answer.found and "prevent any child falling through the net" in answer.results[0].text


@pytest.mark.parametrize(
    "question",
    [
        "what is the signs of safety model",
        "restorative practice in CP conferences",
        # How to run a model's meeting is the model's own guidance: the practice-models signpost says where it is.
        "how to run a signs of safety mapping meeting",
    ],
)
def test_practice_models_the_audits_do_not_describe_are_signposted(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["practice-models"]
    assert not kb.ask(question).found


def test_asking_what_the_audits_mention_beside_a_practical_question_answers_from_the_audits(kb: KnowledgeBase) -> None:
    question = "They've asked our nursery for observations of her. Is that normal and did the audit mention nurseries?"
    answer = kb.ask(question)
    assert answer.found and answer.signposts == ()
    assert signposted(kb, "They've asked our nursery for observations of her. Is that normal?") == ["procedures"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("offen", "often"), ("oftn", "often")],
)
def test_a_misspelt_word_after_how_is_read_as_the_word_how_asks_with(kb: KnowledgeBase, typed: str, meant: str) -> None:
    # "offen" is one letter from "often", "offer" and "offend": after "how" it is "often", a rule of practice.
    answer = kb.ask(f"how {typed} should strategy meetings happen")
    assert [signpost.id for signpost in answer.signposts] == ["procedures"] and not answer.results


def test_an_english_typo_is_never_read_as_a_longer_word_it_starts(kb: KnowledgeBase) -> None:
    analyser = kb.searcher.analyser
    assert analyser.english_typo("offen", zipf=None) != "offend"
    assert analyser.english_typo("actualy", zipf=None) == "actually"


@pytest.mark.parametrize(
    "question",
    [
        "how do i make a CSC referral",
        "hw do i make a referal to early help",
        "what's the transfer process",
        "what is the MASE process",
    ],
)
def test_a_kind_of_question_with_a_word_inside_its_phrase_still_asks_it(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["procedures"]


@pytest.mark.parametrize(
    "question",
    [
        "can I claim mileage for the core group meeting",
        "can i get toil for going to the MASE panel",
        "is there overtime for the CP conference",
    ],
)
def test_a_workplace_matter_for_a_learning_topic_is_still_a_workplace_matter(kb: KnowledgeBase, question: str) -> None:
    assert not kb.ask(question).found


def test_a_workplace_word_told_of_the_family_still_lets_the_question_through(kb: KnowledgeBase) -> None:
    assert kb.ask("dad works overtime and is never seen at home visits: hidden males").found
    assert kb.ask("disguised compliance seen at the office visit").found


@pytest.mark.parametrize(
    "question",
    [
        "is she known to social care? DOB 01/02/2015",
        "who is the social worker for the Smith children",
        "Tyler Jones - is he on a CP plan?",
        "can you look up a family for me at RM6 4XX",
        "is the case still open",
    ],
)
def test_a_request_for_an_individual_record_is_signposted(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["case-records"]


def test_a_record_named_in_the_case_told_does_not_blank_the_learning_asked_for(kb: KnowledgeBase) -> None:
    answer = kb.ask("Mum was known to social care as a child. What did the audits find about disguised compliance?")
    assert answer.found


@pytest.mark.parametrize("question", ["Prevent", "prevent?", "what about Prevent", "allegations"])
def test_a_topic_named_by_the_word_its_phrases_open_is_signposted(kb: KnowledgeBase, question: str) -> None:
    assert len(signposted(kb, question)) == 1


@pytest.mark.parametrize("question", ["prevention", "how to prevent neglect", "training", "parent"])
def test_a_word_a_learning_concept_holds_is_not_read_as_a_topic_head(kb: KnowledgeBase, question: str) -> None:
    assert kb.ask(question).found


@pytest.mark.parametrize("question", ["neglect toolkit link?", "CAF form download", "escalation policy link pls"])
def test_an_artefact_asked_for_right_after_its_name_is_a_request_for_it(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["forms-and-contacts"]


def test_a_phrase_with_a_clause_inside_it_is_still_the_phrase(kb: KnowledgeBase) -> None:
    # "man in the house" (significant males), with "who stays" inside it.
    query = kb.searcher.analyse("the man who stays in the house but no professional has met him")
    assert any("thesaurus:significant-males" in (unit.concept.labels if unit.concept else []) for unit in query.units)
    assert kb.ask("the man who stays in the house but no professional has met him").found


def test_a_clause_word_that_names_a_concept_breaks_the_phrase(kb: KnowledgeBase) -> None:
    query = kb.searcher.analyse("the man who drinks in the house")
    assert [unit.text for unit in query.units if unit.concept] != ["man house"]


def test_an_acronym_typed_in_capitals_is_read_as_the_acronym_and_the_everyday_word_is_not(kb: KnowledgeBase) -> None:
    acronym = kb.searcher.analyse("are children with SEND on protection plans as often as others")
    assert any(unit.concept and "thesaurus:disability" in unit.concept.labels for unit in acronym.units)
    verb = kb.searcher.analyse("please send me the protection plan learning")
    assert not any(unit.concept and "thesaurus:disability" in unit.concept.labels for unit in verb.units)
    shouted = kb.searcher.analyse("PLEASE SEND ME THE PROTECTION PLAN LEARNING")
    assert not any(unit.concept and "thesaurus:disability" in unit.concept.labels for unit in shouted.units)


def test_a_misspelt_form_of_a_passage_word_is_no_uncovered_topic(kb: KnowledgeBase) -> None:
    # "improvment" is "improve" misspelt, not "imprisonment".
    answer = kb.ask("BHRUT A&E safeguarding improvment")
    assert answer.found and answer.signposts == ()


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("her dad is serving a sentence - how do we support the kids", "children-of-prisoners"),
        ("17 year old girl with a controlling boyfriend her own age", "teenage-relationship-abuse"),
        ("a 13 year old has been living with a family friend since Easter", "private-fostering"),
        ("boy of 15 caught selling drugs for older lads", "criminal-exploitation"),
        ("mum says she was cut as a girl back home", "fgm"),
        ("what support is there for care leavers who were on the MASE list", "care-leavers"),
        ("family in one room, how do we get them rehoused", "immigration-and-housing"),
        ("what does the partnership spend on training", "practicalities"),
        ("has anyone been out to this address before", "case-records"),
        ("a nursery worker is said to have hurt one of the toddlers", "allegations-against-staff"),
    ],
)
def test_uncovered_topics_described_in_practitioners_words_are_signposted(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert signposted(kb, question) == [topic]


def test_a_case_then_did_the_named_audit_come_across_this_asks_about_the_case(kb: KnowledgeBase) -> None:
    # The asking sentence names only the audit: the case told before it is the topic, not its context.
    question = (
        "Boy of 9 with autism on a CP plan. Looking at the plan nobody can say what we're trying to achieve or how"
        " we'd know it worked. Did the disability audit come across this?"
    )
    query = kb.searcher.analyse(question)
    assert query.intent != "purpose"
    assert not any(unit.told for unit in query.units)
    top = [result.id for result in kb.ask(question).results[:2]]
    assert "cwd-f5" in top or "cwd-r5" in top


def test_a_sentence_repeating_a_concept_word_is_no_preamble(kb: KnowledgeBase) -> None:
    # "the plan" again is no unit of its own; its sentence still names the plan, so its words are the case's point,
    # not the asker's circumstances weighing nothing.
    question = (
        "Girl of 6 on a CP plan. Reading the plan I can't tell what anybody is trying to achieve."
        " Did the CWD audit find that?"
    )
    query = kb.searcher.analyse(question)
    achieve = [unit for unit in query.units if "achieve" in unit.words]
    assert achieve and achieve[0].weight > 0


def test_an_aim_in_the_sentence_naming_the_audit_still_asks_its_purpose(kb: KnowledgeBase) -> None:
    assert kb.searcher.analyse("what was the multiple needs audit trying to improve").intent == "purpose"


@pytest.mark.parametrize(
    "question",
    [
        "what did the audits say about midwives",
        "what did the audits ask GPs to do",
        "what is expected of midwives",
        "what's required of midwives in the audits",
        "recommendations for teachers",
    ],
)
def test_an_agency_question_about_a_role_no_passage_names_says_so(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["unnamed-roles"]


@pytest.mark.parametrize(
    "question",
    [
        "what did the audit ask health visitors to do",
        "what is asked of school nurses",
        "what must the police do",
        "what should police officers do",
    ],
)
def test_an_agency_question_about_a_role_the_passages_name_is_answered(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert answer.found and answer.signposts == ()


@pytest.mark.parametrize(
    "question", ["is a GP expected to attend ICPC", "are GPs supposed to go to child protection conferences"]
)
def test_what_is_expected_of_a_role_no_passage_names_in_a_covered_practice_is_the_unnamed_role(
    kb: KnowledgeBase, question: str
) -> None:
    # The audits expect nothing of GPs by name; conference attendance they cover is asked of others.
    assert signposted(kb, question) == ["unnamed-roles"]
    assert kb.ask("what is expected of police at ICPC").found  # a role the passages name


def test_a_role_no_passage_names_told_beside_a_topic_is_no_unnamed_role(kb: KnowledgeBase) -> None:
    answer = kb.ask("I'm a GP: what did the audits find about disguised compliance?")
    assert answer.found and answer.signposts == ()


def test_a_short_signpost_word_with_letters_dropped_is_read_as_the_shortest_it_abbreviates(kb: KnowledgeBase) -> None:
    assert signposted(kb, "any learning on cnty lines") == ["criminal-exploitation"]


def test_the_plural_of_a_known_acronym_is_no_abbreviation_of_a_signpost_word(kb: KnowledgeBase) -> None:
    answer = kb.ask("were the CAFs done early by the children's centres")
    assert answer.found and answer.signposts == ()


def test_a_number_abbreviated_no_full_stop_ends_no_sentence() -> None:
    from knowledge.search.query import sentences

    assert sentences("the LADO no. for allegations?") == ["the LADO no. for allegations?"]
    assert sentences("He said no. What now?") == ["He said no.", "What now?"]


def test_an_abbreviated_number_asked_for_beside_a_topic_signpost_is_signposted(kb: KnowledgeBase) -> None:
    assert signposted(kb, "LADO tel. no. for a childminder allegation??") == ["allegations-against-staff"]


def test_words_a_practical_phrase_gave_back_may_still_name_a_topic(kb: KnowledgeBase) -> None:
    # "budget for" (a practical detail) gives way to what the audits found; "budget" is still the board's.
    assert signposted(kb, "what was the budget for the audits in the LSCB") == ["the-board"]


@pytest.mark.parametrize(
    "question",
    ["what's the body map procedure", "how long before the review conference do reports go out"],
)
def test_procedures_with_two_words_inside_or_a_deadline_before_are_signposted(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["procedures"]


@pytest.mark.parametrize("comparison", ["less often than you'd expect", "fewer than expected"])
def test_a_comparison_with_what_is_expected_asks_about_proportion(kb: KnowledgeBase, comparison: str) -> None:
    # "only 12 of a total of 321 children who are subject to a CP Plan have a disability ..."
    answer = kb.ask(f"do autistic kids end up on CP plans {comparison}")
    assert "cwd-c1" in [result.id for result in answer.results[:2]]


def test_a_word_qualifying_a_concept_in_one_of_its_phrases_qualifies_its_other_words(kb: KnowledgeBase) -> None:
    # "absent father" is a phrase of significant males; "absent fathers" and "absent dads" are too, not school
    # absence.
    for question in ("absent dads", "absent stepdads"):
        answer = kb.ask(question)
        assert answer.found and answer.results[0].id in {"fmn-f4", "fmn-r3"}, question


def test_two_concepts_typed_with_a_word_between_do_not_qualify_each_other(kb: KnowledgeBase) -> None:
    query = kb.searcher.analyse("did mum and dad get on with workers")
    assert not any(unit.words == ("mum", "dad") for unit in query.units)


@pytest.mark.parametrize(
    "question",
    [
        "the CP plan never caught up with her riskier and riskier situations",
        "did the protection plans pick up teenagers going into riskier situations",
    ],
)
def test_a_plan_not_keeping_up_with_rising_risk_finds_plans_updated_on_significant_change(
    kb: KnowledgeBase, question: str
) -> None:
    # "Plans should be updated when there are significant changes in the case that would impact vulnerability."
    top = [result.id for result in kb.ask(question).results[:3]]
    assert "cse-r2" in top or "cse-f10" in top


def test_what_the_board_was_trying_to_improve_asks_its_purpose(kb: KnowledgeBase) -> None:
    query = kb.searcher.analyse(
        "families with domestic abuse and mentally unwell parents - what was the LSCB trying to improve"
    )
    assert query.intent == "purpose"
    assert any(unit.concept and "thesaurus:parental-mental-health" in unit.concept.labels for unit in query.units)


def test_inquisitive_staff_are_professional_curiosity(kb: KnowledgeBase) -> None:
    assert kb.ask("not inquisitive enough in the toxic trio cases").results[0].id == "fmn-f3"


@pytest.mark.parametrize("question", ["what did the neglect audit find", "why was the LSCB training audit done"])
def test_an_audit_named_by_a_topic_no_audit_was_on_is_not_held(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["other-reports"]


@pytest.mark.parametrize(
    ("question", "audit"),
    [
        ("what did the autism audit find", "children-with-disabilities"),
        ("what did the toxic trio audit find", "families-multiple-needs"),
        ("what did the multi agency audit find about MASE", "cse-mase"),
    ],
)
def test_an_audit_named_by_one_of_its_topics_is_that_audit(kb: KnowledgeBase, question: str, audit: str) -> None:
    answer = kb.ask(question)
    assert answer.found and answer.signposts == () and answer.results[0].audit.id == audit


@pytest.mark.parametrize("question", ["mum makes up illnesses for her son", "dad fabricating his daughter's seizures"])
def test_fabricated_illness_described_is_signposted(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["fabricated-illness"]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Prevnet", "radicalisation"),
        ("what did the neglcet aduit find", "other-reports"),
        ("what was aksed of GPs in the audits", "unnamed-roles"),
    ],
)
def test_the_new_readings_hold_through_typos(kb: KnowledgeBase, question: str, topic: str) -> None:
    assert signposted(kb, question) == [topic]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("support for a 9 year old whose mum died last month", "bereavement"),
        ("teenager with a gambling problem", "gambling"),
        ("what did the audits find about special guardianship placements", "adoption-and-permanence"),
        ("how did lockdown affect referrals", "pandemic"),
        ("year 7 being bullied on the bus", "bullying"),
        ("child with rotten teeth who never sees a dentist", "childrens-health"),
        ("12 year old setting fires in the park", "antisocial-behaviour"),
    ],
)
def test_more_child_welfare_topics_the_audits_do_not_cover_are_signposted(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert signposted(kb, question) == [topic]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("what should go in a chronology", "procedures"),
        ("what information do I need to include in a referral", "procedures"),
        ("where do I send the ICPC report", "procedures"),
        ("how many days does social care have to respond to a referral", "procedures"),
        ("what are the indicators of neglect", "procedures"),
        ("what forms do I need for a CAF", "forms-and-contacts"),
        ("how do I get a copy of the CP plan", "forms-and-contacts"),
        ("who is the designated safeguarding lead for the borough", "practicalities"),
        ("is it a legal requirement to have a core group", "law"),
    ],
)
def test_more_how_to_questions_get_the_kind_of_answer_signpost(kb: KnowledgeBase, question: str, topic: str) -> None:
    assert signposted(kb, question) == [topic]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("who is the current chair", "the-board"),
        ("when was the next audit planned", "other-reports"),
        ("what date was the MASE panel set up", "practicalities"),
    ],
)
def test_facts_the_report_does_not_hold_get_a_signpost(kb: KnowledgeBase, question: str, topic: str) -> None:
    assert signposted(kb, question) == [topic]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("nursery worker accused of rough handling", "allegations-against-staff"),
        ("child says her step-uncle touched her", "child-sexual-abuse"),
        ("disabled mum struggling with a newborn", "parents-with-learning-disabilities"),
    ],
)
def test_uncovered_topics_in_everyday_words_are_signposted(kb: KnowledgeBase, question: str, topic: str) -> None:
    assert signposted(kb, question) == [topic]


def test_parents_of_disabled_children_are_still_the_disabilities_audit(kb: KnowledgeBase) -> None:
    answer = kb.ask("how well did agencies work with parents of disabled children")
    assert answer.found and answer.signposts == ()


@pytest.mark.parametrize(
    "question", ["we can't see their records so we rely on what we're told", "we have no access to Protocol or RiO"]
)
def test_not_being_able_to_see_other_agencies_records_is_system_access(kb: KnowledgeBase, question: str) -> None:
    # "... they had no direct access to any database such as Protocol, RIO etc."
    assert "ey-f6" in [result.id for result in kb.ask(question).results[:3]]


@pytest.mark.parametrize(
    "question",
    [
        "His teacher is worried about the videos he shares. Anything from the audits on Prevent?",
        "how many cases did the Prevent audit look at",
        "Prevent training for nursery staff",
    ],
)
def test_prevent_named_with_a_capital_or_as_a_programme_is_the_prevent_duty(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["radicalisation"]


@pytest.mark.parametrize("question", ["how can we prevent neglect", "early help to prevent escalation"])
def test_prevent_as_a_verb_is_still_early_help(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert answer.found and answer.signposts == ()


def test_a_typo_as_near_a_vocabulary_word_as_a_signpost_word_is_the_vocabulary_word(kb: KnowledgeBase) -> None:
    # "scals" is one letter from "scales" (family outcome scales) and from "scalds" (a signpost word).
    answer = kb.ask("did the family outcome scals show improvement")
    assert answer.found and answer.signposts == ()


@pytest.mark.parametrize(
    "question", ["was the CSE audit a case file audit", "was it a deep dive audit or a dip sample audit"]
)
def test_how_an_audit_was_done_is_no_other_audit(kb: KnowledgeBase, question: str) -> None:
    assert "other-reports" not in [signpost.id for signpost in kb.ask(question).signposts]


@pytest.mark.parametrize(
    "question",
    [
        "were kids with additional needs less likely to end up on a protection plan here",
        "disabled children hardly ever end up on plans round here",
    ],
)
def test_how_often_a_group_is_on_a_plan_is_the_under_representation(kb: KnowledgeBase, question: str) -> None:
    # "There is an underrepresentation of children with disabilities who are subject to a Child Protection (CP)
    # Plan ...": said as how often, before a plan, the frequency words read as that concept.
    assert kb.ask(question).results[0].id == "cwd-c1"
    assert "how often, beside a plan: read as under-representation" in notes_of(kb, question)


@pytest.mark.parametrize(
    "question", ["dad is hardly ever seen by the social worker", "are plans less likely to be SMART for disabled kids"]
)
def test_frequency_words_away_from_a_plan_or_after_it_are_no_under_representation(
    kb: KnowledgeBase, question: str
) -> None:
    assert "how often, beside a plan: read as under-representation" not in notes_of(kb, question)
    assert "cwd-c1" not in [result.id for result in kb.ask(question).results[:3]]


@pytest.mark.parametrize(
    "question",
    ["how many CSE cases were looked at", "how many cases were in the CSE audit", "how many CSE cases were audited"],
)
def test_how_many_cases_were_audited_finds_the_count_of_the_audits_cases(kb: KnowledgeBase, question: str) -> None:
    # "All agencies were able to evidence effective working together across all 8 cases." The topic names the
    # audit; "cases" and "looked at" ask the count, and match no passage's words as a topic.
    answer = kb.ask(question)
    top = [result.id for result in answer.results[:5]]
    assert "cse-f1" in top and top[0] != "cse-mase-priority"
    # ... after the report's summary of the audit (8 cases, December 2016); only passages stating that count.
    assert [details.cases_audited for details in answer.details] == [8]
    assert all("8 cases" in result.text for result in answer.results)


@pytest.mark.parametrize(
    ("question", "audits"),
    [
        ("how many cases did the early years audit look at", ["early-years"]),
        ("when was the CWD audit completed", ["children-with-disabilities"]),
        ("what date was the cse audit done", ["cse-mase"]),
        (
            "how many cases were audited",
            ["early-years", "children-with-disabilities", "cse-mase", "families-multiple-needs"],
        ),
    ],
)
def test_how_many_cases_an_audit_looked_at_or_when_is_answered_from_the_reports_summary(
    kb: KnowledgeBase, question: str, audits: list[str]
) -> None:
    answer = kb.ask(question)
    assert [details.audit.id for details in answer.details] == audits
    # No passage states the early years audit's 10 cases or any audit's month: no learning point, no signpost.
    if "cse" not in question and question != "how many cases were audited":
        assert answer.results == () and answer.signposts == () and answer.suggestions == ()


def test_the_audits_details_are_shown_in_the_cli_and_in_slack(kb: KnowledgeBase, kb_path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(kb_path), "ask", "when did the early years audit take place"])
    assert result.exit_code == 0
    assert "Early Years Multi-Agency Audits: 10 cases audited, completed August 2016." in result.stdout
    assert "Nothing in the audits answers that" not in result.stdout
    message = blocks.answer_message(kb.ask("how many cases did the CWD audit look at"), kb)
    assert message.text == "Children with Disabilities (CWD): 6 cases audited, completed September 2016."
    assert "From the report's summary of the audits" in json.dumps(message.as_kwargs())
    data = kb.ask("how many cases did the CWD audit look at").to_json()
    assert data["audit_details"] == [
        {"audit": "children-with-disabilities", "cases_audited": 6, "completed": "2016-09"}
    ]


def test_a_count_of_something_the_audit_found_is_no_question_about_its_details(kb: KnowledgeBase) -> None:
    assert kb.ask("how many cases did the CWD audit find disguised compliance in").details == ()
    assert kb.ask("when is the next CWD audit").details == ()
    question = "how many cases had hardly any voice of the child in the families with multiple needs audit"
    assert kb.ask(question).details == () and kb.ask(question).found


def test_a_broad_concept_phrase_is_evidence_an_everyday_unknown_word_gives_way_to(kb: KnowledgeBase) -> None:
    # "child's perspective" is the voice of the child, in many passages; with "manager" beside it, one unknown
    # everyday word ("chats") does not blank the answer. ("sits down with their manager" is now supervision.)
    question = "making sure the child's perspective gets discussed every time a worker chats with their manager"
    assert kb.ask(question).found
    assert "unknown word, weighed lightly: the question names a learning topic" in notes_of(kb, question)
    assert kb.ask(question.replace("chats", "sits down")).found


def test_yet_after_a_negation_is_so_far_not_a_contrast(kb: KnowledgeBase) -> None:
    # "hasn't crawled yet" says "so far": the words before it are no background to what follows.
    told = "a ten month old who is not crawling yet has come into the children's centre with bruises on his face"
    assert "background: before the question's 'but'" not in notes_of(kb, told)
    assert "injuries-in-babies" in [signpost.id for signpost in kb.ask(told).signposts]
    # "... yet nobody checked" is the contrast still.
    contrast = "the school made three referrals about the family this year yet the plan was never reviewed by anyone"
    assert "background: before the question's 'but'" in notes_of(kb, contrast)


@pytest.mark.parametrize(
    "question",
    [
        "has the teenager been affected by having so many social workers",
        "she has had a series of different social workers this year, does it matter to her",
    ],
)
def test_how_many_workers_a_child_has_had_is_the_changes_of_social_worker(kb: KnowledgeBase, question: str) -> None:
    # "Where there had been a change/multiple changes in social workers, this has had a negative impact on young
    # people": told as how many workers, not named as changes.
    assert "how many workers: read as changes of social worker" in notes_of(kb, question)
    assert [result.id for result in kb.ask(question).results[:2]] in (["cse-f7", "cse-r5"], ["cse-r5", "cse-f7"])


@pytest.mark.parametrize(
    "question",
    [
        "can children's centre staff see the council's social care records",
        "can family centre managers get into the health and social care databases",
    ],
)
def test_seeing_records_or_a_system_is_access_to_them(kb: KnowledgeBase, question: str) -> None:
    # "no direct access to any database such as Protocol" and "an appropriate level of access to Protocol", not a
    # passage that only names Protocol.
    assert "seeing records or systems: read as access to them" in notes_of(kb, question)
    assert kb.ask(question).results[0].id in {"ey-r3", "ey-f6"}


def test_doing_something_again_and_again_is_doing_it_repeatedly(kb: KnowledgeBase) -> None:
    # "despite Children's Centre staff repeatedly inviting services to engage in the TAC process, they were not
    # coming forward" (ey-f6), not the passage on who is invited (ey-f5).
    question = (
        "children's centre staff keep inviting other services to the meetings round the child but they never come"
    )
    assert "keeps doing it: read as repeatedly" in notes_of(kb, question)
    assert kb.ask(question).results[0].id == "ey-f6"
    assert kb.ask("services invited to TAC meetings again and again but not turning up").results[0].id == "ey-f6"
    # ... weighed as the word it is: no topic of its own, so it neither blanks a case nor answers one out of scope.
    assert kb.ask(
        "HV. 2 year old twins, mum keeps telling me everything's fine, house is immaculate at planned visits but"
        " nursery say the kids arrive hungry. What learning was there on this?"
    ).found
    assert not kb.ask("a teenager keeps running away overnight - what happens when they come back home").found
    assert "keeps doing it: read as repeatedly" not in notes_of(kb, "how do we keep children safe at home")


def test_a_pairing_word_last_in_the_question_is_read_once(kb: KnowledgeBase) -> None:
    # A one-word pairing phrase last was matched as a two-word one past the end of the question (an IndexError).
    assert kb.ask("family centre staff writing that up as the child's view").found


@pytest.mark.parametrize(
    "question",
    ["how many social workers came to the core group", "several agencies and the social worker were at the meeting"],
)
def test_a_count_that_asks_or_words_far_from_the_worker_are_no_changes_of_social_worker(
    kb: KnowledgeBase, question: str
) -> None:
    assert "how many workers: read as changes of social worker" not in notes_of(kb, question)


@pytest.mark.parametrize(
    ("question", "signpost"),
    [
        ("what's our role if a pupil's personal education plan is out of date", "virtual-school"),
        ("the boy came into school with bruising on his back", "physical-abuse"),
        ("any learning on internet safety for primary pupils", "online-harms"),
        ("a 14 year old is staying with a man who is not related to her", "private-fostering"),
        ("is a reduced timetable a safeguarding concern", "school-exclusion"),
        ("a child was taken off the school roll and nobody knows where he is", "home-education"),
        ("disabled children placed at residential special schools", "placements"),
    ],
)
def test_the_standard_words_of_a_topic_the_audits_do_not_cover_find_its_signpost(
    kb: KnowledgeBase, question: str, signpost: str
) -> None:
    assert signposted(kb, question) == [signpost]


def test_an_injury_told_in_the_case_is_no_signpost_when_the_question_asks_a_learning_topic(kb: KnowledgeBase) -> None:
    # "Injury" alone is too common in a case told (a fall, a sports injury) to be the physical-abuse signpost.
    answer = kb.ask("a child came in with a minor injury after dad had been drinking, what did the audits find on dads")
    assert answer.found and not answer.signposts


def test_broad_plan_phrases_are_evidence_even_when_their_concept_belongs_to_an_agency(kb: KnowledgeBase) -> None:
    # "child in need plan" is social care's and names a topic (SMART planning) all the same: with "protection
    # plan" beside it, one unknown word ("formal") is weighed lightly.
    question = "did agencies work better on a formal protection plan or on a child in need plan"
    assert "unknown word, weighed lightly: the question names a learning topic" in notes_of(kb, question)
    assert "cse-f5" in [result.id for result in kb.ask(question).results[:5]]


def test_pulling_together_is_working_together(kb: KnowledgeBase) -> None:
    # "Agencies seemed to work in a more co-ordinated way whilst a child was on a CP rather than on a CiN ... Plan."
    question = "do services pull together more on a formal protection plan than on a child in need plan"
    assert kb.ask(question).results[0].id == "cse-f5"


def test_a_determiner_after_and_starts_a_noun_phrase_of_its_own(kb: KnowledgeBase) -> None:
    # "a learning disability and his parents": his parents are joined to the disability, not disabled parents.
    question = (
        "Amir, 8, has autism and a learning disability and his parents find it hard to get him to school. The"
        " family support worker helped them a lot. Did the disability audit see good work like this?"
    )
    assert "parents-with-learning-disabilities" not in [signpost.id for signpost in kb.ask(question).signposts]
    assert kb.ask(question).found
    # ... while an alternative inside a phrase is still read across it.
    assert signposted(kb, "a dad making up or causing symptoms in his son") == ["fabricated-illness"]


@pytest.mark.parametrize(
    "question",
    [
        "no matter how many times we invite them, other agencies don't come to the TAC meetings",
        "health never send anyone to the core group regardless of how often they're invited",
    ],
)
def test_a_concessive_how_many_asks_no_count(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert answer.found, question
    assert "statistics" not in [signpost.id for signpost in answer.signposts]
    # ... nor a fact: the intent read again from the corrected words blanks it too.
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None and analysis["intent"] != "fact"


def test_a_count_asked_is_still_a_count(kb: KnowledgeBase) -> None:
    assert signposted(kb, "how many times were children seen by a social worker last year") == ["statistics"]


@pytest.mark.parametrize(
    "question",
    [
        "MARAC",
        "who goes to MARAC from health",
        "DV case - marac referal, wot do I need",
        "multi-agency risk assessment conference",
    ],
)
def test_marac_is_a_process_the_audits_do_not_look_at(kb: KnowledgeBase, question: str) -> None:
    assert "marac" in signposted(kb, question)


def test_domestic_abuse_without_marac_is_still_learning(kb: KnowledgeBase) -> None:
    assert kb.ask("what did the audits find about domestic abuse and the children's voice").found


@pytest.mark.parametrize(
    "question",
    ["is there a CSE risk tool I can use", "is there a tool we could use for CSE", "any CSE screening toolkit to use"],
)
def test_a_tool_asked_for_on_a_topic_no_passage_names_a_tool_for_is_a_request(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["forms-and-contacts"]


@pytest.mark.parametrize(
    "question",
    ["is there a neglect tool I can use", "is there a checklist or tool to use when I'm worried about neglect"],
)
def test_a_tool_asked_for_on_a_topic_a_passage_names_a_tool_for_is_learning(kb: KnowledgeBase, question: str) -> None:
    assert "ey-r" not in "".join(result.id for result in kb.ask(question).results[:1])
    assert any("Neglect Toolkit" in result.text for result in kb.ask(question).results[:3]), question


@pytest.mark.parametrize(
    "question",
    [
        "a youth worker at the club has been accused of hitting a 12 year old",
        "staff who abuse the children in their care",
        "one of the professionals at the centre was alleged to have slapped a toddler",
    ],
)
def test_allegations_told_with_words_between_the_worker_and_the_deed_are_signposted(
    kb: KnowledgeBase, question: str
) -> None:
    assert signposted(kb, question) == ["allegations-against-staff"]


@pytest.mark.parametrize(
    "question",
    [
        "nursery staff told us that dad hit the baby, what did the early years audit find",
        "school staff noticed the harm to the child was getting worse at home, any learning",
    ],
)
def test_staff_telling_what_others_did_is_no_allegation(kb: KnowledgeBase, question: str) -> None:
    assert kb.ask(question).found


@pytest.mark.parametrize(
    ("question", "signpost"),
    [
        ("my patient's mum reports symptoms that no consultant can find a cause for", "fabricated-illness"),
        ("dad keeps describing seizures and symptoms nobody else sees", "fabricated-illness"),
        ("a 15 year old says she is to be married abroad in August", "forced-marriage"),
        ("her uncle is planning for her to marry next summer", "forced-marriage"),
        ("a 15 year old teenage girl in a controlling relationship at school", "teenage-relationship-abuse"),
        ("young people being hit by their boyfriend", "teenage-relationship-abuse"),
    ],
)
def test_a_topic_told_by_what_happens_finds_its_signpost(kb: KnowledgeBase, question: str, signpost: str) -> None:
    assert signposted(kb, question) == [signpost]


@pytest.mark.parametrize(
    "question",
    [
        "mum recently married her new partner; what did the audits find about new partners in the home",
        "mum's depression symptoms got worse and nobody could explain why the plan stayed the same",
        "a teenager whose mum is in an abusive relationship with her partner - what did the audits find",
    ],
)
def test_a_marriage_or_symptoms_in_a_case_are_no_signpost_on_their_own(kb: KnowledgeBase, question: str) -> None:
    assert kb.ask(question).found


@pytest.mark.parametrize(
    ("question", "signpost"),
    [
        ("what's the guidance on core group attendance", "procedures"),
        ("is there any guidance for health visitors on neglect", "procedures"),
        ("where do I find the neglect guidance", "forms-and-contacts"),
    ],
)
def test_asking_for_guidance_gets_where_guidance_is(kb: KnowledgeBase, question: str, signpost: str) -> None:
    # No passage holds guidance: the audits hold what was learned, and say where procedures are.
    assert signposted(kb, question) == [signpost]


def test_what_the_audits_advise_is_still_learning(kb: KnowledgeBase) -> None:
    assert kb.ask("what did the early years audit advise children's centres to do").found


def test_a_signposted_topic_before_but_beside_a_specific_learning_topic_is_background(kb: KnowledgeBase) -> None:
    # Before the 'but': the child's views (a learning topic) and short breaks (signposted); after it, an assessment.
    question = (
        "Autistic 9 year old. Her views are recorded by the short breaks team but the assessment by social care"
        " leaves them out. Any learning?"
    )
    answer = kb.ask(question)
    assert answer.found
    assert "disability-services" in [signpost.id for signpost in answer.signposts]
    # ... not when nothing before the 'but' is learning: the topic is then what is asked about.
    assert signposted(kb, "we asked for short breaks for him but social care said no") == ["disability-services"]


@pytest.mark.parametrize(
    "question",
    ["did the audit pick up problems with hospital records", "did the audits ever spot dads being left out"],
)
def test_the_audits_noticing_something_asks_what_they_found(kb: KnowledgeBase, question: str) -> None:
    assert "what the audits noticed: asks what they found: weighed as filler" in notes_of(kb, question)
    assert kb.ask(question).found


def test_noticing_done_by_practitioners_is_still_identification(kb: KnowledgeBase) -> None:
    assert "what the audits noticed: asks what they found: weighed as filler" not in notes_of(
        kb, "did health visitors pick up early help needs"
    )


@pytest.mark.parametrize(
    "question", ["was this picked up in the audit?", "was it flagged by the audits", "did the audit pick up on it"]
)
def test_noticing_said_of_the_audits_asks_what_they_found_in_either_voice(kb: KnowledgeBase, question: str) -> None:
    assert "what the audits noticed: asks what they found: weighed as filler" in notes_of(
        kb, f"DSLs did not know who their school nurse was. {question}"
    )


def test_agencies_named_only_in_the_case_told_do_not_make_an_agency_question(kb: KnowledgeBase) -> None:
    question = (
        "toddler (2) and baby, mum using cannabis daily and has anxiety, dad works away. nursery have flagged"
        " weight concerns. TAC running via the children's centre. should we be using any particular tool?"
    )
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None and analysis["intent"] != "agency"
    assert kb.ask("what should children's centres be doing", explain=True).analysis["intent"] == "agency"


def test_a_prioritys_number_is_no_count(kb: KnowledgeBase) -> None:
    # "Business Plan Priority 2.5" holds no count: the finding "In 2 of the 6 cases ..." answers how many.
    from knowledge.search.scoring import COUNTING_NUMBER

    assert COUNTING_NUMBER.search("busi plan prioriti 2 5 to improv") is None
    assert COUNTING_NUMBER.search("in 2 of the 6 case") is not None
    question = "in how many cases was the child's voice missing in the DV/MH/substance audit"
    assert kb.ask(question).results[0].text.startswith("In 2 of the 6 cases")


def test_a_family_member_beside_a_specific_learning_concept_is_whom_it_concerns(kb: KnowledgeBase) -> None:
    # "mum" (parents and carers, a broad concept) outweighed "face value" (professional curiosity).
    question = "workers taking what parents say at face value and not digging any deeper"
    assert "professional curiosity" in kb.ask(question).results[0].text
    assert "a family member beside a specific learning concept: whom it concerns" in notes_of(kb, question)
    # Alone, the family member is the topic; naming an audit, it is the audit.
    assert not any("whom it concerns" in note for note in notes_of(kb, "working with parents"))
    families = "how well was the child's day to day life understood in the families audit"
    assert not any("whom it concerns" in note for note in notes_of(kb, families))


def test_the_family_named_in_a_cases_scene_is_its_cast_not_its_point(kb: KnowledgeBase) -> None:
    # The scene names dad; the point is a parent agreeing to everything with nothing changing (disguised compliance),
    # not the significant males in the family.
    question = (
        "Dad has schizophrenia and mum drinks, the twins are 3. Mum says yes to every action at the core group and"
        " nothing ever changes at home. Anything in the audits?"
    )
    assert kb.ask(question).results[0].id == "fmn-f5"
    analysis = kb.ask(question, explain=True).analysis
    assert analysis is not None
    weights = {unit["unit"]: unit["weight"] for unit in analysis["units"]}
    assert weights["dad"] < weights["schizophrenia"]


@pytest.mark.parametrize(
    "question", ["which agencies were missing from the TAC meetings", "was the father's view missing from the plan"]
)
def test_missing_said_of_something_absent_is_no_child_going_missing(kb: KnowledgeBase, question: str) -> None:
    assert "missing: said of something absent, not of a child going missing: weighed as filler" in notes_of(
        kb, question
    )
    assert not kb.ask(question).results[0].id.startswith("cse-")


@pytest.mark.parametrize("question", ["girls who keep going missing", "missing episodes and CSE risk"])
def test_a_child_going_missing_is_still_read_as_such(kb: KnowledgeBase, question: str) -> None:
    assert not any("said of something absent" in note for note in notes_of(kb, question))


def test_on_time_is_to_agreed_timescales(kb: KnowledgeBase) -> None:
    # "this Plan was not reviewed to agreed timescales" (cwd-f5) answers plans not reviewed on time.
    assert kb.ask("are plans for children with disabilities reviewed on time").results[0].id == "cwd-f5"


def test_a_phrase_is_read_across_a_negated_auxiliary(kb: KnowledgeBase) -> None:
    # "concerns get passed on" is information sharing, said with "didn't" between subject and verb.
    question = "the GP's concerns didn't get passed on to the school nurse"
    assert any(
        "information-sharing" in " ".join(unit["concepts"]) for unit in kb.ask(question, explain=True).analysis["units"]
    )
    # ... while an auxiliary that asks still breaks a run: "in how many cases did workers ..." holds no "case workers".
    units = [unit["unit"] for unit in kb.ask("in how many cases did workers visit", explain=True).analysis["units"]]
    assert "cases" in units and "workers" in units


def test_a_title_word_in_another_sentence_names_no_audit(kb: KnowledgeBase) -> None:
    # "this year" ends its sentence; "the audit" opens the next: no early years audit is named.
    question = "We changed our referral forms this year. Did the audit say anything about referrals?"
    assert not any("names the audit" in note for note in notes_of(kb, question))
    assert any("names the audit" in note for note in notes_of(kb, "what did the early years audit find"))


def test_asking_about_the_askers_own_workplace_keeps_the_role_as_the_topic(kb: KnowledgeBase) -> None:
    question = (
        "Paediatric nurse in A&E. We've had a lot of new safeguarding training. What did the audits say about how"
        " our department is doing?"
    )
    assert "the asker's own role: weighed as the case told" not in notes_of(kb, question)
    # Both findings on the hospital trust lead, before the training recommendations.
    assert {result.id for result in kb.ask(question).results[:2]} == {"fmn-f8", "cse-f12"}
    # ... while a role introduced before another topic is still only who asks.
    assert "the asker's own role: weighed as the case told" in notes_of(
        kb, "I'm an A&E nurse. What did the audits find about the voice of the child?"
    )


@pytest.mark.parametrize("question", ["ICPC timescales", "core group timescales", "strategy discussion deadlines"])
def test_a_timescale_named_alone_asks_a_rule(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) in (["procedures"], ["law"])


def test_timescales_in_a_clause_are_learning(kb: KnowledgeBase) -> None:
    assert kb.ask("plans not reviewed to timescales").found


def test_a_worker_of_an_agency_named_before_is_that_agency(kb: KnowledgeBase) -> None:
    # "charity workers": the charity says which; "workers" alone must not pull in the changes of social worker.
    question = "young people confiding in charity workers more than in social care"
    assert "the worker of the agency named before it: weighed as filler" in notes_of(kb, question)
    assert kb.ask(question).results[0].id == "cse-f6"


def test_yet_another_is_one_more_not_a_contrast(kb: KnowledgeBase) -> None:
    question = "Kai, 15, at risk of CSE, has just been given yet another new social worker"
    assert not any("before the question's 'but'" in note for note in notes_of(kb, question))
    assert any("before the question's 'but'" in note for note in notes_of(kb, question.replace("yet another", "yet a")))


@pytest.mark.parametrize(
    "question",
    ["DSLs never get to sit down with a manager about their cases", "meeting with my manager to go through cases"],
)
def test_sitting_down_with_a_manager_is_supervision(kb: KnowledgeBase, question: str) -> None:
    assert "sitting down with a manager: read as supervision" in notes_of(kb, question)


def test_a_manager_signing_off_is_still_management_oversight(kb: KnowledgeBase) -> None:
    assert "sitting down with a manager: read as supervision" not in notes_of(kb, "did managers sign off the plans")


def test_a_signpost_phrase_inside_an_agencys_name_is_that_agency(kb: KnowledgeBase) -> None:
    # "prevention team" reads as the Prevent team's phrase; inside "youth offending prevention team" it is the
    # youth offending service the CSE audit names.
    question = "a 15 year old at risk of CSE started working with the youth offending prevention team - any learning?"
    assert "radicalisation" not in [signpost.id for signpost in kb.ask(question).signposts]
    assert kb.ask(question).found
    assert "radicalisation" in signposted(kb, "who is on the Prevent team")
    # ... a topic phrase holding a signpost phrase is no agency's name: elective home education stays signposted.
    assert "home-education" in signposted(kb, "is there learning on elective home education")


@pytest.mark.parametrize(
    ("question", "signpost"),
    [
        ("what happens at an initial child protection conference", "procedures"),
        ("does the CAF need to be completed before a referral to social care", "procedures"),
        ("is a 14 year old Gillick competent to agree to help", "law"),
        ("can a 16 year old consent to their own early help assessment", "law"),
    ],
)
def test_procedures_and_the_law_asked_in_other_words_get_their_signpost(
    kb: KnowledgeBase, question: str, signpost: str
) -> None:
    assert signpost in signposted(kb, question)


@pytest.mark.parametrize(
    "question",
    [
        "what happened at the core groups in the neglect cases",
        "what happens to teenagers who keep changing social worker",
    ],
)
def test_what_happened_or_happens_to_children_is_learning(kb: KnowledgeBase, question: str) -> None:
    assert kb.ask(question).found


@pytest.mark.parametrize(
    ("question", "signpost"),
    [
        ("how do we escalate a disagreement with the CP chair", "procedures"),
        ("the school won't let me attend TAC meetings in work time, is that allowed", "procedures"),
        ("how should we use the neglect toolkit with a family", "procedures"),
        ("is there a course on professional curiosity", "training-courses"),
        ("how can we get access to the health records system", "forms-and-contacts"),
        ("how much does a TAC meeting cost", "practicalities"),
    ],
)
def test_more_practical_asks_in_practitioners_words_get_their_signpost(
    kb: KnowledgeBase, question: str, signpost: str
) -> None:
    assert signposted(kb, question) == [signpost]


@pytest.mark.parametrize(
    "question", ["should children's centres get access to Protocol", "what did the audits say about escalation"]
)
def test_the_same_topics_asked_as_learning_are_answered(kb: KnowledgeBase, question: str) -> None:
    assert kb.ask(question).found


@pytest.mark.parametrize(
    "question",
    ["did changing social workers all the time harm the teenagers", "does high staff turnover harm the children"],
)
def test_what_harms_children_is_no_allegation_against_staff(kb: KnowledgeBase, question: str) -> None:
    assert "allegations-against-staff" not in [signpost.id for signpost in kb.ask(question).signposts]
    assert kb.ask(question).found


def test_an_irregular_past_form_is_read_as_its_verb(kb: KnowledgeBase) -> None:
    # "said all the right things" is "saying all the right things": disguised compliance.
    assert stem("said") == stem("saying") and stem("told") == stem("tell")
    assert kb.ask("parents who said all the right things at every visit").results[0].id == "fmn-f5"


@pytest.mark.parametrize(
    "question",
    [
        "were the recommendations from the CSE audit ever implemented",
        "is the Children's Centre access to Protocol still in place",
        "has the board done a re-audit of the disability cases",
    ],
)
def test_what_happened_since_the_audits_gets_its_signpost(kb: KnowledgeBase, question: str) -> None:
    assert signposted(kb, question) == ["since-the-audits"]


@pytest.mark.parametrize(
    "question",
    ["what are the police asked to do after the CSE audit", "plan not updated since she went missing last week"],
)
def test_after_the_audit_or_since_in_a_case_is_still_learning(kb: KnowledgeBase, question: str) -> None:
    assert kb.ask(question).found
