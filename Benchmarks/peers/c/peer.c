/* libjwt 1.10 on the shared keys and claims: sign and verify per second on one thread.
 * libjwt trusts the header's alg and checks no claims, so this checks both itself, as a
 * careful caller must (the same checks the other peers make). Prints "ALG sign verify". */
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static unsigned char *slurp(const char *dir, const char *name, size_t *length) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
    unsigned char *buffer = malloc(n + 1);
    if (fread(buffer, 1, n, f) != (size_t)n) { perror(path); exit(1); }
    buffer[n] = 0; fclose(f);
    *length = n;
    return buffer;
}

typedef void (*work)(void *);
static double rate(work body, void *arg) {
    double best = 0;
    for (int round = 0; round < 5; round++) {
        double start = now(); long n = 0;
        while (now() - start < 0.4) { for (int i = 0; i < 16; i++) body(arg); n += 16; }
        double r = n / (now() - start);
        if (r > best) best = r;
    }
    return best;
}

struct job { jwt_alg_t alg; const unsigned char *sign_key, *verify_key; size_t sign_len, verify_len; const char *claims; char *token; };

static void sign_once(void *arg) {
    struct job *j = arg;
    jwt_t *jwt = NULL;
    if (jwt_new(&jwt) || jwt_add_grants_json(jwt, j->claims) || jwt_set_alg(jwt, j->alg, j->sign_key, j->sign_len)) { fprintf(stderr, "sign setup\n"); exit(1); }
    char *token = jwt_encode_str(jwt);
    if (!token) { fprintf(stderr, "sign\n"); exit(1); }
    free(token);
    jwt_free(jwt);
}

static void verify_once(void *arg) {
    struct job *j = arg;
    jwt_t *jwt = NULL;
    if (jwt_decode(&jwt, j->token, j->verify_key, j->verify_len)) { fprintf(stderr, "verify\n"); exit(1); }
    if (jwt_get_alg(jwt) != j->alg) { fprintf(stderr, "alg\n"); exit(1); }
    long exp = jwt_get_grant_int(jwt, "exp");
    const char *iss = jwt_get_grant(jwt, "iss"), *aud = jwt_get_grant(jwt, "aud");
    if (exp < time(NULL) || !iss || strcmp(iss, "https://auth.example") || !aud || strcmp(aud, "orders")) { fprintf(stderr, "claims\n"); exit(1); }
    jwt_free(jwt);
}

int main(int argc, char **argv) {
    const char *dir = argv[1];
    size_t n;
    char *claims = (char *)slurp(dir, "claims.json", &n);
    struct { const char *name; jwt_alg_t alg; const char *priv, *pub; } cases[] = {
        {"HS256", JWT_ALG_HS256, "hs256.key", "hs256.key"},
        {"RS256", JWT_ALG_RS256, "rs256.pem", "rs256.pub.pem"},
        {"ES256", JWT_ALG_ES256, "es256.pem", "es256.pub.pem"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct job j = {.alg = cases[i].alg, .claims = claims};
        j.sign_key = slurp(dir, cases[i].priv, &j.sign_len);
        j.verify_key = slurp(dir, cases[i].pub, &j.verify_len);
        jwt_t *jwt = NULL;
        jwt_new(&jwt); jwt_add_grants_json(jwt, claims); jwt_set_alg(jwt, j.alg, j.sign_key, j.sign_len);
        j.token = jwt_encode_str(jwt);
        jwt_free(jwt);
        double sign = rate(sign_once, &j), verify = rate(verify_once, &j);
        printf("%s %.0f %.0f\n", cases[i].name, sign, verify);
        free(j.token);
    }
    return 0;
}
