"""Printed papers and keys: content present, outside text escaped."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from question_bank.exam import Exam, Student, parse_slots, read_roster
from question_bank.render import key_html, key_markdown, md_escape, paper_html, paper_markdown

EXAM = Exam("e1", "Quiz <1> & *stars*", parse_slots("conv2d_output:easy:2,receptive_field:hard"), "a long secret")
EVIL = Student("s9", "<script>alert('x')</script> **bold** [link](http://x) # not a heading")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_markdown_paper() -> None:
    qs = EXAM.questions_for(EVIL.student_id)
    text = paper_markdown(EXAM, EVIL, qs)
    assert "\\<script\\>" in text and "\\*\\*bold\\*\\*" in text and "\\[link\\]" in text and "\\# not" in text
    assert "## Question 1 (2 marks)" in text and "## Question 2 (1 mark)" in text
    assert "Quiz \\<1\\> \\& \\*stars\\*" in text
    # the receptive-field prompt keeps its numbered layers as text, not a Markdown list
    assert "  1\\. Conv2d" in text or "  1\\. MaxPool2d" in text


def test_markdown_escape_round_trip_characters() -> None:
    assert md_escape("a_b*c") == "a\\_b\\*c"
    assert md_escape("- item\n+ item") == "\\- item  \n\\+ item"


def test_html_paper_has_no_injected_tags() -> None:
    html = paper_html(EXAM, EVIL, EXAM.questions_for(EVIL.student_id))
    parser = Tags()
    parser.feed(html)
    assert "script" not in parser.tags
    assert parser.tags.count("section") == 2
    text = "".join(parser.text)
    assert "<script>alert('x')</script>" in text  # shown literally
    assert EXAM.questions_for(EVIL.student_id)[0].prompt in text


def test_keys_list_every_student_with_answers_and_solutions(roster: Path) -> None:
    students = read_roster(roster)
    md = key_markdown(EXAM, students)
    html = key_html(EXAM, students, solutions=False)
    for student in students:
        for q in EXAM.questions_for(student.student_id):
            assert q.answer in md and q.id.replace("_", "\\_") in md
            assert q.explanation() in md
            assert q.answer in html
    assert "<pre>" not in html  # no worked solutions when asked
    parser = Tags()
    parser.feed(html)
    assert "b" not in parser.tags  # Bobby's <b> is text
