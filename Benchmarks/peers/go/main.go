// golang-jwt v4 on the shared keys and claims: sign and verify (signature, the algorithm
// allow-list, exp/iss/aud) per CPU-second on one thread. Prints "ALG sign verify" lines.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/golang-jwt/jwt"
)

func rate(body func()) float64 {
	best := 0.0
	for round := 0; round < 5; round++ {
		n := 0
		start := time.Now()
		for time.Since(start) < 400*time.Millisecond {
			for i := 0; i < 16; i++ {
				body()
			}
			n += 16
		}
		if r := float64(n) / time.Since(start).Seconds(); r > best {
			best = r
		}
	}
	return best
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	dir := os.Args[1]
	read := func(name string) []byte { b, err := os.ReadFile(filepath.Join(dir, name)); must(err); return b }
	var claims jwt.MapClaims
	must(json.Unmarshal(read("claims.json"), &claims))
	type alg struct {
		name           string
		method         jwt.SigningMethod
		signKey, vfKey interface{}
	}
	rsaPriv, err := jwt.ParseRSAPrivateKeyFromPEM(read("rs256.pem"))
	must(err)
	rsaPub, err := jwt.ParseRSAPublicKeyFromPEM(read("rs256.pub.pem"))
	must(err)
	ecPriv, err := jwt.ParseECPrivateKeyFromPEM(read("es256.pem"))
	must(err)
	ecPub, err := jwt.ParseECPublicKeyFromPEM(read("es256.pub.pem"))
	must(err)
	edPriv, err := jwt.ParseEdPrivateKeyFromPEM(read("eddsa.pem"))
	must(err)
	edPub, err := jwt.ParseEdPublicKeyFromPEM(read("eddsa.pub.pem"))
	must(err)
	secret := read("hs256.key")
	algs := []alg{
		{"HS256", jwt.SigningMethodHS256, secret, secret},
		{"RS256", jwt.SigningMethodRS256, rsaPriv, rsaPub},
		{"ES256", jwt.SigningMethodES256, ecPriv, ecPub},
		{"EdDSA", jwt.SigningMethodEdDSA, edPriv, edPub},
	}
	for _, a := range algs {
		token := jwt.NewWithClaims(a.method, claims)
		signed, err := token.SignedString(a.signKey)
		must(err)
		sign := rate(func() {
			t := jwt.NewWithClaims(a.method, claims)
			_, err := t.SignedString(a.signKey)
			must(err)
		})
		parser := jwt.Parser{ValidMethods: []string{a.name}}
		verify := rate(func() {
			parsed, err := parser.Parse(signed, func(*jwt.Token) (interface{}, error) { return a.vfKey, nil })
			must(err)
			c := parsed.Claims.(jwt.MapClaims)
			if !c.VerifyIssuer("https://auth.example", true) || !c.VerifyAudience("orders", true) {
				must(fmt.Errorf("claims"))
			}
		})
		fmt.Printf("%s %.0f %.0f\n", a.name, sign, verify)
	}
}
