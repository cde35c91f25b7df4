package auth

import (
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
)

// TestHashingWaitsForAFreeSlot: no more argon2id computations run at once than there are
// slots (one per core), so a burst of logins cannot take 64 MiB each all together.
func TestHashingWaitsForAFreeSlot(t *testing.T) {
	h, err := newHasher(argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := h.hash("una password lunga")
	if err != nil {
		t.Fatal(err)
	}
	// Take every slot, as logins already hashing would.
	var releases []func()
	for range cap(h.slots) {
		releases = append(releases, h.turn())
	}
	done := make(chan bool, 2)
	go func() { done <- h.check("una password lunga", stored) }()
	go func() { done <- h.check("sbagliata", "") }() // an unknown user: the dummy hash waits too
	select {
	case <-done:
		t.Fatal("a password was checked while every slot was taken")
	case <-time.After(200 * time.Millisecond):
	}
	releases[0]()
	var results []bool
	for range 2 {
		select {
		case ok := <-done:
			results = append(results, ok)
		case <-time.After(10 * time.Second):
			t.Fatal("checks did not run once a slot was free")
		}
	}
	if results[0] == results[1] {
		t.Errorf("results %v: want the right password accepted and the unknown user refused", results)
	}
	for _, r := range releases[1:] {
		r()
	}
}
