#ifndef SESSION_COPENSSL_SHIM_H
#define SESSION_COPENSSL_SHIM_H

#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/kdf.h>

/* Macros and variadic functions Swift cannot import, wrapped as functions. */

static inline void shim_OPENSSL_free(void *p) { OPENSSL_free(p); }
static inline void shim_OPENSSL_clear_free(void *p, size_t n) { OPENSSL_clear_free(p, n); }

static inline int shim_EVP_PKEY_KEYPAIR(void) { return EVP_PKEY_KEYPAIR; }
static inline int shim_EVP_PKEY_PUBLIC_KEY(void) { return EVP_PKEY_PUBLIC_KEY; }

static inline int shim_RSA_PKCS1_PADDING(void) { return RSA_PKCS1_PADDING; }
static inline int shim_RSA_PKCS1_PSS_PADDING(void) { return RSA_PKCS1_PSS_PADDING; }
static inline int shim_RSA_PSS_SALTLEN_DIGEST(void) { return RSA_PSS_SALTLEN_DIGEST; }

#endif
