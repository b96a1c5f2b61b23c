"""The request signature: HMAC-SHA256 over "<t>.<body>", checked in constant
time, refused when stale."""

import hashlib
import hmac

import pytest

from webhooks.signing import sign, signature_header, verify

SECRET = "a3f1c0de" * 8
BODY = b'{"id":"0b8c","type":"milestone.claimed","data":{"object_id":42}}'
NOW = 1_760_000_000


def test_the_header_carries_the_time_and_the_hmac_of_time_dot_body():
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()

    assert sign(SECRET, NOW, BODY) == f"t={NOW},v1={expected}"


def test_a_valid_signature_verifies():
    header = sign(SECRET, NOW, BODY)

    assert verify(SECRET, header, BODY, now=NOW + 10)


def test_a_tampered_body_does_not_verify():
    header = sign(SECRET, NOW, BODY)

    assert not verify(SECRET, header, BODY.replace(b"42", b"43"), now=NOW)


def test_another_secret_does_not_verify():
    header = sign(SECRET, NOW, BODY)

    assert not verify("not-the-secret", header, BODY, now=NOW)


@pytest.mark.parametrize("age", [301, -301, 86_400])
def test_a_stale_or_future_timestamp_is_refused(age):
    """A captured request cannot be replayed once it is older than the
    tolerance (five minutes by default)."""
    header = sign(SECRET, NOW, BODY)

    assert not verify(SECRET, header, BODY, now=NOW + age)


def test_a_changed_timestamp_does_not_verify():
    """The timestamp is signed: moving it forward to pass the age check
    breaks the signature."""
    header = sign(SECRET, NOW - 3600, BODY).replace(f"t={NOW - 3600}", f"t={NOW}")

    assert not verify(SECRET, header, BODY, now=NOW)


@pytest.mark.parametrize(
    "header", ["", "garbage", f"t={NOW}", "v1=abc", f"t=soon,v1={'0' * 64}", f"t={NOW},v1="]
)
def test_a_malformed_header_does_not_verify(header):
    assert not verify(SECRET, header, BODY, now=NOW)


def test_during_a_secret_rotation_either_secret_verifies():
    header = signature_header(["new-secret", "old-secret"], NOW, BODY)

    assert verify("new-secret", header, BODY, now=NOW)
    assert verify("old-secret", header, BODY, now=NOW)
    assert not verify("third-secret", header, BODY, now=NOW)


def test_a_text_body_verifies_like_its_utf8_bytes():
    body = '{"name":"抗体"}'

    assert verify(SECRET, sign(SECRET, NOW, body.encode()), body, now=NOW)


def test_the_verification_snippet_in_the_docs_accepts_biobridge_signatures():
    """docs/webhooks.md shows receivers how to verify; the snippet must
    agree with what BioBridge sends."""
    import re
    import time
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    [snippet] = re.findall(r"```python\n(.*?)```", docs, flags=re.DOTALL)
    namespace = {}
    exec(snippet, namespace)
    check = namespace["biobridge_signature_ok"]
    now = int(time.time())

    assert check(SECRET, sign(SECRET, now, BODY), BODY)
    assert check(SECRET, signature_header(["rotated", SECRET], now, BODY), BODY)
    assert not check(SECRET, sign(SECRET, now, BODY), BODY + b" ")
    assert not check(SECRET, sign(SECRET, now - 600, BODY), BODY)
    assert not check("other", sign(SECRET, now, BODY), BODY)
