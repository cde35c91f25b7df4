package auth

import (
	"sync"
	"time"
)

// ThrottlePolicy is how many failed logins are free and how long each further one locks out.
type ThrottlePolicy struct {
	Free  int           // failures allowed before any wait
	Base  time.Duration // the first lockout; it doubles with each further failure
	Max   time.Duration // the longest lockout
	Decay time.Duration // failures older than this (since the last one) are forgotten
}

// Default policies: a username gets 5 free tries, then 1s, 2s, 4s... up to 15 minutes; an
// address gets more (offices share one public address behind NAT) before the same backoff.
var (
	DefaultUserPolicy = ThrottlePolicy{Free: 5, Base: time.Second, Max: 15 * time.Minute, Decay: time.Hour}
	DefaultIPPolicy   = ThrottlePolicy{Free: 20, Base: time.Second, Max: 15 * time.Minute, Decay: time.Hour}
)

// lockout is the wait after n failures under p.
func (p ThrottlePolicy) lockout(n int) time.Duration {
	if n < p.Free {
		return 0
	}
	d := p.Base
	for i := p.Free; i < n && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// Throttle counts failed logins per username and per client address, in memory: the counts
// are per process and start again at a restart, which is acceptable for one server (a
// restart by an attacker is not something a login form can cause). Several replicas would
// each count on their own; move the counters to PostgreSQL then.
type Throttle struct {
	user, ip ThrottlePolicy
	now      func() time.Time

	mu   sync.Mutex
	seen map[string]*failures
}

type failures struct {
	n        int
	last     time.Time
	reported bool // a refusal has been reported since the last failure
}

// maxThrottleKeys bounds the memory a spray of made-up usernames can take.
const maxThrottleKeys = 100_000

// NewThrottle returns a throttle with the given policies.
func NewThrottle(user, ip ThrottlePolicy) *Throttle {
	return &Throttle{user: user, ip: ip, now: time.Now, seen: map[string]*failures{}}
}

// Wait says how long the client at ip must wait before trying username again (0: go ahead),
// and whether this is the first refusal since the last failure (worth recording once).
func (t *Throttle) Wait(username, ip string) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	wu, fu := t.waitLocked("u:"+username, t.user, now)
	wi, fi := t.waitLocked("ip:"+ip, t.ip, now)
	if wu >= wi {
		return wu, fu
	}
	return wi, fi
}

func (t *Throttle) waitLocked(key string, p ThrottlePolicy, now time.Time) (time.Duration, bool) {
	f := t.seen[key]
	if f == nil {
		return 0, false
	}
	if now.Sub(f.last) > p.Decay {
		delete(t.seen, key)
		return 0, false
	}
	w := max(0, f.last.Add(p.lockout(f.n)).Sub(now))
	first := w > 0 && !f.reported
	if w > 0 {
		f.reported = true
	}
	return w, first
}

// Fail records a failed login.
func (t *Throttle) Fail(username, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.seen) >= maxThrottleKeys {
		t.pruneLocked(now)
	}
	for _, k := range []string{"u:" + username, "ip:" + ip} {
		f := t.seen[k]
		if f == nil {
			f = &failures{}
			t.seen[k] = f
		}
		f.n++
		f.last = now
		f.reported = false
	}
}

// Succeed forgets the username's failures. The address keeps its own: one good account must
// not let an address go on guessing others.
func (t *Throttle) Succeed(username string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.seen, "u:"+username)
}

// pruneLocked drops entries past the decay, and if that is not enough, everything older than
// a minute: under a spray, forgetting some counts beats running out of memory.
func (t *Throttle) pruneLocked(now time.Time) {
	decay := min(t.user.Decay, t.ip.Decay)
	for k, f := range t.seen {
		if now.Sub(f.last) > decay {
			delete(t.seen, k)
		}
	}
	if len(t.seen) >= maxThrottleKeys {
		for k, f := range t.seen {
			if now.Sub(f.last) > time.Minute {
				delete(t.seen, k)
			}
		}
	}
}
