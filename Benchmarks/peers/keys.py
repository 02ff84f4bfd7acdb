"""The keys and the token every peer and SessionCore are measured on, in one folder: PEM for
the peers, JWK for SessionCore, the 8 claims as JSON.

Usage: python3 keys.py DIR"""
import base64
import json
import os
import sys
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def number(n: int, size: int | None = None) -> str:
    size = size or (n.bit_length() + 7) // 8
    return b64(n.to_bytes(size, "big"))


folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
now = int(time.time())
claims = {"iss": "https://auth.example", "sub": "alice.nguyen", "aud": "orders", "exp": now + 3600, "iat": now,
          "jti": "2c1f4e0a-7d7b-4f1e-9a55-6d3c2b1a0f9e", "sid": "kq3_x9V0bT2mQ1sLw8YzAA", "scope": "orders:read orders:write profile"}
with open(os.path.join(folder, "claims.json"), "w") as f:
    json.dump(claims, f)

secret = os.urandom(32)
with open(os.path.join(folder, "hs256.key"), "wb") as f:
    f.write(secret)
jwks = {"HS256": {"kty": "oct", "k": b64(secret), "alg": "HS256", "kid": "bench"}}

pem = serialization.PrivateFormat.PKCS8
keys = {
    "RS256": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "ES256": ec.generate_private_key(ec.SECP256R1()),
    "EdDSA": ed25519.Ed25519PrivateKey.generate(),
}
for alg, key in keys.items():
    name = alg.lower()
    with open(os.path.join(folder, f"{name}.pem"), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, pem, serialization.NoEncryption()))
    with open(os.path.join(folder, f"{name}.pub.pem"), "wb") as f:
        f.write(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    with open(os.path.join(folder, f"{name}.der"), "wb") as f:   # PKCS#8 DER for ring
        f.write(key.private_bytes(serialization.Encoding.DER, pem, serialization.NoEncryption()))
    if alg == "RS256":
        p = key.private_numbers()
        jwks[alg] = {"kty": "RSA", "n": number(p.public_numbers.n), "e": number(p.public_numbers.e), "d": number(p.d), "p": number(p.p),
                     "q": number(p.q), "dp": number(p.dmp1), "dq": number(p.dmq1), "qi": number(p.iqmp), "alg": "RS256", "kid": "bench"}
        with open(os.path.join(folder, f"{name}.pub.der"), "wb") as f:   # RSAPublicKey DER for ring
            f.write(key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1))
    elif alg == "ES256":
        p = key.private_numbers()
        jwks[alg] = {"kty": "EC", "crv": "P-256", "x": number(p.public_numbers.x, 32), "y": number(p.public_numbers.y, 32),
                     "d": number(p.private_value, 32), "alg": "ES256", "kid": "bench"}
        with open(os.path.join(folder, f"{name}.pub.der"), "wb") as f:   # uncompressed point for ring
            f.write(key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    else:
        raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        jwks[alg] = {"kty": "OKP", "crv": "Ed25519", "x": b64(public), "d": b64(raw), "alg": "EdDSA", "kid": "bench"}
        with open(os.path.join(folder, f"{name}.pub.der"), "wb") as f:
            f.write(public)
for alg, jwk in jwks.items():
    with open(os.path.join(folder, f"{alg.lower()}.jwk"), "w") as f:
        json.dump(jwk, f)
