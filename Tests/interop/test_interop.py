"""Interoperability matrix: 13 algorithms x (PyJWT -> us, joserfc -> us, us -> PyJWT, us -> joserfc)."""
import json
import time

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc import jwt as jose_jwt
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey, JWKRegistry

ALGORITHMS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
              "ES256", "ES384", "ES512", "EdDSA"]
CURVES = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}
JOSE_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}
HMAC_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}


def claims(**extra):
    now = int(time.time())
    return {"iss": "https://auth.example", "sub": "alice", "aud": "orders", "iat": now, "exp": now + 300,
            "jti": "j-1", "sid": "s-1", "scope": "read write", **extra}


def pyjwt_key(alg):
    """A private key object for PyJWT and its private JWK dict, bound to `alg`."""
    if alg.startswith("HS"):
        import os
        secret = os.urandom(HMAC_BYTES[alg])
        jwk = json.loads(pyjwt.algorithms.HMACAlgorithm.to_jwk(secret))
        key = secret
    elif alg[:2] in ("RS", "PS"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(pyjwt.algorithms.RSAAlgorithm.to_jwk(key))
    elif alg.startswith("ES"):
        key = ec.generate_private_key(CURVES[alg])
        jwk = json.loads(pyjwt.algorithms.ECAlgorithm.to_jwk(key))
    else:
        key = ed25519.Ed25519PrivateKey.generate()
        jwk = json.loads(pyjwt.algorithms.OKPAlgorithm.to_jwk(key))
    jwk["alg"] = alg
    return key, jwk


def public_jwk(jwk):
    return {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi", "oth")}


def jose_key(alg):
    if alg.startswith("HS"):
        return OctKey.generate_key(HMAC_BYTES[alg] * 8)
    if alg[:2] in ("RS", "PS"):
        return RSAKey.generate_key(2048)
    if alg.startswith("ES"):
        return ECKey.generate_key(JOSE_CURVES[alg])
    return OKPKey.generate_key("Ed25519")


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_pyjwt_signs_we_verify(alg, sessionctl, write_json):
    key, jwk = pyjwt_key(alg)
    token = pyjwt.encode(claims(), key, algorithm=alg, headers={"kid": "py-1"})
    jwk["kid"] = "py-1"
    verify_with = jwk if alg.startswith("HS") else public_jwk(jwk)
    result = sessionctl("token", "verify", "--jwk", write_json(verify_with), "--issuer", "https://auth.example",
                        "--audience", "orders", "--json", token)
    assert result.code == 0, result
    assert json.loads(result.out)["sub"] == "alice"
    # The same token through a JWKS, and tampered.
    result = sessionctl("token", "verify", "--jwks", write_json({"keys": [verify_with]}), token)
    assert result.code == 0, result
    head, body, sig = token.split(".")
    forged_body = pyjwt.utils.base64url_encode(json.dumps(claims(sub="mallory")).encode()).decode()
    result = sessionctl("token", "verify", "--jwk", write_json(verify_with), f"{head}.{forged_body}.{sig}")
    assert result.code == 1 and result.out == ""
    assert result.err.startswith("rejected: bad_signature: "), result


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_joserfc_signs_we_verify(alg, sessionctl, write_json):
    key = jose_key(alg)
    token = jose_jwt.encode({"alg": alg, "kid": "jose-1", "typ": "at+jwt"}, claims(), key, algorithms=[alg])
    jwk = key.as_dict(private=alg.startswith("HS"))
    jwk.update(kid="jose-1", alg=alg)
    result = sessionctl("token", "verify", "--jwk", write_json(jwk), "--typ", "at+jwt", "--json", token)
    assert result.code == 0, result
    assert json.loads(result.out)["scope"] == "read write"


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_we_sign_pyjwt_verifies(alg, sessionctl, write_json):
    generated = sessionctl("keys", "generate", "--alg", alg)
    assert generated.code == 0, generated
    jwk = json.loads(generated.out)
    signed = sessionctl("token", "sign", "--jwk", write_json(jwk), json.dumps(claims()))
    assert signed.code == 0, signed
    token = signed.out.strip()
    key = pyjwt.PyJWK(jwk if alg.startswith("HS") else public_jwk(jwk))
    decoded = pyjwt.decode(token, key, algorithms=[alg], audience="orders", issuer="https://auth.example")
    assert decoded["sub"] == "alice"
    assert pyjwt.get_unverified_header(token)["kid"] == jwk["kid"]


@pytest.mark.parametrize("alg", ALGORITHMS + ["Ed25519"])
def test_we_sign_joserfc_verifies(alg, sessionctl, write_json):
    generated = sessionctl("keys", "generate", "--alg", alg)
    assert generated.code == 0, generated
    jwk = json.loads(generated.out)
    signed = sessionctl("token", "sign", "--jwk", write_json(jwk), "--typ", "at+jwt", "-", stdin=json.dumps(claims()))
    assert signed.code == 0, signed
    key = JWKRegistry.import_key(jwk if alg.startswith("HS") else public_jwk(jwk))
    token = jose_jwt.decode(signed.out.strip(), key, algorithms=[alg])
    assert token.header["alg"] == alg and token.header["typ"] == "at+jwt"
    assert token.claims["aud"] == "orders"


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_generated_keys_load_in_joserfc(alg, sessionctl):
    result = sessionctl("keys", "generate", "--alg", alg, "--kid", f"k-{alg}")
    assert result.code == 0, result
    jwk = json.loads(result.out)
    assert jwk["kid"] == f"k-{alg}" and jwk["alg"] == alg and jwk["use"] == "sig"
    key = JWKRegistry.import_key(jwk)
    assert key.kid == f"k-{alg}"
    assert key.is_private
    # Without --kid the kid is the RFC 7638 thumbprint, as joserfc computes it.
    plain = json.loads(sessionctl("keys", "generate", "--alg", alg).out)
    assert plain["kid"] == JWKRegistry.import_key(plain).thumbprint()
