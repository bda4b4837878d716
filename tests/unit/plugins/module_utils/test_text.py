# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API text made printable, and secrets removed from server text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.hwc.res.plugins.module_utils._text import REDACTED, Redactor, printable


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


def test_every_signature_is_redacted_by_its_shape():
    signature = "9cd9a6c06b05226e023a019a6aaaf8c19d0cf187c01a32f241bc3ac0732d9863"
    header = "Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=%s" % signature
    redact = Redactor()
    assert redact(header) == header.replace(signature, REDACTED)
    assert redact(json.dumps({"Authorization": header.upper()})).count(REDACTED) == 1
    # Shorter or longer hex runs are other things (request IDs, project IDs): left as they are.
    assert redact("Request ID: %s; %s" % (signature[:32], signature + "0")) == "Request ID: %s; %s" % (
        signature[:32], signature + "0")
