"""The command-line contract of `sessionctl token` and `keys generate`: exit codes, messages, bad input."""
import json
import time

import pytest

PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")


def fresh_claims(**extra):
    now = int(time.time())
    return {"sub": "alice", "iat": now, "exp": now + 300, **extra}


@pytest.fixture
def es256(sessionctl, write_json):
    jwk = json.loads(sessionctl("keys", "generate", "--alg", "ES256", "--kid", "k1").out)
    return jwk, write_json(jwk)


def sign(sessionctl, path, claims, *extra):
    result = sessionctl("token", "sign", "--jwk", path, *extra, json.dumps(claims))
    assert result.code == 0, result
    return result.out.strip()


def test_verify_accepts_and_prints_payload(sessionctl, es256):
    token = sign(sessionctl, es256[1], fresh_claims())
    result = sessionctl("token", "verify", "--jwk", es256[1], "--json", token)
    assert result.code == 0 and json.loads(result.out)["sub"] == "alice"
    human = sessionctl("token", "verify", "--jwk", es256[1], token)
    assert human.code == 0 and human.out.startswith("valid: ES256 signature by key k1")


def test_rejection_format_and_exit_code(sessionctl, es256):
    token = sign(sessionctl, es256[1], fresh_claims(exp=int(time.time()) - 10))
    result = sessionctl("token", "verify", "--jwk", es256[1], "--json", token)
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines()[0].startswith("rejected: expired: ")


def test_verify_reads_stdin(sessionctl, es256):
    token = sign(sessionctl, es256[1], fresh_claims())
    assert sessionctl("token", "verify", "--jwk", es256[1], "-", stdin=token + "\n").code == 0


@pytest.mark.parametrize("via_stdin", [False, True])
def test_huge_token_is_too_large_not_a_crash(sessionctl, es256, via_stdin):
    # Linux caps one argument at 128 KiB, so the argument case uses the largest it can pass.
    huge = "a" * (2 * 1024 * 1024 if via_stdin else 120_000)
    args = ("token", "verify", "--jwk", es256[1])
    result = sessionctl(*args, "-", stdin=huge) if via_stdin else sessionctl(*args, huge)
    assert result.code == 1 and result.out == ""
    assert result.err.startswith("rejected: token_too_large: "), result


@pytest.mark.parametrize("token", ["garbage", "a.b", "a.b.c", "....", "eyJhbGciOiJFUzI1NiJ9.e30.@@"])
def test_unparseable_tokens_are_malformed(sessionctl, es256, token):
    result = sessionctl("token", "verify", "--jwk", es256[1], token)
    assert result.code == 1 and result.err.startswith("rejected: malformed: "), result


def test_alg_none_never_verifies(sessionctl, es256):
    import base64

    def b64(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    for alg in ("none", "None", "NONE"):
        result = sessionctl("token", "verify", "--jwk", es256[1], f"{b64({'alg': alg})}.{b64(fresh_claims())}.")
        assert result.code == 1 and result.err.startswith("rejected: unsupported_alg: "), result


def test_verify_options(sessionctl, es256):
    token = sign(sessionctl, es256[1], fresh_claims(iss="https://a", aud=["x", "y"]), "--typ", "at+jwt")
    ok = ("token", "verify", "--jwk", es256[1])
    assert sessionctl(*ok, "--issuer", "https://a", "--audience", "y", "--typ", "application/AT+JWT", token).code == 0
    assert sessionctl(*ok, "--issuer", "https://b", token).err.startswith("rejected: bad_issuer: ")
    assert sessionctl(*ok, "--audience", "z", token).err.startswith("rejected: bad_audience: ")
    assert sessionctl(*ok, "--typ", "JWT", token).err.startswith("rejected: bad_type: ")
    assert sessionctl(*ok, "--algorithms", "RS256,PS256", token).err.startswith("rejected: alg_not_allowed: ")
    assert sessionctl(*ok, "--algorithms", "RS256, ES256", token).code == 0


def test_leeway(sessionctl, es256):
    token = sign(sessionctl, es256[1], fresh_claims(exp=int(time.time()) - 5))
    assert sessionctl("token", "verify", "--jwk", es256[1], token).code == 1
    assert sessionctl("token", "verify", "--jwk", es256[1], "--leeway", "60", token).code == 0


@pytest.mark.parametrize("args,needle", [
    (("token", "verify", "--jwk", "/nonexistent/key.json", "x.y.z"), "cannot read JWK /nonexistent/key.json"),
    (("token", "verify", "x.y.z"), "--jwks"),
    (("token", "verify", "--algorithms", "HS256,XX999", "--jwk", "/dev/null", "x"), "unknown algorithm"),
    (("token", "verify", "--leeway", "-1", "--jwk", "/dev/null", "x"), "--leeway"),
    (("keys", "generate", "--alg", "none"), "unknown algorithm"),
    (("keys", "generate", "--alg", "RS256", "--bits", "1024"), "--bits"),
    (("token", "sign", "--jwk", "/nonexistent", "{}"), "cannot read JWK"),
    (("token", "frobnicate"), "Unexpected argument"),
])
def test_usage_errors_exit_64(sessionctl, args, needle):
    result = sessionctl(*args)
    assert result.code == 64, result
    assert needle in result.err, result
    assert result.out == ""


@pytest.mark.parametrize("content,needle", [
    ("not json", "JWK is not a JSON object"),
    ('{"kty":"EC","crv":"P-256","x":"AAAA"}', 'JWK has no "y"'),
    ('{"kty":"RSA","n":"AQAB"}', 'JWK has no "e"'),
    ('{"kty":"XYZ"}', "not supported"),
    ('{"kty":"oct","k":"AAAA","alg":"HS999"}', "not a supported signing algorithm"),
    ('{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}', "invalid EC JWK"),
    ('{"kty":"oct","k":"a=="}', 'JWK "k" is not base64url'),
    ('{"a":1,"a":2}', "duplicate member"),
    ('[1,2]', "JWK is not a JSON object"),
])
def test_bad_jwk_files_exit_64(sessionctl, write_json, content, needle):
    path = write_json(content)
    for args in (("token", "verify", "--jwk", path, "a.b.c"), ("token", "sign", "--jwk", path, "{}")):
        result = sessionctl(*args)
        assert result.code == 64, result
        assert needle in result.err, result
        assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize("claims", ["[1]", "not json", '{"a":1,"a":2}', '"x"', "{"])
def test_claims_must_be_an_object(sessionctl, es256, claims):
    result = sessionctl("token", "sign", "--jwk", es256[1], claims)
    assert result.code == 64 and result.err.startswith("error: claims are not a JSON object"), result


def test_sign_refusals_exit_1(sessionctl, es256, write_json):
    assert sessionctl("token", "sign", "--jwk", es256[1], "--alg", "none", "{}").code == 1
    mismatch = sessionctl("token", "sign", "--jwk", es256[1], "--alg", "ES384", "{}")
    assert mismatch.code == 1 and "bound to ES256" in mismatch.err
    public = {k: v for k, v in es256[0].items() if k != "d"}
    assert sessionctl("token", "sign", "--jwk", write_json(public), "{}").code == 1
    weak = write_json({"kty": "oct", "k": "c2hvcnQ", "alg": "HS256"})
    result = sessionctl("token", "sign", "--jwk", weak, "{}")
    assert result.code == 1 and "weak_key" in result.err


def test_decode_never_verifies_and_says_so(sessionctl, es256):
    token = sign(sessionctl, es256[1], fresh_claims(), "--typ", "at+jwt")
    human = sessionctl("token", "decode", token)
    assert human.code == 0
    assert "NOT verified" in human.out
    as_json = sessionctl("token", "decode", "--json", token)
    assert as_json.code == 0
    decoded = json.loads(as_json.out)
    assert decoded["header"] == {"alg": "ES256", "typ": "at+jwt", "kid": "k1"}
    assert decoded["payload"]["sub"] == "alice"
    assert "not verified" in as_json.err
    # A forged signature still decodes: decode is not a verifier.
    head, body, _ = token.split(".")
    assert sessionctl("token", "decode", f"{head}.{body}.AAAA").code == 0
    assert sessionctl("token", "decode", "nonsense").err.startswith("rejected: malformed")


def test_control_characters_in_tokens_do_not_reach_the_terminal(sessionctl, es256):
    import base64
    header = base64.urlsafe_b64encode(json.dumps({"alg": "ES256", "kid": "\x1b[31mevil\n"}).encode()).rstrip(b"=").decode()
    result = sessionctl("token", "verify", "--jwk", es256[1], f"{header}.e30.AA")
    assert result.code == 1 and "\x1b" not in result.err and result.err.count("\n") == 1


def test_no_private_material_in_verify_or_sign_output(sessionctl, es256):
    token = sign(sessionctl, es256[1], fresh_claims())
    outputs = [sessionctl("token", "verify", "--jwk", es256[1], token),
               sessionctl("token", "sign", "--jwk", es256[1], json.dumps(fresh_claims())),
               sessionctl("token", "decode", token)]
    for result in outputs:
        assert es256[0]["d"] not in result.out + result.err
