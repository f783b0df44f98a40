"""Values, calls, code, docstrings and model fields orgen writes are laid out as black lays them out.

`orgen.layout` (and `escape.docstring` with an indent) write text on the lines black would give it,
so that black finds it formatted and reads it once. Whatever they write, black runs on it; what
must hold is that black's output is the same as for the text on one line: a comma after the last
item is "magic" to black, so a split black would not make would stay.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from orgen import format as formatting
from orgen.escape import flat as _flat
from orgen.layout import laid_out, laid_out_call, laid_out_class_header, laid_out_parameter, laid_out_string_assignment

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet="ab c'\"\\é中", max_size=40),
    st.sampled_from(["x" * 60, "y" * 95, "z" * 120]),  # around the line length
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.text(alphabet="abcdefghij_", min_size=1, max_size=30), inner, max_size=5),
    ),
    max_leaves=25,
)


def _black_on_one_line(source: str) -> str:
    formatted = formatting._black(source)
    assert formatted is not None, source
    return formatted


@settings(max_examples=300, deadline=None)
@given(value=_VALUES, indent=st.sampled_from([0, 4, 8]))
def test_a_value_laid_out_reads_as_black_writes_it_on_one_line(value: Any, indent: int) -> None:
    head = "NAME_OF_SOME_LENGTH: dict[str, Any] = " if indent == 0 else "answer = "
    wrap = (lambda body: body) if indent == 0 else (lambda body: "def f():\n" + " " * indent + body + "\n")
    if indent == 8:
        wrap = lambda body: "def f():\n    if x:\n" + " " * indent + body + "\n"  # noqa: E731
    laid = wrap(laid_out(value, head, indent)) + ("\n" if indent == 0 else "")
    flat = wrap(head + _flat(value)) + ("\n" if indent == 0 else "")
    expected = _black_on_one_line(flat)
    assert _black_on_one_line(laid) == expected


@settings(max_examples=300, deadline=None)
@given(
    arguments=st.dictionaries(st.text(alphabet="abcdefgh_", min_size=1, max_size=20), _VALUES, max_size=5),
    head=st.sampled_from(["result = api.resource.call", "result = await api.things.create_a_thing", "with api.stream"]),
)
def test_a_call_laid_out_reads_as_black_writes_it_on_one_line(arguments: dict[str, Any], head: str) -> None:
    arguments = {f"arg_{name}": value for name, value in arguments.items()}  # never a keyword
    tail, body = (":", "        pass\n") if head.startswith("with") else ("", "")
    flat_call = head + "(" + ", ".join(f"{name}={_flat(value)}" for name, value in arguments.items()) + ")" + tail
    laid = f"async def f():\n    {laid_out_call(head, arguments, 4, tail)}\n{body}"
    flat = f"async def f():\n    {flat_call}\n{body}"
    assert _black_on_one_line(laid) == _black_on_one_line(flat)


def test_what_black_would_not_split_stays_on_one_line_and_the_rest_is_black_already() -> None:
    request = {"method": "POST", "path": "/chat", "json": {"messages": [{"role": "user", "content": "x" * 70}], "n": 1}}
    text = laid_out(request, "SEND_REQUEST: dict[str, Any] = ") + "\n"
    assert text == _black_on_one_line(text)  # black's own layout: one pass of black is enough
    assert text.count("\n") > 1
    assert laid_out({"short": 1}, "X = ") == 'X = {"short": 1}'
    # A call whose arguments fit on a line of their own keeps them there, with no comma after.
    call = laid_out_call("result = api.workspaces.update", {"id": "production", "name": "Updated Workspace", "slug": "updated-workspace-name"}, 4)
    assert call.split("\n")[1] == '        id="production", name="Updated Workspace", slug="updated-workspace-name"'
    # Text black measures its own way (wide characters) is left on one line for black.
    assert "\n" not in laid_out({"text": "中" * 80}, "X = ")


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.one_of(st.text(alphabet="ab ,.'\"\\\t", max_size=110), st.sampled_from(["", "Args:", "    name: what it is" + " x" * 45])), min_size=1, max_size=5)
)
def test_a_docstring_indented_as_black_writes_it_reads_the_same_to_black(text: list[str]) -> None:
    def method(body: str) -> str:
        return f'class C:\n    def f(self) -> None:\n        """{body}"""\n        return None\n'

    from orgen.escape import docstring

    given_at_column_0 = _black_on_one_line(method(docstring("\n".join(text))))
    indented = method(docstring("\n".join(text), 8))
    assert _black_on_one_line(indented) == given_at_column_0


_NAMES = st.sampled_from(["x", "messages", "cache_control", "_models.UnauthorizedResponse", "a_rather_long_parameter_name"])
_EXPRESSIONS = st.recursive(
    st.one_of(_NAMES, _SCALARS.map(_flat)),
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(["to_wire", "strip_not_given", "format_path", "header_values"]), st.lists(inner, min_size=1, max_size=3)).map(
            lambda call: f"{call[0]}({', '.join(call[1])})"
        ),
        st.lists(st.tuples(st.text(alphabet="abcdefgh_", min_size=1, max_size=25).map(_flat), inner), max_size=5).map(
            lambda items: "{" + ", ".join(f"{key}: {value}" for key, value in items) + "}"
        ),
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(expression=_EXPRESSIONS, head=st.sampled_from(["json_body=", "errors=", ""]))
def test_code_laid_out_reads_as_black_writes_it_on_one_line(expression: str, head: str) -> None:
    def method(argument: str) -> str:
        return f"class C:\n    def f(self) -> None:\n        options = RequestOptions(\n            method=\"post\",\n            {argument}\n        )\n"

    from orgen.layout import laid_out_code

    laid = method(laid_out_code(expression, 12, head, ","))
    assert _black_on_one_line(laid) == _black_on_one_line(method(head + expression + ","))


_ANNOTATIONS = st.sampled_from(["str", "str | None", "list[str] | None", "Literal[\"a\", \"b\"] | None", "AnthropicBashCodeExecutionToolResultError | AnthropicBashCodeExecutionResult"])


@settings(max_examples=300, deadline=None)
@given(
    annotation=_ANNOTATIONS,
    arguments=st.lists(st.tuples(st.sampled_from(["default", "examples", "description", "max_length", "pattern", "alias"]), _EXPRESSIONS), max_size=4),
    positional=st.booleans(),
)
def test_a_model_field_laid_out_reads_as_black_writes_it_on_one_line(annotation: str, arguments: list[tuple[str, str]], positional: bool) -> None:
    from orgen.layout import laid_out_fields

    keywords = dict(arguments)  # a keyword once
    call = "Field(" + ", ".join([*(["..."] if positional else []), *(f"{key}={value}" for key, value in keywords.items())]) + ")"
    source = f"class Model(BaseModel):\n    a_field_name: {annotation} = {call}\n    other: int = 1\n"
    assert _black_on_one_line(laid_out_fields(source)) == _black_on_one_line(source)


@settings(max_examples=300, deadline=None)
@given(
    target=st.sampled_from(["X.__doc__", "AdditionalToolsItemParam.__doc__", "a"]),
    text=st.text(alphabet="abc xyz.,'()-:", min_size=0, max_size=140),
    quotes=st.sampled_from(['"""', '"']),
)
def test_a_string_assignment_laid_out_is_what_black_writes_for_it_on_one_line(target: str, text: str, quotes: str) -> None:
    line = f"{target} = {quotes}{text.strip()}{quotes}"
    laid = laid_out_string_assignment(line)
    assert _black_on_one_line(line + "\n") == laid + "\n"


_MEMBERS = st.sampled_from(
    ["None", "str", "NotGiven", "_params.QueryAnalyticsBodyClassifierDimensionsParam", "dict[str, object]", "Literal[\"a\", \"b\"]",
     "_models.ChatCompletionsRequestResponseFormatJsonSchemaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "Sequence[_params.MessageParam | None]",
     'Literal["ai21", "aion-labs", "akashml", "alibaba", "amazon-bedrock", "amazon-nova", "ambient", "anthropic", "arcee-ai"]']
)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["x", "classifier_dimensions", "a_rather_long_parameter_name_for_a_field"]),
    members=st.lists(_MEMBERS, min_size=1, max_size=5, unique=True),
    default=st.sampled_from(["", "NOT_GIVEN", "None"]),
)
def test_a_parameter_laid_out_reads_as_black_writes_it_on_one_line(name: str, members: list[str], default: str) -> None:
    def signature(parameter: str) -> str:
        return f"class _:\n    def f(\n        self,\n        *,\n        {parameter}\n    ) -> None: ...\n"

    one_line = f"{name}: {' | '.join(members)}{f' = {default}' if default else ''},"
    laid = laid_out_parameter(name, members, default)
    assert _black_on_one_line(signature(laid)) == _black_on_one_line(signature(one_line))
    if laid != one_line:  # what it splits is black's own text
        assert _black_on_one_line(signature(laid)) == signature(laid)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["A", "BashServerToolEnvironment", "MessagesContentBlockDeltaEventDeltaCitationsDeltaXXXXXXXXXXXXXXXXXX"]),
    bases=st.lists(_MEMBERS, min_size=1, max_size=2),
    root=st.booleans(),
)
def test_a_class_header_laid_out_reads_as_black_writes_it_on_one_line(name: str, bases: list[str], root: bool) -> None:
    base = f"RootModel[{' | '.join(bases)}]" if root else ", ".join(bases)
    line = f"class {name}({base}):"
    laid = laid_out_class_header(line)
    body = '\n    """Doc."""\n\n    x: int\n'
    assert _black_on_one_line(laid + body) == _black_on_one_line(line + body)
    if laid != line:
        assert _black_on_one_line(laid + body) == laid + body
