"""Plain single-quoted strings are written in double quotes before formatting, and nothing else moves.

`orgen.quotes` rewrites strings with a regular expression instead of Python's tokenizer, for speed;
these tests give it every kind of token a quote can start and check that the code still means the
same and that black writes the same output for it.
"""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st
from orgen import format as formatting
from orgen.quotes import double_quoted

_TEXT = st.text(alphabet="ab #'\"\\\n{}é", max_size=12)
_LITERALS = st.one_of(
    _TEXT.map(repr),  # what `repr` writes: either quote, escapes
    _TEXT.map(lambda text: "f" + repr(text.replace("{", "{{").replace("}", "}}"))),
    _TEXT.map(lambda text: "r" + repr(text.replace("\\", "").replace("\n", ""))),
    _TEXT.map(lambda text: repr(text.encode("ascii", "ignore"))),
    _TEXT.map(lambda text: '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'),
    _TEXT.map(lambda text: "'''" + text.replace("\\", "\\\\").replace("'", "\\'") + "'''"),
    st.sampled_from(["'plain'", "'#'", "''", "'a' 'b'", "x['key']"]),
)


@settings(max_examples=500, deadline=None)
@given(literals=st.lists(_LITERALS, min_size=1, max_size=6), comment=_TEXT)
def test_code_means_the_same_with_plain_strings_in_double_quotes(literals: list[str], comment: str) -> None:
    x = "x = {}\n"  # noqa: F841  (the subscript sample reads it)
    source = x + "".join(f"value_{index} = [{literal}]  # {comment.splitlines()[0] if comment.strip() else ''}\n" for index, literal in enumerate(literals))
    before = ast.dump(ast.parse(source))  # every sample is valid Python
    rewritten = double_quoted(source)
    assert ast.dump(ast.parse(rewritten)) == before
    assert formatting._black(rewritten) == formatting._black(source)


def test_only_plain_strings_change() -> None:
    source = "a = 'plain'\nb = b'bytes'\nc = 'it\\'s'\nd = 'say \"hi\"'\ne = '''doc 'x' '''\n# it's 'quoted'\nf = \"'\"\n"
    assert double_quoted(source) == source.replace("'plain'", '"plain"')
