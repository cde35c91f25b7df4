package web

import (
	"errors"
	"math"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/comune-bologna/conoscenza/agent"
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere: pages must load
// their scripts and styles as files from this server.
// Fonts and images may also be data: URLs (Bootstrap Italia's style sheet embeds an icon font and
// SVG backgrounds that way) and images blob: URLs (a chart exported as PNG is drawn from one).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; font-src 'self' data:; img-src 'self' data: blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the strict headers on every response, errors and 404s included (it
// runs before any handler can write). HSTS only over TLS: a browser ignores it on plain http,
// and sending it there would pin a demo on localhost to https.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if c.Request.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	c.Next()
}

// withRequestLogger puts a logger naming the request id in the request's context: the agent
// logs through it (agent.WithLogger), so every line about one request carries its id.
func (s *Server) withRequestLogger(c *gin.Context) {
	l := s.Logger.With("request_id", requestID(c))
	c.Request = c.Request.WithContext(agent.WithLogger(c.Request.Context(), l))
	c.Next()
}

// RateLimit is one token bucket per key: Rate requests a second on average, Burst at once.
// A zero Rate means the default; a negative one turns the limit off.
type RateLimit struct {
	Rate  float64
	Burst int
}

// Defaults: a person clicking and streaming stays far below them; a script hammering the API
// does not. Per address they are looser, since users behind one NAT or proxy share it.
var (
	defaultUserLimit    = RateLimit{Rate: 5, Burst: 30}
	defaultAddressLimit = RateLimit{Rate: 20, Burst: 120}
)

func (r RateLimit) or(def RateLimit) RateLimit {
	if r.Rate == 0 {
		return def
	}
	if r.Burst <= 0 {
		r.Burst = max(1, int(math.Ceil(r.Rate)))
	}
	return r
}

// errRateLimited is returned when a client has used up its bucket: 429 with codeRateLimited.
var errRateLimited = errors.New("rate limit exceeded")

// codeRateLimited is the error code of a 429 from the API's rate limits.
const codeRateLimited = "rate_limited"

// limiter keeps one bucket per key, forgetting the ones idle long enough to be full again.
type limiter struct {
	lim     RateLimit
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	*rate.Limiter
	last time.Time
}

func newLimiter(l RateLimit) *limiter {
	if l.Rate < 0 {
		return nil
	}
	return &limiter{lim: l, buckets: map[string]*bucket{}}
}

// allow takes a token for key; when there is none it says how long until there is.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// An idle bucket refills in Burst/Rate seconds: past that, dropping it changes nothing.
	idle := time.Duration(float64(l.lim.Burst)/l.lim.Rate*float64(time.Second)) + time.Minute
	if now.Sub(l.swept) > idle {
		for k, b := range l.buckets {
			if now.Sub(b.last) > idle {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{Limiter: rate.NewLimiter(rate.Limit(l.lim.Rate), l.lim.Burst)}
		l.buckets[key] = b
	}
	b.last = now
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// rateLimited answers 429 with Retry-After (whole seconds, at least 1) and the JSON error.
func (s *Server) rateLimited(c *gin.Context, wait time.Duration) {
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	s.fail(c, errRateLimited)
}

// limitAddress limits every /api/v1 request, login included, per client address. The address
// is the connection's: X-Forwarded-For is not trusted (anyone can write it).
func (s *Server) limitAddress(c *gin.Context) {
	if s.byAddress == nil {
		c.Next()
		return
	}
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		host = c.Request.RemoteAddr
	}
	if ok, wait := s.byAddress.allow(host, time.Now()); !ok {
		s.Logger.Warn("rate limited", "request_id", requestID(c), "by", "address")
		s.rateLimited(c, wait)
		return
	}
	c.Next()
}

// limitUser limits the authenticated requests per user. Principals without a user id (the
// anonymous and development ones, of a server without users) are limited by address only.
func (s *Server) limitUser(c *gin.Context) {
	if s.byUser == nil {
		c.Next()
		return
	}
	p := principal(c)
	if p.UserID == 0 {
		c.Next()
		return
	}
	if ok, wait := s.byUser.allow(strconv.FormatInt(p.UserID, 10), time.Now()); !ok {
		s.Logger.Warn("rate limited", "request_id", requestID(c), "by", "user", "user_id", p.UserID)
		s.rateLimited(c, wait)
		return
	}
	c.Next()
}
