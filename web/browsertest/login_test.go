package browsertest

import (
	"net/http"
	"strings"
	"testing"
)

// Every role logs in through the login page and sees exactly the pages of its role in the menu;
// a page of another role answers 403 with the error page, and a logged-out visitor goes to login.
func TestLoginPerRoleAndMenus(t *testing.T) {
	want := map[string][]string{
		"decisore":  {"/chiedi", "/cruscotto", "/esplora"},
		"staff":     {"/chiedi", "/cruscotto", "/esplora", "/fascicolo", "/dati"},
		"formatore": {"/chiedi", "/cruscotto", "/esplora", "/formazione"},
		"admin":     {"/chiedi", "/cruscotto", "/esplora", "/fascicolo", "/dati", "/formazione"},
	}
	for role, paths := range want {
		t.Run(role, func(t *testing.T) {
			b := newBrowser(t, role)
			var menu []string
			b.eval(`[...document.querySelectorAll('#cz-nav a.nav-link')].map(a => a.getAttribute('href'))`, &menu)
			if strings.Join(menu, " ") != strings.Join(paths, " ") {
				t.Errorf("menu of %s: %v, want %v", role, menu, paths)
			}
			if role == "decisore" {
				if st := b.status("/fascicolo"); st != http.StatusForbidden {
					t.Errorf("decisore opening /fascicolo: %d, want 403", st)
				}
				if n := b.count(`[data-cz="page-root"]`); n != 0 {
					t.Errorf("the 403 page carries the dossier page")
				}
				b.allow("403")
				b.checkAccessibility() // the error page too
				b.screenshot("errore-403")
			}
			b.noErrors()
		})
	}
}

func TestLoggedOutGoesToLoginAndWrongPasswordIsSaid(t *testing.T) {
	b := newBrowser(t, "")
	b.open("/cruscotto")
	b.waitVisible(`#login-form`)
	var loc string
	b.eval(`location.pathname + location.search`, &loc)
	if loc != "/accedi?next=%2Fcruscotto" {
		t.Errorf("redirected to %q", loc)
	}
	b.input(`#username`, "demo.staff")
	b.input(`#password`, "sbagliata-sbagliata")
	b.click(`#login-form button[type=submit]`)
	b.waitVisible(`#login-error`)
	// The message says what to do next, not only what went wrong.
	if msg := b.text(`#login-error`); !strings.Contains(msg, "non validi") || !strings.Contains(msg, "riprova") || !strings.Contains(msg, "amministratore") {
		t.Errorf("login error says %q", msg)
	}
	b.allow("401")
	b.checkAccessibility()
	b.screenshot("accedi")
	b.noErrors()
}

// The English switch translates the page and is remembered.
func TestEnglishSwitch(t *testing.T) {
	b := newBrowser(t, "decisore")
	b.click(`[data-cz="lang-switch"]`)
	b.waitVisible(`html[lang="en"]`)
	if got := b.text(`#cz-nav`); !strings.Contains(got, "Dashboard") || !strings.Contains(got, "Explore") {
		t.Errorf("English menu: %q", got)
	}
	b.open("/cruscotto")
	if lang := b.attr("html", "lang"); lang != "en" {
		t.Errorf("language not remembered: %q", lang)
	}
	b.noErrors()
}
