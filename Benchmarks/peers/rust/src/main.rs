//! jsonwebtoken (on ring) on the shared keys and claims: sign and verify (signature, the
//! algorithm allow-list, exp/iss/aud) per second on one thread. Prints "ALG sign verify".
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use std::time::Instant;

fn rate(mut body: impl FnMut()) -> f64 {
    let mut best = 0.0f64;
    for _ in 0..5 {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed().as_secs_f64() < 0.4 {
            for _ in 0..16 {
                body();
            }
            n += 16;
        }
        best = best.max(n as f64 / start.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: peer-jsonwebtoken DIR");
    let read = |name: &str| std::fs::read(format!("{dir}/{name}")).expect(name);
    let claims: serde_json::Value = serde_json::from_slice(&read("claims.json")).unwrap();
    let secret = read("hs256.key");
    let cases: Vec<(&str, Algorithm, EncodingKey, DecodingKey)> = vec![
        ("HS256", Algorithm::HS256, EncodingKey::from_secret(&secret), DecodingKey::from_secret(&secret)),
        ("RS256", Algorithm::RS256, EncodingKey::from_rsa_pem(&read("rs256.pem")).unwrap(), DecodingKey::from_rsa_pem(&read("rs256.pub.pem")).unwrap()),
        ("ES256", Algorithm::ES256, EncodingKey::from_ec_pem(&read("es256.pem")).unwrap(), DecodingKey::from_ec_pem(&read("es256.pub.pem")).unwrap()),
        ("EdDSA", Algorithm::EdDSA, EncodingKey::from_ed_pem(&read("eddsa.pem")).unwrap(), DecodingKey::from_ed_pem(&read("eddsa.pub.pem")).unwrap()),
    ];
    for (name, alg, encoding, decoding) in cases {
        let header = Header::new(alg);
        let token = encode(&header, &claims, &encoding).unwrap();
        let mut validation = Validation::new(alg);
        validation.set_issuer(&["https://auth.example"]);
        validation.set_audience(&["orders"]);
        let sign = rate(|| {
            encode(&header, &claims, &encoding).unwrap();
        });
        let verify = rate(|| {
            decode::<serde_json::Value>(&token, &decoding, &validation).unwrap();
        });
        println!("{name} {sign:.0} {verify:.0}");
    }
}
