"""Command line of the question bank: ``dlgrade questions``, ``dlgrade quiz``, ``dlgrade exam``.

Thin wrappers: each command parses options, calls the library and prints.
Library modules are imported inside the commands so that ``dlgrade quiz``
reaches its first question quickly (no torch, no sympy, no rich).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .quiz import QuizIO

LEVEL_NAMES = ("easy", "medium", "hard")
DIFFICULTY = click.Choice([*LEVEL_NAMES, "mixed"], case_sensitive=False)


def _level(name: str | None) -> int | None:
    return None if name in (None, "mixed") else LEVEL_NAMES.index(name.lower()) + 1


def _topic_list(values: tuple[str, ...]) -> list[str]:
    """``("conv2d_output,pool2d_output", "lstm_params")`` → validated names; ``all`` → every topic."""
    from .topics import TOPICS, get_topic

    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    if not names or "all" in names:
        return list(TOPICS)
    return list(dict.fromkeys(get_topic(n).name for n in names))


# --------------------------------------------------------------------- questions

@click.group()
def questions() -> None:
    """Generate and check randomised shape and parameter-count questions.

    A question is reproducible from its id TOPIC/SEED.

    \b
    Examples:
      dlgrade questions topics
      dlgrade questions generate conv2d_output --seed 42 --json
      dlgrade questions check conv2d_output/42 29
    """


@questions.command("topics")
@click.option("--json", "as_json", is_flag=True, help="Print the topics as a JSON list.")
def topics_command(as_json: bool) -> None:
    """List the topics with their titles and parameter names.

    \b
    Example:
      dlgrade questions topics
    """
    from .question import make_question
    from .topics import TOPICS

    rows = [{"topic": t.name, "title": t.title, "kind": t.kind, "params": sorted(make_question(t.name, 0).params)}
            for t in TOPICS.values()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['topic']:<32} {row['title']}")


@questions.command("generate")
@click.argument("topic")
@click.option("--seed", "-s", type=click.IntRange(0), required=True, help="Seed of the first question.")
@click.option("--n", "-n", "count", type=click.IntRange(1, 10000), default=None,
              help="Number of questions (seeds S, S+1, ...). With --json, --n gives a JSON list; without, one object.")
@click.option("--difficulty", "-d", type=DIFFICULTY, default="mixed", show_default=True,
              help="Keep only seeds of this difficulty (counting up from --seed).")
@click.option("--json", "as_json", is_flag=True, help="Print SPEC §4 Questions JSON (with answer and worked solution).")
@click.option("--answers", is_flag=True, help="Without --json: also print the answer and the worked solution.")
def generate(topic: str, seed: int, count: int | None, difficulty: str, as_json: bool, answers: bool) -> None:
    """Generate questions of TOPIC from --seed.

    \b
    Examples:
      dlgrade questions generate conv2d_output --seed 42 --json
      dlgrade questions generate lstm_params --seed 1 --n 5 --difficulty hard --answers
    """
    from .question import make_question, seeds_at_level

    qs = [make_question(topic, s) for s in seeds_at_level(topic, seed, count or 1, _level(difficulty))]
    if as_json:
        payload = [q.to_json() for q in qs] if count is not None else qs[0].to_json()
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    for q in qs:
        click.echo(f"[{q.id} · {q.difficulty}]\n{q.prompt}")
        if answers:
            click.echo(f"Answer: {q.answer}\n{q.explanation()}")
        click.echo("")


@questions.command("check")
@click.argument("question_id")
@click.argument("answer")
@click.option("--json", "as_json", is_flag=True, help='Print {"correct": bool, "feedback": str, ...} only.')
def check(question_id: str, answer: str, as_json: bool) -> None:
    """Judge ANSWER to question QUESTION_ID (TOPIC/SEED).

    Exit status 0 whether or not the answer is right; an unreadable answer
    is judged incorrect with a one-line reason. Quote formulas; put -- before
    a negative answer.

    \b
    Examples:
      dlgrade questions check conv2d_output/42 29
      dlgrade questions check conv_output_formula/7 "(i - 1)//2 + 1" --json
    """
    from .check import check_answer
    from .question import question_from_id

    question = question_from_id(question_id)
    verdict = check_answer(question, answer)
    if as_json:
        click.echo(json.dumps(verdict.to_json(), ensure_ascii=False))
        return
    click.echo(verdict.feedback)
    if verdict.status == "wrong":
        click.echo(f"Worked solution:\n{question.explanation()}")


# -------------------------------------------------------------------------- quiz

def _ask_topics(io: QuizIO) -> list[str]:
    from .topics import TOPICS

    names = list(TOPICS)
    io.say("Topics:")
    for n, topic in enumerate(TOPICS.values(), start=1):
        io.say(f"  {n:>2} {topic.name:<30} {topic.title}")
    while True:
        text = io.ask("Topics (numbers or names, comma-separated; Enter for all): ").strip()
        picked = [names[int(t) - 1] if t.strip().isdigit() and 0 < int(t) <= len(names) else t.strip()
                  for t in text.split(",") if t.strip()]
        unknown = [t for t in picked if t not in TOPICS and t != "all"]
        if not unknown:
            return _topic_list(tuple(picked))
        io.say(f"Unknown topic(s): {', '.join(unknown)}")


def _ask_choice(io: QuizIO, prompt: str, valid: tuple[str, ...], default: str) -> str:
    while True:
        text = io.ask(f"{prompt} [{default}]: ").strip().lower() or default
        if text in valid:
            return text
        io.say(f"Please answer one of: {', '.join(valid)}")


@click.group(invoke_without_command=True)
@click.option("--topics", "-t", multiple=True, help="Topic names, comma-separated or repeated; 'all' for every topic. "
              "Asked interactively when left out.")
@click.option("--difficulty", "-d", type=DIFFICULTY, default=None, help="easy, medium, hard or mixed (asked when left out).")
@click.option("--length", "-n", type=click.IntRange(1, 500), default=None, help="Number of questions (asked when left out).")
@click.option("--seed", type=click.IntRange(0), default=None, help="Make the session's questions reproducible.")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Where progress.sqlite3 lives [default: $DLGRADE_DATA_DIR, else your user data directory].")
@click.pass_context
def quiz(ctx: click.Context, topics: tuple[str, ...], difficulty: str | None, length: int | None,
         seed: int | None, data_dir: str | None) -> None:
    """The interactive self-quiz on shapes and parameter counts.

    Immediate feedback, the worked solution when you miss, a hint on '?' or
    'h', a summary at the end. Progress is stored locally (SQLite) and topics
    you miss come up more often (Leitner boxes). Ctrl-C or Ctrl-D ends the
    quiz early; answers given so far are saved.

    \b
    Examples:
      dlgrade quiz
      dlgrade quiz --topics conv2d_output,pool2d_output --difficulty hard --length 5
      dlgrade quiz stats
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"data_dir": data_dir}
        return
    from .progress import Progress, data_dir as resolve
    from .quiz import TerminalIO, plan, run

    io = TerminalIO()
    try:
        chosen = _topic_list(topics) if topics else _ask_topics(io)
        difficulty = difficulty or _ask_choice(io, "Difficulty: easy, medium, hard or mixed", (*LEVEL_NAMES, "mixed"), "mixed")
        if length is None:
            length = int(_ask_choice(io, "Number of questions", tuple(map(str, range(1, 101))), "10"))
    except (EOFError, KeyboardInterrupt):
        io.say("\nNo quiz started.")
        return
    with Progress(resolve(data_dir)) as store:
        summary = run(plan(chosen, store.boxes(), length, _level(difficulty), seed), io, store)
        io.say("\n" + summary.render())
        io.say(f"Progress saved in {store.path}. See it with: dlgrade quiz stats")
    if summary.stopped == "interrupted":
        ctx.exit(130)


@quiz.command("stats")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Where progress.sqlite3 lives [default: as for dlgrade quiz].")
@click.option("--weeks", type=click.IntRange(1, 52), default=4, show_default=True, help="Weekly accuracy columns.")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.pass_context
def stats(ctx: click.Context, data_dir: str | None, weeks: int, as_json: bool) -> None:
    """Show accuracy per topic over time and each topic's Leitner box.

    \b
    Examples:
      dlgrade quiz stats
      dlgrade quiz stats --weeks 8 --json
    """
    from .progress import Progress, data_dir as resolve
    from .stats import render, topic_stats

    directory = resolve(data_dir or (ctx.obj or {}).get("data_dir"))
    with Progress(directory) as store:
        rows = topic_stats(store.attempts(), store.boxes(), weeks=weeks)
        if as_json:
            click.echo(json.dumps([{**vars(r), "accuracy": r.accuracy} for r in rows], indent=2))
        else:
            render(rows, path=str(store.path))


from .exam_cli import exam  # noqa: E402  (the exam commands live in their own module)

__all__ = ["questions", "quiz", "exam"]

