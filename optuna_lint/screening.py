"""Checks made before parsing, for files that LibCST cannot handle safely.

LibCST's native parser takes the whole process down (a crash no `try` can catch) on a couple of
thousand nested brackets or an expression chain of several thousand terms, and its Python
visitors exceed the recursion limit on a few hundred. Real code stays far below the limits
chosen here, which sit well under the first failures measured with LibCST 1.9 (a 500-term `+`
chain and 300 nested lists fail in the visitor), so only generated or hostile files are turned
away. The tokenizer is enough to measure both without building a tree.
"""

from __future__ import annotations

import io
import tokenize

MAX_BRACKET_DEPTH = 100
MAX_OPERATOR_CHAIN = 200

_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")
# Operators that chain operands into one ever deeper expression tree.
_CHAINING_OPERATORS = frozenset(
    {"+", "-", "*", "/", "//", "%", "@", "**", "<<", ">>", "&", "|", "^", "and", "or", "."}
    | {"<", ">", "==", ">=", "<=", "!=", "in", "is", "not"}
)
# Tokens that end an expression: after one of these, a new chain starts.
_SEPARATORS = frozenset({",", ";", ":", "=", "lambda", "if", "else", "for", "return", "yield"})


def screen_source(text: str) -> str | None:
    """Why the text must not be parsed, or None when it is safe to parse."""
    depth = 0
    # chain_lengths[d] counts the chaining operators seen at bracket depth d since the last
    # separator at that depth.
    chain_lengths = [0]
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            string = token.string
            if token.type == tokenize.OP and string in _OPENING:
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    return f"brackets nested deeper than {MAX_BRACKET_DEPTH} levels"
                chain_lengths.append(0)
            elif token.type == tokenize.OP and string in _CLOSING:
                if depth > 0:
                    depth -= 1
                    chain_lengths.pop()
            elif token.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or string in _SEPARATORS:
                chain_lengths[-1] = 0
            elif string in _CHAINING_OPERATORS:
                chain_lengths[-1] += 1
                if chain_lengths[-1] > MAX_OPERATOR_CHAIN:
                    return f"an expression chains more than {MAX_OPERATOR_CHAIN} operators"
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Not well-formed: the parser reports the syntax error itself, and bracket depth and
        # chains up to this point were within the limits.
        return None
    return None
