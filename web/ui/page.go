package ui

// NavItem is one entry of the main menu.
type NavItem struct {
	Path   string
	Key    string // string key of its label
	Active bool
}

// Page is what every template receives.
type Page struct {
	Name      string // template name, set by Render
	Lang      string
	Title     string // string key of the page title
	User      string // signed-in user's name ("" on the login page)
	Role      string
	CSRF      string
	Nav       []NavItem
	Version   string
	Mode      string // "model" or "no-model": always visible
	ModelName string
	Data      any // page-specific values, rendered as JSON into #cz-data
	Status    int
	Message   string // error pages
	T         map[string]string
	Script    string
	Style     string
	Path      string // the request path, for the language switch
}
