"""Printable exam papers and answer keys, as Markdown and as HTML.

Everything that comes from outside (student names, ids, titles) and every
prompt is escaped for the target format: Markdown special characters are
backslash-escaped, HTML goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from .exam import Exam, Student
from .question import Question

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~&])")
_INSTRUCTIONS = ("Answer every question in the box. Give a whole number unless the question asks for a "
                 "decimal, a shape (C, H, W) or a formula.")

_CSS = """body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;line-height:1.45}
.q{margin:1.5rem 0;page-break-inside:avoid}.prompt{white-space:pre-wrap}
.box{border:1px solid #444;height:2.5rem;margin-top:.5rem}
pre{background:#f6f6f6;padding:.5rem;white-space:pre-wrap}
.student{page-break-after:always}table{border-collapse:collapse}td,th{border:1px solid #aaa;padding:.2rem .5rem}"""


def md_escape(text: str) -> str:
    """Backslash-escape Markdown's special characters; keep line breaks as hard breaks."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    escaped = re.sub(r"^(\s*)(\d+)\.", r"\1\2\\.", escaped, flags=re.M)  # no accidental lists
    escaped = re.sub(r"^(\s*)([-+])", r"\1\\\2", escaped, flags=re.M)
    return escaped.replace("\n", "  \n")


def _marks(points: float) -> str:
    return f"{points:g} mark{'' if points == 1 else 's'}"


def paper_markdown(exam: Exam, student: Student, questions: Sequence[Question]) -> str:
    """One student's paper in Markdown."""
    out = [f"# {md_escape(exam.title)}", "",
           f"**Student:** {md_escape(student.name)} ({md_escape(student.student_id)})", "", _INSTRUCTIONS, ""]
    for j, (slot, q) in enumerate(zip(exam.slots, questions), start=1):
        out += [f"## Question {j} ({_marks(slot.points)})", "", md_escape(q.prompt), "", "**Answer:** ____________________", ""]
    return "\n".join(out)


def _html_page(title: str, body: list[str]) -> str:
    return "\n".join(["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
                      f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>", *body, "</body></html>", ""])


def paper_html(exam: Exam, student: Student, questions: Sequence[Question]) -> str:
    """One student's paper as a standalone HTML page."""
    body = [f"<h1>{html.escape(exam.title)}</h1>",
            f"<p><strong>Student:</strong> {html.escape(student.name)} ({html.escape(student.student_id)})</p>",
            f"<p>{html.escape(_INSTRUCTIONS)}</p>"]
    for j, (slot, q) in enumerate(zip(exam.slots, questions), start=1):
        body += [f'<section class="q"><h2>Question {j} ({_marks(slot.points)})</h2>',
                 f'<div class="prompt">{html.escape(q.prompt)}</div><div class="box"></div></section>']
    return _html_page(f"{exam.title} — {student.name}", body)


def key_markdown(exam: Exam, roster: Sequence[Student], *, solutions: bool = True) -> str:
    """The answer key for every student, with worked solutions unless ``solutions=False``."""
    out = [f"# Answer key: {md_escape(exam.title)}", ""]
    for student in roster:
        out += [f"## {md_escape(student.name)} ({md_escape(student.student_id)})", "",
                "| question | answer | marks | id |", "| --- | --- | --- | --- |"]
        qs = exam.questions_for(student.student_id)
        for j, (slot, q) in enumerate(zip(exam.slots, qs), start=1):
            out.append(f"| {j} | {md_escape(q.answer)} | {slot.points:g} | {md_escape(q.id)} |")
        out.append("")
        if solutions:
            for j, q in enumerate(qs, start=1):
                out += [f"**Question {j}.**", "", "~~~text", q.explanation(), "~~~", ""]
    return "\n".join(out)


def key_html(exam: Exam, roster: Sequence[Student], *, solutions: bool = True) -> str:
    """The answer key as one HTML page (a page break after each student)."""
    body = [f"<h1>Answer key: {html.escape(exam.title)}</h1>"]
    for student in roster:
        qs = exam.questions_for(student.student_id)
        body += [f'<section class="student"><h2>{html.escape(student.name)} ({html.escape(student.student_id)})</h2>',
                 "<table><tr><th>question</th><th>answer</th><th>marks</th><th>id</th></tr>"]
        for j, (slot, q) in enumerate(zip(exam.slots, qs), start=1):
            body.append(f"<tr><td>{j}</td><td>{html.escape(q.answer)}</td><td>{slot.points:g}</td>"
                        f"<td>{html.escape(q.id)}</td></tr>")
        body.append("</table>")
        if solutions:
            for j, q in enumerate(qs, start=1):
                body.append(f"<h3>Question {j}</h3><pre>{html.escape(q.explanation())}</pre>")
        body.append("</section>")
    return _html_page(f"Answer key: {exam.title}", body)
