package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/web/ui"
)

// page is one page of the browser app: its path, its template, and the roles that may open it
// (nil: every signed-in role). The menu shows a user only the pages of their role.
type page struct {
	path, name string
	roles      []tool.Role
}

// pages, in menu order. Roles follow the tools each page uses (agent/tool/roles.go): the
// dossier is for staff and admin, uploads for staff and admin, replays for trainers and admin.
var pages = []page{
	{"/chiedi", "chiedi", nil},
	{"/cruscotto", "cruscotto", nil},
	{"/esplora", "esplora", nil},
	{"/fascicolo", "fascicolo", []tool.Role{tool.Staff, tool.Admin}},
	{"/dati", "dati", []tool.Role{tool.Staff, tool.Admin}},
	{"/formazione", "formazione", []tool.Role{tool.Formatore, tool.Admin}},
}

// isPageRoute says whether a registered route belongs to the browser app (pages and assets,
// described by the app, not by openapi.json).
func isPageRoute(path string) bool {
	if path == "/" || path == "/accedi" || strings.HasPrefix(path, "/assets/") {
		return true
	}
	return slices.ContainsFunc(pages, func(p page) bool { return p.path == path })
}

func (p page) allows(r tool.Role) bool { return p.roles == nil || slices.Contains(p.roles, r) }

// PageViewer says who is signed in on a page request, and the session's CSRF token, without
// refusing anybody (web/auth.Authenticator satisfies it, after its LoadSession middleware).
type PageViewer interface {
	LoadSession(c *gin.Context)
	Viewer(c *gin.Context) (p tool.Principal, csrf string, ok bool)
}

// uiRoutes mounts the pages and /assets when the server has a UI.
func (s *Server) uiRoutes() {
	e := s.engine
	e.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/chiedi") })
	if s.opt.UI == nil {
		return
	}
	e.GET("/assets/*file", s.limitAddress, func(c *gin.Context) {
		s.opt.UI.ServeAsset(c.Writer, c.Request, c.Param("file"))
	})
	g := e.Group("", s.limitAddress)
	if pv, ok := s.opt.Identity.(PageViewer); ok {
		g.Use(pv.LoadSession)
	}
	g.GET("/accedi", s.handleLoginPage)
	for _, p := range pages {
		g.GET(p.path, s.handlePage(p))
	}
}

// viewer resolves the page's user: with an Identity, the session's; without one, the
// configured principal (anonymous decisore, or the dev header).
func (s *Server) viewer(c *gin.Context) (tool.Principal, string, bool) {
	if s.opt.Identity == nil {
		p, err := s.opt.Principal(c.Request)
		return p, "", err == nil
	}
	pv, ok := s.opt.Identity.(PageViewer)
	if !ok {
		return tool.Principal{}, "", false
	}
	return pv.Viewer(c)
}

func (s *Server) basePage(c *gin.Context, title string) *ui.Page {
	lang, chosen := ui.Lang(c.Request)
	if chosen {
		http.SetCookie(c.Writer, &http.Cookie{Name: ui.LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Request.TLS != nil})
	}
	mode := "no-model"
	if s.opt.ModelName != "" {
		mode = "model"
	}
	return &ui.Page{Lang: lang, Title: title, Version: s.Version, Mode: mode, ModelName: s.opt.ModelName,
		Path: c.Request.URL.Path, Data: map[string]any{}}
}

func (s *Server) handleLoginPage(c *gin.Context) {
	pg := s.basePage(c, "login.title")
	next := c.Query("next")
	if len(next) == 0 || next[0] != '/' || len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		next = "/chiedi"
	}
	pg.Data = map[string]any{"next": next, "oidc": s.opt.OIDC}
	s.render(c, http.StatusOK, "accedi", pg)
}

func (s *Server) handlePage(p page) gin.HandlerFunc {
	return func(c *gin.Context) {
		who, csrf, ok := s.viewer(c)
		if !ok {
			c.Redirect(http.StatusFound, "/accedi?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			return
		}
		pg := s.basePage(c, "nav."+p.name)
		pg.User, pg.Role, pg.CSRF = who.Username, string(who.Role), csrf
		for _, q := range pages {
			if q.allows(who.Role) {
				pg.Nav = append(pg.Nav, ui.NavItem{Path: q.path, Key: "nav." + q.name, Active: q.path == p.path})
			}
		}
		if !p.allows(who.Role) {
			pg.Status = http.StatusForbidden
			pg.Message = ui.Messages(pg.Lang)["err.forbidden"]
			pg.Title = "err.title"
			s.render(c, http.StatusForbidden, "errore", pg)
			return
		}
		if data := pageData[p.name]; data != nil {
			pg.Data = data()
		}
		s.render(c, http.StatusOK, p.name, pg)
	}
}

func (s *Server) render(c *gin.Context, status int, name string, pg *ui.Page) {
	if err := s.opt.UI.Render(c.Writer, c.Request, status, name, pg); err != nil {
		if !errors.Is(err, http.ErrHandlerTimeout) {
			s.Logger.Error("render page", "page", name, "err", err)
		}
		if !c.Writer.Written() {
			c.String(http.StatusInternalServerError, "errore interno")
		}
	}
}
