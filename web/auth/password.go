package auth

import (
	"crypto/rand"
	"fmt"
	"runtime"

	"github.com/alexedwards/argon2id"
)

// DefaultArgon2 follows OWASP's argon2id advice (19 MiB, 2 passes is the floor; we take
// 64 MiB, 1 pass, the library's default) with parallelism bounded so that a burst of logins
// on a small machine does not take every core.
var DefaultArgon2 = argon2id.Params{Memory: 64 * 1024, Iterations: 1, Parallelism: uint8(min(runtime.NumCPU(), 4)),
	SaltLength: 16, KeyLength: 32}

// MinPasswordLength is the shortest password accepted for a local account.
const MinPasswordLength = 12

// hasher hashes and checks passwords with argon2id. Verification reads the parameters from
// the stored hash, so raising them later only affects new hashes.
//
// At most one hash per core is computed at a time (slots); the others wait their turn. Each
// takes Memory (64 MiB) while it runs, so without the bound a burst of logins — a login
// storm at nine, or someone posting made-up names, which are checked against the dummy hash —
// would take 64 MiB each at once: 120 requests within the per-address burst are 7.5 GiB.
// Measured by the soak (docs/load.md).
type hasher struct {
	params argon2id.Params
	dummy  string // a hash of nothing, checked for unknown users so that timing does not tell
	slots  chan struct{}
}

func newHasher(p argon2id.Params) (*hasher, error) {
	dummy, err := argon2id.CreateHash("dummy password for timing", &p)
	if err != nil {
		return nil, fmt.Errorf("argon2id: %w", err)
	}
	return &hasher{params: p, dummy: dummy, slots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))}, nil
}

// turn waits for a free slot and returns its release.
func (h *hasher) turn() func() {
	h.slots <- struct{}{}
	return func() { <-h.slots }
}

func (h *hasher) hash(password string) (string, error) {
	defer h.turn()()
	s, err := argon2id.CreateHash(password, &h.params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return s, nil
}

// check says whether password matches hash; an empty hash (an OIDC-only account, or an
// unknown user) is checked against the dummy and never matches.
func (h *hasher) check(password, hash string) bool {
	defer h.turn()()
	if hash == "" {
		_, _ = argon2id.ComparePasswordAndHash(password, h.dummy)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

// passwordAlphabet leaves out characters that are easy to misread (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// GeneratePassword returns a random password of 20 characters from a 56-letter alphabet
// (about 116 bits).
func GeneratePassword() string {
	return randomString(20)
}

func randomString(n int) string {
	b := make([]byte, n)
	max := byte(len(passwordAlphabet))
	limit := 256 - 256%int(max) // rejection sampling keeps the letters uniform
	buf := make([]byte, 1)
	for i := 0; i < n; {
		_, _ = rand.Read(buf)
		if int(buf[0]) >= limit {
			continue
		}
		b[i] = passwordAlphabet[buf[0]%max]
		i++
	}
	return string(b)
}
