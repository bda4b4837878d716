# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API text made printable, and secrets removed from server text."""

import html
import json
import re
import string
import struct
import threading
from html.entities import codepoint2name
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.hwc.res.plugins.module_utils._text import (
    MAX_DECODING_DEPTH,
    REDACTED,
    WITHHELD,
    Redactor,
    printable,
)


@pytest.mark.parametrize("text, shown", [
    (u"res-\x1b[2Jrank", u"res-\\x1b[2Jrank"),
    (u"bell\x07 cr\r lf\n tab\t", u"bell\\x07 cr\\x0d lf\\x0a tab\\x09"),
    (u"c1\x9b31m del\x7f", u"c1\\x9b31m del\\x7f"),
    (u"推荐-排序 ✓ {{ x }}", u"推荐-排序 ✓ {{ x }}"),
])
def test_control_characters_become_visible_escapes(text, shown):
    assert printable(text) == shown


@pytest.mark.parametrize("secret", ["Pw-plain-0001", u'Pw-"quoted"\\back\\slash-ü', "Pw with blanks&=+"])
def test_redactor_removes_a_secret_in_every_echoed_form(secret):
    redact = Redactor([secret, None, ""])
    echoes = [secret, json.dumps({"password": secret}), json.dumps(secret, ensure_ascii=False), repr(secret),
              quote(secret, safe=""), quote_plus(secret)]
    for echo in echoes:
        assert REDACTED in redact(echo)
        assert secret not in redact(echo) and secret[:8] not in redact(echo)
    assert redact("nothing secret here") == "nothing secret here"
    assert redact(None) is None


@pytest.mark.parametrize("secret, echo", [
    (u'Pw<&"\'>-0001', u"<p>bad password Pw&lt;&amp;&quot;&#x27;&gt;-0001</p>"),  # an HTML error page
    (u"Pw<&'-0001", u"<p>bad password Pw&lt;&amp;&#39;-0001</p>"),  # another way to escape the apostrophe
    (u"Pw<&-0001", u"<pre>Pw&lt;&amp;-0001</pre>"),
    (u"Pw/slash-0001", u'{"password": "Pw\\/slash-0001"}'),  # JSON writers that escape the slash
    (u"Pw-\u00e9t\u00e9-0001", u'{"password": "Pw-\\u00E9t\\u00E9-0001"}'),  # upper-case hex
    (u"Pw/=+-0001", u"password=Pw%2f%3d%2b-0001"),  # lower-case percent-encoding
    (u"Pw\t-0001", u"Pw\\x09-0001"),  # as printable() writes it
])
def test_redactor_removes_a_secret_in_the_forms_other_servers_write(secret, echo):
    redacted = Redactor([secret])(echo)
    assert REDACTED in redacted and "0001" not in redacted


def test_a_token_added_later_is_redacted_too():
    redact = Redactor(["Pw-0001"])
    redact.add("MIISsim-issued-token")
    assert redact("X-Auth-Token: MIISsim-issued-token; pw Pw-0001") == "X-Auth-Token: %s; pw %s" % (REDACTED, REDACTED)


# -- Secrets in other encodings: every decoded view of the text ----------------------------------------------
ODD_PASSWORD = u"Pw~(x) *-5e2a9c!'é"


def java_url_encoded(text):
    """As java.net.URLEncoder.encode(text, UTF-8) writes it: only letters, digits and .-*_ stay, a space is +."""
    return quote_plus(text, safe="*").replace("~", "%7E")


def uri_component_encoded(text):
    """As JavaScript's encodeURIComponent writes it: letters, digits and -_.!~*'() stay, a space is %20."""
    return quote(text, safe="!~*'()")


def xml_decimal(text):
    return "".join(character if character.isalnum() else "&#%d;" % ord(character) for character in text)


def xml_hex(text, template="&#x%X;"):
    return "".join(character if character.isalnum() else template % ord(character) for character in text)


def json_unicode(text):
    return "".join(
        character if character.isalnum() and character.isascii() else "\\u%04X" % ord(character)
        for character in text)


def percent_everything(text, template="%%%02X"):
    return "".join(template % byte for byte in text.encode("utf-8"))


@pytest.mark.parametrize("encode", [
    java_url_encoded,
    uri_component_encoded,
    xml_decimal,
    xml_hex,
    lambda text: xml_hex(text, "&#X%x;"),  # any case of the x and of the digits
    json_unicode,
    lambda text: percent_everything(text, "%%%02x"),
    lambda text: quote(quote(text, safe=""), safe=""),  # double: %257E
    lambda text: quote(quote(quote(text, safe=""), safe=""), safe=""),  # triple: %25257E
    lambda text: java_url_encoded(java_url_encoded(text)),  # %2B for the space's +
    lambda text: html.escape(quote(text, safe="")).replace("%", "&#37;"),  # percent-encoded, then XML-escaped
    lambda text: json.dumps(uri_component_encoded(text))[1:-1].replace("%", "\\u0025"),
], ids=["java-urlencoder", "encode-uri-component", "xml-decimal", "xml-hex", "xml-hex-other-case", "json-unicode",
        "percent-lower-case", "double-percent", "triple-percent", "double-java", "percent-then-xml",
        "uri-component-then-json"])
def test_a_password_echoed_in_any_encoding_is_cut_out_exactly(encode):
    echo = u"IAM says: password=%s&user=demo is wrong" % encode(ODD_PASSWORD)
    assert ODD_PASSWORD not in echo  # the encoding changed it, so a plain search would miss it
    redacted = Redactor([ODD_PASSWORD])(echo)
    assert redacted == u"IAM says: password=%s&user=demo is wrong" % REDACTED


@pytest.mark.parametrize("echo, shown", [
    # Only some characters encoded, and in different ways within one secret.
    (u"pw Pw%7E%28x)%20&#42;\\u002d5e2a9c%21'%C3%A9 end", u"pw %s end" % REDACTED),
    (u"pw Pw~&#x28;x&#41;+*-5e2a9c!&#39;&eacute; end", u"pw %s end" % REDACTED),
    (u"pw Pw%257E%28x)%2520*%252D5e2a9c!'\\u00e9 end", u"pw %s end" % REDACTED),
])
def test_a_password_partly_encoded_in_a_mix_of_escapes_is_cut_out(echo, shown):
    assert Redactor([ODD_PASSWORD])(echo) == shown


def test_a_token_with_its_hyphens_percent_encoded_is_cut_out_of_each_line():
    token = "Tk-6d1a9c-must-never-show"
    line = "2026-01-24 10:00:00 DEBUG GET /v1/p/infer-services X-Auth-Token: %s; result: 401"
    log = "\n".join(line % token.replace("-", "%2D") for _line in range(48))
    redacted = Redactor([token])(log)
    assert redacted == "\n".join(line % REDACTED for _line in range(48))


def test_a_secret_that_looks_encoded_is_found_in_its_own_decodings():
    secret = u"Pw%41-0001"
    redact = Redactor([secret])
    assert redact(u"pw Pw%2541-0001 end") == u"pw %s end" % REDACTED  # the % of the secret encoded
    assert redact(u"pw PwA-0001 end") == u"pw %s end" % REDACTED  # decoded as far as the text around it


def test_a_surrogate_pair_and_utf8_bytes_decode_to_one_character():
    secret = u"Pw-\U0001f600-0001"
    redact = Redactor([secret])
    assert redact(u'{"pw": "Pw-\\ud83d\\ude00-0001"}') == u'{"pw": "%s"}' % REDACTED
    assert redact(u"pw=Pw-%F0%9F%98%80-0001") == u"pw=%s" % REDACTED


def test_decoding_deeper_than_the_limit_withholds_the_text():
    echo = ODD_PASSWORD
    for _depth in range(MAX_DECODING_DEPTH):
        echo = quote(echo, safe="")
    assert Redactor([ODD_PASSWORD])(u"pw %s end" % echo) == u"pw %s end" % REDACTED
    deeper = quote(echo, safe="")
    assert Redactor([ODD_PASSWORD])(u"pw %s end" % deeper) == WITHHELD
    # Without a secret to look for, there is nothing to withhold.
    assert Redactor([])(deeper) == deeper


def test_text_with_escapes_but_no_secret_is_left_as_it_is():
    text = u"C++ is 100% fine &amp; so is \\u00e9 and %7E and &#126; and &notin; and a+b"
    assert Redactor([ODD_PASSWORD])(text) == text


def test_short_secrets_are_cut_out_everywhere_and_the_redactors_own_words_stay():
    redact = Redactor(["e"])
    redacted = redact(u"the %65 &#101; \\u0065 end")
    assert redacted == u"th{0} {0} {0} {0} {0}nd".format(REDACTED)
    # REDACTED itself holds an e: redacting again changes nothing, and the text is not withheld.
    assert redact(redacted) == redacted
    assert redact(WITHHELD) == WITHHELD


def test_a_secret_cut_from_a_view_leaves_the_rest_of_the_text_readable():
    redact = Redactor(["Pw~(x)"])
    # The escapes around the secret still decode the way they did.
    assert redact(u"a%20b Pw%7E%28x%29 &amp; c") == u"a%%20b %s &amp; c" % REDACTED


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=12) | st.text(max_size=4).map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_each_character_of_percent_decoded_bytes_is_cut_from_its_own_escapes(data):
    # Where a view's characters come from must agree with the view itself, bad UTF-8 included.
    encoded = "".join("%%%02X" % byte for byte in data)
    for character in set(unquote(encoded)):
        pieces = Redactor([character])(encoded).split(REDACTED)
        assert len(pieces) > 1 and all(character not in unquote(piece) for piece in pieces)


# The decoders a reader of the output may apply, in any order and as often as they like.
def json_unescaped(text):
    return re.sub(r'\\u[0-9a-fA-F]{4}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?|\\["\\/bfnrt]',
                  lambda match: json.loads(u'"%s"' % match.group()), text)


READER_DECODERS = (unquote, unquote_plus, html.unescape, json_unescaped)


def reader_views(text, depth=5):
    """``text`` and every text the READER_DECODERS make of it, applied up to ``depth`` times in any order."""
    seen, frontier = {text}, [text]
    for _depth in range(depth):
        frontier = [decoded for view in frontier for decoded in (decode(view) for decode in READER_DECODERS)
                    if decoded not in seen]
        seen.update(frontier)
    return seen


def character_escapes(character):
    """Every way the encoders above write one character."""
    utf8, utf16 = character.encode("utf-8"), character.encode("utf-16-be")
    escapes = ["".join("%%%02X" % byte for byte in utf8), "".join("%%%02x" % byte for byte in utf8),
               "&#%d;" % ord(character), "&#x%X;" % ord(character), "&#X%x;" % ord(character),
               "".join("\\u%04x" % unit for unit in struct.unpack(">%dH" % (len(utf16) // 2), utf16))]
    if character == " ":
        escapes.append("+")
    if ord(character) in codepoint2name:
        escapes.append("&%s;" % codepoint2name[ord(character)])
    return escapes


def encoded_character(character, depth, choose):
    """``character`` left alone or written as an escape whose own characters are encoded up to ``depth - 1``."""
    if depth == 0 or choose.random() < 0.4:
        return character
    escape = choose.choice(character_escapes(character))
    return "".join(encoded_character(part, choose.randint(0, depth - 1), choose) for part in escape)


SECRET_ALPHABET = st.sampled_from(list(string.ascii_letters + string.digits + "~()*-_.!'% &#;+/\\\"<>=?@:[]{}")
                                  + [u"é", u"ü", u"推", u"\U0001f600", u"\t"])


@settings(max_examples=300, deadline=None)
@given(st.text(SECRET_ALPHABET, min_size=1, max_size=16), st.randoms(use_true_random=False),
       st.lists(st.sampled_from([lambda text: quote(text, safe=""), html.escape, lambda text: json.dumps(text)[1:-1]]),
                max_size=2))
def test_no_decoded_view_of_the_output_shows_the_secret(secret, choose, whole_text_encodings):
    # A random subset of the secret's characters, each encoded its own way, up to two levels deep.
    text = u"IAM said: password %s is wrong" % "".join(encoded_character(character, 2, choose) for character in secret)
    for encode in whole_text_encodings:  # and the whole text encoded again, as a gateway quoting it would
        text = encode(text)
    output = Redactor([secret])(text)
    for piece in re.split("%s|%s" % (re.escape(REDACTED), re.escape(WITHHELD)), output):
        for view in reader_views(piece):
            assert secret not in view


def test_a_secret_echoed_in_other_case_is_redacted_too():
    redact = Redactor(["Demo-Passw0rd!"])
    assert redact("echo DEMO-PASSW0RD! and demo-passw0rd!") == "echo <redacted> and <redacted>"
    assert redact("form DEMO%2DPASSW0RD%21") == "form <redacted>"


def test_tokens_added_by_many_threads_at_once_are_all_redacted():
    redact = Redactor(["base-secret"])
    tokens = ["token-%03d-of-the-workers" % number for number in range(64)]
    threads = [threading.Thread(target=redact.add, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redact(" ".join(tokens)) == " ".join(["<redacted>"] * len(tokens))


def test_every_signature_is_redacted_by_its_shape():
    signature = "9cd9a6c06b05226e023a019a6aaaf8c19d0cf187c01a32f241bc3ac0732d9863"
    header = "Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=%s" % signature
    redact = Redactor()
    assert redact(header) == header.replace(signature, REDACTED)
    assert redact(json.dumps({"Authorization": header.upper()})).count(REDACTED) == 1
    # Shorter or longer hex runs are other things (request IDs, project IDs): left as they are.
    assert redact("Request ID: %s; %s" % (signature[:32], signature + "0")) == "Request ID: %s; %s" % (
        signature[:32], signature + "0")
