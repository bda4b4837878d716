# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the hwc.res collection: other collections must not import it; it may change at any time.

"""API text made safe to print: terminal control characters escaped, and secrets the server echoed removed.

A service name or an error_msg comes from a server the collection does not
control; printed as it is, an ESC sequence could rewrite the user's terminal
or hide a line of output. Every message and warning built from API text passes
it through printable(); error text from the server also through a Redactor.
"""

from __future__ import annotations

import bisect
import html
import json
import re
import threading
from html.entities import html5
from typing import Callable, Iterable, Iterator, List, NamedTuple, Optional, Set, Tuple, overload
from urllib.parse import quote, quote_plus

# C0 (tab and newline included), DEL and C1: the characters a terminal acts on instead of showing.
_CONTROL_CHARACTERS = re.compile(u"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with every control character written as an escape such as ``\\x1b``."""
    return _CONTROL_CHARACTERS.sub(lambda match: "\\x%02x" % ord(match.group()), text)


REDACTED = "<redacted>"
WITHHELD = "(the server's text is withheld: it may hold a secret in an encoded form)"

# How many times over a text is decoded at most, into how many different texts (views), and how many
# characters the decoders may read in all: a text of a megabyte gets a few views, a short one many.
MAX_DECODING_DEPTH = 8
MAX_VIEWS = 256
MAX_DECODED_CHARACTERS = 1 << 23
# A cut can change how the text beside it decodes: after this many rounds of cuts, the text is withheld.
_MAX_CUT_ROUNDS = 4


class _Withheld(Exception):
    """The text cannot be cleared of every secret: it decodes too deep or too many ways, or cuts leave one."""


# A decoded escape: its span in the text it was found in (start, end) and the characters it decodes to.
_Piece = Tuple[int, int, str]
# A run of characters of a text: (start, end).
_Span = Tuple[int, int]
# The decoders a view was made with, by their number in _DECODERS, in the order applied.
_Path = Tuple[int, ...]
# How to map a decoded text back to its source: see _decoded_layer().
_Layer = Tuple[List[int], List[Tuple[int, int, int]]]


def _utf8_sequence(data: bytes, index: int) -> Tuple[int, bool]:
    """(number of bytes, whether they are one valid character) of the UTF-8 sequence at ``data[index]``.

    An invalid sequence is as long as its longest valid beginning (at least one byte): the
    "replace" error handler, and so urllib.parse.unquote(), make one U+FFFD of it.
    """
    lead = data[index]
    if lead < 0x80:
        return 1, True
    if 0xC2 <= lead <= 0xDF:
        size, low, high = 2, 0x80, 0xBF
    elif 0xE0 <= lead <= 0xEF:
        size, (low, high) = 3, {0xE0: (0xA0, 0xBF), 0xED: (0x80, 0x9F)}.get(lead, (0x80, 0xBF))
    elif 0xF0 <= lead <= 0xF4:
        size, (low, high) = 4, {0xF0: (0x90, 0xBF), 0xF4: (0x80, 0x8F)}.get(lead, (0x80, 0xBF))
    else:
        return 1, False
    length = 1
    while length < size and index + length < len(data) and low <= data[index + length] <= high:
        length, low, high = length + 1, 0x80, 0xBF
    return length, length == size


def _percent_pieces(match: re.Match[str]) -> List[_Piece]:
    """The characters of a run of %XX bytes, as urllib.parse.unquote() decodes them: (start, end, text) each."""
    data = bytes.fromhex(match.group().replace("%", ""))
    start, index = match.start(), 0
    pieces: List[_Piece] = []
    while index < len(data):
        length, valid = _utf8_sequence(data, index)
        pieces.append((start + 3 * index, start + 3 * (index + length),
                       data[index:index + length].decode("utf-8") if valid else u"\ufffd"))
        index += length
    return pieces


def _percent_text(match: re.Match[str]) -> str:
    return bytes.fromhex(match.group().replace("%", "")).decode("utf-8", "replace")


def _reference_pieces(match: re.Match[str]) -> List[_Piece]:
    """A character reference as html.unescape() decodes it (one piece), or none when it is no reference."""
    value = match.group()
    if value[1] == "#":
        digits = value.rstrip(";")[3 if value[2] in "xX" else 2:]
        code = int(digits, 16 if value[2] in "xX" else 10) if len(digits) <= 8 else 0x110000
        # html.unescape's own answer, except for plain printable ASCII (the common case, and faster);
        # int() in html.unescape refuses very long digit strings, hence the 8 digits.
        text = chr(code) if 0x20 <= code < 0x7F else html.unescape(value) if code <= 0x10FFFF else u"\ufffd"
        return [(match.start(), match.end(), text)]
    name = value[1:]
    if name in html5:
        return [(match.start(), match.end(), html5[name])]
    for length in range(len(name) - 1, 1, -1):  # without its semicolon, the longest name it starts with
        if name[:length] in html5:
            return [(match.start(), match.start() + 1 + length, html5[name[:length]])]
    return []


def _reference_text(match: re.Match[str]) -> str:
    pieces = _reference_pieces(match)
    return pieces[0][2] + match.string[pieces[0][1]:match.end()] if pieces else match.group()


_BACKSLASHED = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _backslash_pieces(match: re.Match[str]) -> List[_Piece]:
    """A JSON or Python backslash escape, decoded (one piece); a surrogate pair is one character."""
    kind = match.lastgroup or ""  # never None: each alternative of the pattern ends in a named group
    value = match.group(kind)
    if kind == "low":  # the group that closes last names the match: here, the second half of a surrogate pair
        code = 0x10000 + ((int(match.group("high"), 16) - 0xD800) << 10) + int(value, 16) - 0xDC00
    elif kind == "escaped":
        return [(match.start(), match.end(), _BACKSLASHED.get(value, value))]
    else:
        code = int(value, 16)
    return [(match.start(), match.end(), chr(code) if code <= 0x10FFFF else u"\ufffd")]


def _backslash_text(match: re.Match[str]) -> str:
    return _backslash_pieces(match)[0][2]


class _Decoder(NamedTuple):
    """What a decoder's escapes start with, the escapes, how one decodes into pieces, and how into text alone.

    The form decoder has no escapes to find: it turns each ``+`` into a space, one character for one.
    """

    start: str
    pattern: Optional[re.Pattern[str]]
    pieces: Optional[Callable[[re.Match[str]], List[_Piece]]]
    text: Optional[Callable[[re.Match[str]], str]]


_DECODERS = (
    _Decoder("%", re.compile(r"(?:%[0-9A-Fa-f]{2})+"), _percent_pieces, _percent_text),  # a run is UTF-8 bytes
    _Decoder("&", re.compile(r"&#(?:[0-9]+|[xX][0-9A-Fa-f]+);?|&[A-Za-z][A-Za-z0-9]{0,31};?"), _reference_pieces,
             _reference_text),
    _Decoder("\\", re.compile(r"\\u(?P<high>[dD][89abAB][0-9A-Fa-f]{2})\\u(?P<low>[dD][c-fC-F][0-9A-Fa-f]{2})"
                              r"|\\u(?P<u4>[0-9A-Fa-f]{4})|\\U(?P<u8>[0-9A-Fa-f]{8})|\\x(?P<x2>[0-9A-Fa-f]{2})"
                              r"|\\(?P<escaped>[\\/\"'bfnrt])"), _backslash_pieces, _backslash_text),
    _Decoder("+", None, None, None),  # a space in a form-encoded text: one character for one, so no pieces
)


def _decoded(text: str, decoder: _Decoder) -> str:
    """``text`` with every escape of ``decoder`` decoded."""
    _start, pattern, _pieces, decode = decoder
    return text.replace("+", " ") if pattern is None or decode is None else pattern.sub(decode, text)


def _decoded_layer(text: str, decoder: _Decoder) -> Tuple[str, _Layer]:
    """``text`` decoded as _decoded() does it, and the layer that maps the result back to ``text``.

    The layer is ``(starts, pieces)``: for each decoded escape, in order, the position of its
    first character in the result and ``(start, end, length)``: its span in ``text`` and the
    length of what it decoded to. Text between escapes is unchanged.
    """
    _start, pattern, decode, _text = decoder
    if pattern is None or decode is None:
        return text.replace("+", " "), ([], [])
    decoded: List[str] = []
    starts: List[int] = []
    pieces: List[Tuple[int, int, int]] = []
    position = length = 0
    for match in pattern.finditer(text):
        for start, end, characters in decode(match):
            decoded.append(text[position:start])
            length += start - position
            starts.append(length)
            pieces.append((start, end, len(characters)))
            decoded.append(characters)
            length += len(characters)
            position = end
    decoded.append(text[position:])
    return u"".join(decoded), (starts, pieces)


def _source_position(layer: _Layer, position: int, end: bool) -> int:
    """Where character ``position`` of a layer's result comes from: its first character, or after its last."""
    starts, pieces = layer
    index = bisect.bisect_right(starts, position) - 1
    if index < 0:
        source = position
    else:
        start, stop, length = pieces[index]
        if position < starts[index] + length:
            return stop if end else start
        source = stop + position - starts[index] - length
    return source + 1 if end else source


def _source_spans(text: str, path: _Path, spans: Iterable[_Span]) -> Iterator[_Span]:
    """The spans of ``text`` that ``spans`` of its view decoded along ``path`` (decoder numbers) decode from."""
    layers: List[_Layer] = []
    for decoder in path:
        text, layer = _decoded_layer(text, _DECODERS[decoder])
        layers.append(layer)
    for start, end in spans:
        for layer in reversed(layers):
            start, end = _source_position(layer, start, False), _source_position(layer, end - 1, True)
        yield start, end


def _decodings(text: str) -> Iterator[Tuple[str, _Path]]:
    """``(view, path)`` for every text that the decoders, applied in any order, make of ``text``.

    Breadth first: the views one decoding away, then two, ... ``path`` is the decoders' numbers
    in the order applied. Raises _Withheld when a view still decodes after MAX_DECODING_DEPTH
    rounds, or when the views are more than MAX_VIEWS or need more than MAX_DECODED_CHARACTERS.
    """
    seen, work = {text}, 0
    frontier: List[Tuple[str, _Path]] = [(text, ())]
    for depth in range(MAX_DECODING_DEPTH + 1):
        following: List[Tuple[str, _Path]] = []
        for view, path in frontier:
            for number, decoder in enumerate(_DECODERS):
                if decoder.start not in view:
                    continue
                work += len(view)
                if work > MAX_DECODED_CHARACTERS:
                    raise _Withheld()
                decoded = _decoded(view, decoder)
                if decoded in seen:
                    continue
                if depth == MAX_DECODING_DEPTH or len(seen) > MAX_VIEWS:
                    raise _Withheld()
                seen.add(decoded)
                following.append((decoded, path + (number,)))
                yield following[-1]
        frontier = following


def decoded_views(text: str) -> List[str]:
    """``text`` and the texts it decodes to (see Redactor), as many as the limits allow."""
    views = [text]
    try:
        for view, _path in _decodings(text):
            views.append(view)
    except _Withheld:
        pass
    return views


# An SDK-HMAC-SHA256 signature: 64 hex digits, which every escaping leaves as they are. It authorizes its
# request for the gateway's 15 minutes, and each request has another, so it is matched by its shape: a
# SHA-256 digest redacted with it is no loss.
_SIGNATURE = re.compile("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", re.IGNORECASE)


class Redactor:
    """Removes secrets from server text before a message is built from it.

    A gateway or IAM may echo a request back in its error text: the JSON body
    with the password, the X-Auth-Token header, a form body or a URL. The
    redactor holds every configured secret and every token issued during the
    run, and cuts each out wherever it shows, replaced by REDACTED.

    *Where it looks.* In the text as it is, for the forms an echo most often
    takes: as sent, JSON-escaped (a quote or backslash in a password, a slash
    as ``\\/``), Python-repr'd, percent-encoded, HTML-escaped and escaped by
    printable(). Then in every view of the text: each text that four decoders,
    applied in any order and up to MAX_DECODING_DEPTH times, make of it.
    URL decoding (``%7E``, ``%7e``, UTF-8 bytes; as urllib.parse.unquote()),
    form decoding (``+`` is a space), HTML and XML character references
    (named, decimal, hexadecimal in either case, the semicolon optional where
    HTML allows; as html.unescape()), and JSON and Python backslash escapes
    (``\\u007E``, surrogate pairs, ``\\/``, ``\\x7e``). An encoder only
    chooses which characters it writes as escapes (Java's URLEncoder writes
    ``~`` as ``%7E`` and a space as ``+``, encodeURIComponent keeps ``~`` and
    writes a space as ``%20``; a log may encode just the hyphens of a token),
    so whatever subset of a secret's characters was encoded, and however many
    times over (``%257E``), one view shows the secret whole. A secret that
    itself looks encoded is also looked for as it decodes (a password
    ``a%41`` echoed as ``aA``). Matching ignores case, so a secret echoed in
    upper case is caught too; redacting a little too much is harmless.

    *How it cuts.* Every character of a view comes from a span of the raw
    text, so a secret found in a view is cut out exactly: the raw span it
    decodes from becomes REDACTED, and the rest of the text stays as it was.
    The pieces left are searched again, as a cut can change how the text
    beside it decodes. A text that cannot be cleared this way is replaced as
    a whole by WITHHELD, which says why: one that still decodes after
    MAX_DECODING_DEPTH rounds, one with more than MAX_VIEWS views or whose
    views would take more than MAX_DECODED_CHARACTERS of decoding (a long
    text with escapes of several kinds), or one that still shows a secret
    after a few rounds of cuts.

    *Short secrets.* Every non-empty secret is redacted, however short, as
    before: a one-character password turns much of a message into REDACTED
    markers, which is harmless next to showing it, and no real credential is
    that short (IAM passwords have 8 characters or more, secret keys 40).
    Shortness never withholds a text: a short secret is cut out of views like
    any other. REDACTED and WITHHELD are the redactor's own words, kept as
    they are: text is searched in the pieces between them, so redacting text
    twice changes nothing, and a secret that is part of them (``e``, ``act``)
    does not make them disappear.

    *Cost.* A text without ``%``, ``&``, ``\\`` or ``+`` is searched once, with
    one regular expression of literal alternatives, as before. Otherwise each
    view costs one pass of a decoder's regular expression (none has nested
    repetition) and one search; the views of a text are few unless it holds
    escapes of several kinds, and MAX_DECODED_CHARACTERS bounds the work for a
    long one: a short message takes a fraction of a millisecond, a megabyte
    at most a few seconds.

    *Signatures.* Every run of 64 hex digits is replaced too: an AK/SK
    signature (each request has its own, valid for the gateway's 15 minutes),
    which no list of secrets could hold; a SHA-256 digest redacted with it is
    no loss.
    """

    def __init__(self, secrets: Iterable[Optional[str]] = ()) -> None:
        self._forms: Set[str] = set()
        self._pattern: Optional[re.Pattern[str]] = None
        # The clients of one task share a redactor, and their workers add the tokens they are issued.
        self._lock = threading.Lock()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: Optional[str]) -> None:
        """Redact ``secret`` (and its escaped forms) from now on; empty values are ignored."""
        if not isinstance(secret, str) or not secret:
            return
        as_json = json.dumps(secret)[1:-1]
        forms = {secret, as_json, as_json.replace("/", "\\/"), json.dumps(secret, ensure_ascii=False)[1:-1],
                 repr(secret)[1:-1], quote(secret, safe=""), quote_plus(secret, safe=""),
                 html.escape(secret), html.escape(secret, quote=False), html.escape(secret).replace("&#x27;", "&#39;"),
                 printable(secret)}
        # A secret that looks encoded ("a%41") may show in a view decoded as far as the text around it.
        forms.update(decoded_views(secret))
        forms.discard("")
        with self._lock:
            if not forms <= self._forms:
                self._forms |= forms
                # Longest first, so that a secret containing another one is replaced whole.
                self._pattern = re.compile("|".join(
                    re.escape(form) for form in sorted(self._forms, key=len, reverse=True)), re.IGNORECASE)

    @overload
    def __call__(self, text: str) -> str:
        ...

    @overload
    def __call__(self, text: None) -> None:
        ...

    @overload
    def __call__(self, text: Optional[str]) -> Optional[str]:
        ...

    def __call__(self, text: Optional[str]) -> Optional[str]:
        """``text`` without any secret, or WITHHELD when that cannot be done; None stays None."""
        if text is None:
            return None
        text = u"%s" % (text,)
        if not self._pattern:
            return _SIGNATURE.sub(REDACTED, text)
        try:
            # The redactor's own words are left as they are: text already redacted may be redacted again.
            redacted = u"".join(piece if index % 2 else self._cut(piece, 0)
                                for index, piece in enumerate(_OWN_WORDS.split(text)))
        except _Withheld:
            return WITHHELD
        # Secrets first: one that holds 64 hex digits must go whole.
        return _SIGNATURE.sub(REDACTED, redacted)

    def _cut(self, text: str, rounds: int) -> str:
        spans = self._secret_spans(text)
        if not spans:
            return text
        if rounds == _MAX_CUT_ROUNDS:
            raise _Withheld()
        kept: List[str] = []
        position = 0
        for start, end in spans:
            kept.append(text[position:start])
            position = end
        kept.append(text[position:])
        return REDACTED.join(self._cut(piece, rounds + 1) if piece else piece for piece in kept)

    def _secret_spans(self, text: str) -> List[_Span]:
        """The spans of ``text`` that show a secret in any view, sorted, overlapping ones merged."""
        pattern = self._pattern
        if pattern is None:  # no secret yet
            return []
        spans = [match.span() for match in pattern.finditer(text)]
        for view, path in _decodings(text):
            found = [match.span() for match in pattern.finditer(view)]
            if found:
                spans.extend(_source_spans(text, path, found))
        merged: List[_Span] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged


_OWN_WORDS = re.compile("(%s|%s)" % (re.escape(REDACTED), re.escape(WITHHELD)))


def server_text(text: str, redactor: Redactor) -> str:
    """Server text ready for a message: secrets removed, control characters escaped."""
    return printable(redactor(text))
