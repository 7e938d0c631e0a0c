"""The shell splitter: POSIX quoting, command separators, positions, expansions."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from celerylint.project.deploy.shell_words import split_simple_commands


def words_of(text: str, **options: bool) -> list[list[str]]:
    return [
        [word.text for word in command.words] for command in split_simple_commands(text, **options)
    ]


def test_quotes_are_removed_and_escapes_applied() -> None:
    assert words_of("""celery -Q 'a b' "c\\"d" e\\ f""") == [["celery", "-Q", "a b", 'c"d', "e f"]]


@pytest.mark.parametrize("separator", ["&&", "||", ";", "|", "&", "\n", "|&"])
def test_operators_separate_commands(separator: str) -> None:
    assert words_of(f"celery worker {separator} celery beat") == [
        ["celery", "worker"],
        ["celery", "beat"],
    ]


def test_line_continuation_joins_lines_without_splitting_words() -> None:
    assert words_of("celery -A proj \\\n  worker -Q a,\\\nb") == [
        ["celery", "-A", "proj", "worker", "-Q", "a,b"]
    ]


def test_crlf_continuation() -> None:
    assert words_of("celery \\\r\n worker") == [["celery", "worker"]]


def test_comments_are_skipped_but_hash_inside_a_word_is_kept() -> None:
    assert words_of("# start\ncelery worker -n a#b # trailing") == [
        ["celery", "worker", "-n", "a#b"]
    ]


def test_redirections_and_their_targets_are_not_arguments() -> None:
    assert words_of("celery worker 2>&1 >/var/log/x.log < /dev/null &> out") == [
        ["celery", "worker"]
    ]


def test_heredoc_bodies_are_skipped() -> None:
    text = "cat <<'EOF' > f\ncelery worker\nEOF\ncelery beat\n"
    assert words_of(text) == [["cat"], ["celery", "beat"]]


@pytest.mark.parametrize(
    "argument",
    ["$QUEUES", "${QUEUES}", "${QUEUES:-a b}", "$(cat queues)", "`cat q`", '"$Q"', "x$1", "$@"],
)
def test_expansions_are_marked_and_kept_verbatim(argument: str) -> None:
    (command,) = split_simple_commands(f"celery -Q {argument}")
    word = command.words[-1]
    assert word.expands
    assert "$" in word.text or "`" in word.text


@pytest.mark.parametrize("argument", ["'$QUEUES'", "\\$Q", "a$", "$'x y'"])
def test_single_quoted_and_escaped_dollars_are_literal(argument: str) -> None:
    (command,) = split_simple_commands(f"celery -Q {argument}")
    assert not command.words[-1].expands


def test_percent_signs_are_literal_in_a_shell() -> None:
    (command,) = split_simple_commands("celery -n w%%h -c %i")
    assert [(word.text, word.expands) for word in command.words[2:]] == [
        ("w%%h", False),
        ("-c", False),
        ("%i", False),
    ]


def test_percent_specifiers_are_run_time_values_for_systemd_and_supervisord() -> None:
    (command,) = split_simple_commands(
        "celery -Q %(ENV_Q)s -n w%%h -c %i --pidfile=%(here)05d", percent_specifiers=True
    )
    assert [(word.text, word.expands) for word in command.words[1:]] == [
        ("-Q", False),
        ("%(ENV_Q)s", True),
        ("-n", False),
        ("w%h", False),
        ("-c", False),
        ("%i", True),
        ("--pidfile=%(here)05d", True),
    ]


def test_word_offsets_point_into_the_source() -> None:
    text = "  FOO=1 celery\t-A 'p'"
    (command,) = split_simple_commands(text)
    assert [(word.text, text[word.offset : word.end]) for word in command.words] == [
        ("FOO=1", "FOO=1"),
        ("celery", "celery"),
        ("-A", "-A"),
        ("p", "'p'"),
    ]


@pytest.mark.parametrize("text", ["'unterminated", '"open', "$(open", "${x", "`x", "\\", "<<", ">"])
def test_unterminated_input_does_not_raise(text: str) -> None:
    split_simple_commands(f"celery {text}")


_PLAIN_WORD = (
    st.text(st.characters(codec="ascii", exclude_characters="$`%#;&|()<>\\\n\r'\""), min_size=1)
    .map(str.strip)
    .filter(bool)
)


@given(st.lists(_PLAIN_WORD, min_size=1, max_size=8))
def test_agrees_with_shlex_on_quoted_words(words: list[str]) -> None:
    text = " ".join(shlex.quote(word) for word in words)
    assert words_of(text) == [shlex.split(text)]


@given(st.text(max_size=300))
def test_never_raises_and_offsets_stay_in_bounds(text: str) -> None:
    for command in split_simple_commands(text, percent_specifiers=True):
        for word in command.words:
            assert 0 <= word.offset <= word.end <= len(text)
