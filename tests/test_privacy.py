"""Likely personal data in questions: realistic positives, and the look-alikes practitioners type every day."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from knowledge.privacy import PersonalData, detect, is_valid_nhs_number, reminder_text

NHS = PersonalData.NHS_NUMBER
DOB = PersonalData.DATE_OF_BIRTH
POSTCODE = PersonalData.POSTCODE
PHONE = PersonalData.PHONE_NUMBER
EMAIL = PersonalData.EMAIL_ADDRESS
NAME = PersonalData.NAME


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        # NHS numbers with a valid modulus-11 check digit, however they are spaced.
        ("what do the audits say about a baby with NHS number 943 476 5919?", {NHS}),
        ("NHS no 9434765919 - health visitor hasn't seen him", {NHS}),
        ("nhs 943-476-5919 missed appointments", {NHS}),
        ("Is 401 023 2137 the right child? missed health checks", {NHS}),
        # Dates of birth.
        ("DOB 03/03/2015, missed nursery, what should we do?", {DOB}),
        ("child d.o.b. 3.3.15 - neglect concerns", {DOB}),
        ("boy born 3 March 2015 not brought to appointments", {DOB}),
        ("baby was born on the 3rd of March, dad not engaging", {DOB}),
        ("she was born in March 2015 and is not in school", {DOB}),
        ("Date of birth: 12-11-2009. Police not sharing info?", {DOB}),
        ("date of birth 2015-03-03, voice of the child?", {DOB}),
        ("core group on 12/05/2017 - who should attend?", {DOB}),
        # Postcodes.
        ("family moved to RM7 0AG, transfer in?", {POSTCODE}),
        ("lives at e1 6an, who is the health visitor", {POSTCODE}),
        ("new address IG11 7QJ — what about information sharing?", {POSTCODE}),
        ("address is SW1A 1AA", {POSTCODE}),
        ("postcode RM70AG", {POSTCODE}),
        # Phone numbers.
        ("mum's mobile is 07700 900123, should I share it with school?", {PHONE}),
        ("call dad on 07700900123", {PHONE}),
        ("her number is +44 7700 900123", {PHONE}),
        ("landline (020) 7946 0958 not answering", {PHONE}),
        ("ring 01708 123456 about the child protection plan", {PHONE}),
        ("+44 (0)20 7946 0958 is the grandparents' number", {PHONE}),
        ("0044 7700 900 123 rang the MASH", {PHONE}),
        # Email addresses.
        ("mum emailed from jane.smith+kids@example.co.uk, share with CSC?", {EMAIL}),
        ("I got a referral from <mailto:j.bloggs@nhs.net|j.bloggs@nhs.net>", {EMAIL}),
        # Names.
        ("what should I do about a child called Ellie who keeps missing school?", {NAME}),
        ("a boy named Jayden says his stepdad hits him", {NAME}),
        ("her name is Amira and she's 14, CSE concerns", {NAME}),
        ("her name is amira, she's 14", {NAME}),
        ("my client Jane Smith won't engage, disguised compliance?", {NAME}),
        ("our pupil Ellie-Mae has bruises", {NAME}),
        ("Mrs Okafor says the baby sleeps in a car seat", {NAME}),
        ("Child called Leo, 4, in temporary accommodation", {NAME}),
        ("mum has a new partner named Dave, what about significant males?", {NAME}),
        # Several at once: every kind is reported, once.
        (
            "Ellie Smith, DOB 01/02/2016, 12 High St RM7 0AG, mum 07700 900123, a girl called Ellie",
            {DOB, POSTCODE, PHONE, NAME},
        ),
    ],
)
def test_personal_data_is_detected(question: str, kinds: set[PersonalData]) -> None:
    assert detect(question) == kinds


@pytest.mark.parametrize(
    "question",
    [
        # The report's own figures and vocabulary.
        "What did the 2016-17 audits find?",
        "In 4 of 6 cases the plan was not SMART",
        "What is Priority 2.5 about?",
        "What did the July 2016 audit find about CSE?",
        "How do we hear the voice of children under 5?",
        "what happened in case 3",
        "2191 open cases were sampled",
        "19.9% of referrals came from police",
        "what goes in a CP plan?",
        "when does a Section 47 enquiry start?",
        "S47 1st meeting - who attends?",
        "a 14 year old going missing, CSE risk?",
        "What did the audit completed in September 2016 say?",
        "Early Years audit 2016/17 findings",
        "Key findings and learning from multi-agency audits 2016 - 2017",
        "what about 2016, 2017 and 2018?",
        "how many of the 10 cases had a CAF?",
        "Is 1234567890 an NHS number? No: its check digit is wrong",
        # Helplines and organisations' numbers are not people's.
        "should the child ring Childline on 0800 1111?",
        "the council's number 0300 123 4567",
        # Cues without a value, and names that are not names.
        "what should we record about a child's DOB?",
        "a baby born prematurely, what do the audits say?",
        "babies born to mothers who misuse substances",
        "a child called names at school: bullying or safeguarding?",
        "mum called Police after the incident, what next?",
        "the referral named the school as the lead agency",
        "what if the child's name is not recorded on the referral?",
        "the lead professional named in the plan left",
        "our family Support Worker did a home visit",
        "a child called Child A in the audit",
        "Should a professional be named?",
        "MS in a parent, how does it affect the children?",
        "How should GPs share information with the MASH?",
        "What do the audits say about NELFT and BHRUT?",
        "Dad's new partner: what do the audits say about significant males?",
        "",
        "   ",
    ],
)
def test_look_alikes_are_not_personal_data(question: str) -> None:
    assert detect(question) == frozenset()


def test_nhs_check_digit() -> None:
    assert is_valid_nhs_number("9434765919")
    assert is_valid_nhs_number("4010232137")
    assert not is_valid_nhs_number("9434765918")  # one digit off
    assert not is_valid_nhs_number("1234567890")  # check digit would be 10: never valid
    assert not is_valid_nhs_number("943476591")
    assert not is_valid_nhs_number("94347659x9")
    assert not detect("NHS number 943 476 5918")


def test_detection_reports_kinds_never_text() -> None:
    question = "a girl called Amira, 07700 900123, amira@example.com"
    found = detect(question)
    assert found == {NAME, PHONE, EMAIL}
    for kind in found:
        assert kind.value in {k.value for k in PersonalData}
        assert "Amira" not in kind.value and "07700" not in kind.label


def test_reminder_names_the_kinds_but_never_the_details() -> None:
    question = "a girl called Amira, 07700 900123"
    text = reminder_text(detect(question))
    assert "a phone number and a name" in text
    assert "Amira" not in text and "07700" not in text
    assert "don't share details" in text
    assert "a name" in reminder_text({NAME}) and " and " not in reminder_text({NAME}).split("include")[1][:15]
    assert "details that could identify someone" in reminder_text(set())


@pytest.mark.parametrize(
    "text",
    [
        "1" * 40_000,
        "0 " * 20_000,
        "a.b" * 15_000,
        "a@" * 20_000,
        "x@" + "a." * 20_000,
        "1/1/" * 10_000,
        "+44 " * 10_000,
    ],
)
def test_pathological_input_is_handled_in_linear_time(text: str) -> None:
    """Slack allows 40,000 characters in a message; no pattern may backtrack quadratically over them.

    A CPU-time budget relative to an ordinary question of the same length (this thread's CPU time, so neither
    the machine's speed nor its load matters): linear patterns cost about the same (measured: at most 2x),
    quadratic backtracking over 40,000 characters costs hundreds of times more.
    """
    assert cpu_cost(detect, text) < BUDGET * cpu_cost(detect, ORDINARY)


def test_long_input_is_handled_in_linear_time() -> None:
    text = ("case 3 of 10, 2016-17, Priority 2.5, Mr Mr name is name " * 800) + "a boy named Jayden"
    assert detect(text) == {NAME}
    assert detect(text.replace("a boy named Jayden", "")) == frozenset()
    assert cpu_cost(detect, text) < BUDGET * cpu_cost(detect, ORDINARY)


# An ordinary question at Slack's 40,000-character limit, and how much more a hostile text may cost than it.
QUESTION = "how do we hear the voice of pre-verbal children when mum says the health visitor never came? "
ORDINARY = (QUESTION * 500)[:40_000]
BUDGET = 10


def cpu_cost(check: Callable[[str], object], text: str) -> float:
    """The least CPU time (of this thread) `check(text)` took in three runs."""
    costs = []
    for _ in range(3):
        started = time.thread_time()
        check(text)
        costs.append(time.thread_time() - started)
    return min(costs)


def test_the_report_and_the_knowledge_data_hold_no_false_alarms(seed_text: str) -> None:
    """Every line of the board's (anonymised) report and of our data files is practice text, not personal data."""
    from knowledge.loading import bundled_data_dir

    lines = seed_text.splitlines()
    for path in sorted(bundled_data_dir().rglob("*.yaml")):
        lines += path.read_text(encoding="utf-8").splitlines()
    flagged = [(sorted(detect(line)), line[:80]) for line in lines if detect(line)]
    assert flagged == []
    assert len(lines) > 500
